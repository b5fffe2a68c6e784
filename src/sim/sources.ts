// Beam sources (docs/ts-engine.md#sources, quirk Q7): the -sourcefile tokenizer with its quirks, or the generated
// divergence x dispersion grid. Positions are sample->source vectors, unitized at the end.
import {InputError} from '../util/errors.js'
import type {ParsedArgs} from './cli.js'
import {atof} from './cnum.js'
import {selectRange, type Sampling} from './setup.js'
import {rotateAxis, unitize, type Vec3} from './vector.js'

export interface Source {
  dir: Vec3 // unit, sample -> source
  lambda: number
  weight: number
}

const DELIMS = ' \t,;:!'
const NUMCHARS = '0123456789-+.EGeg'

/** The line buffer of upstream's text reader: fgets reads at most 10239 characters a call. */
const LINE_MAX = 10239

/**
 * Parses column text (sources: X Y Z weight lambda) like the reference's generic reader. Each
 * line (as fgets returns it, long lines in 10239-character pieces): leading delimiters skipped,
 * a line of delimiters and its newline skipped; then per column atof(), skip the number
 * characters, and the line ends as soon as exactly its newline is left; else skip to and over the
 * next delimiters, and the line ends when its newline is left. Columns never read stay NaN (their
 * defaults apply); a CR before the newline, or a last line without one, is never "exactly the
 * newline", so the remaining columns are read from the empty end of the line as 0.
 * lineNumbers, when given, receives the 1-based line of each row.
 */
export function parseSourceText(text: string, lineNumbers?: number[], ncols = 5): number[][] {
  const rows: number[][] = []
  let lineNo = 0
  for (const whole of text.split(/(?<=\n)/)) {
    lineNo++
    for (let o = 0; o < whole.length; o += LINE_MAX) {
      const line = whole.slice(o, o + LINE_MAX)
      let pos = 0
      while (pos < line.length && DELIMS.includes(line[pos])) pos++
      if (line.slice(pos) === '\n') continue
      const row: number[] = Array(ncols).fill(NaN)
      for (let col = 0; col < ncols; col++) {
        row[col] = atof(line.slice(pos))
        while (pos < line.length && NUMCHARS.includes(line[pos])) pos++
        if (line.slice(pos) === '\n') break
        while (pos < line.length && !DELIMS.includes(line[pos])) pos++
        while (pos < line.length && DELIMS.includes(line[pos])) pos++
        if (line.slice(pos) === '\n') break
      }
      rows.push(row)
      lineNumbers?.push(lineNo)
    }
  }
  return rows
}

export interface SourceGridInput {
  beam: Vec3
  polar: Vec3
  vert: Vec3
  lambda0: number
  hdivrange: number
  hdivstep: number
  hdivsteps: number
  vdivrange: number
  vdivstep: number
  vdivsteps: number
  dispersion: number
  dispstep: number
  dispsteps: number
  roundDiv: boolean
}

export function sourcesFromFile(rows: number[][], beam: Vec3, lambda0: number): Source[] {
  return rows.map((r) => {
    const x = Number.isNaN(r[0]) ? -10.0 * beam[0] : r[0]
    const y = Number.isNaN(r[1]) ? -10.0 * beam[1] : r[1]
    const z = Number.isNaN(r[2]) ? -10.0 * beam[2] : r[2]
    const w = Number.isNaN(r[3]) ? 1.0 : r[3]
    const l = Number.isNaN(r[4]) ? lambda0 : r[4]
    return {dir: unitize([x, y, z]), weight: w, lambda: l}
  })
}

export function sourcesFromGrid(g: SourceGridInput): Source[] {
  const out: Source[] = []
  for (let ht = 0; ht < g.hdivsteps; ht++) {
    for (let vt = 0; vt < g.vdivsteps; vt++) {
      const hdiv = g.hdivstep * ht - g.hdivrange / 2.0
      const vdiv = g.vdivstep * vt - g.vdivrange / 2.0
      let test = (hdiv * hdiv - ((g.hdivstep * g.hdivstep) / 4.0) * (1 - (g.hdivsteps % 2))) / g.hdivrange / g.hdivrange
      test += (vdiv * vdiv - ((g.vdivstep * g.vdivstep) / 4.0) * (1 - (g.vdivsteps % 2))) / g.vdivrange / g.vdivrange
      if (g.roundDiv && test * 4.0 > 1.1) continue
      let v: Vec3 = [-10.0 * g.beam[0], -10.0 * g.beam[1], -10.0 * g.beam[2]]
      v = rotateAxis(v, g.polar, vdiv)
      v = rotateAxis(v, g.vert, hdiv)
      for (let dt = 0; dt < g.dispsteps; dt++) {
        const lambda = g.lambda0 * (1.0 + g.dispstep * dt - g.dispersion / 2.0)
        out.push({dir: v, lambda, weight: 0})
      }
    }
  }
  // weight: 1/(number of sources generated), as the reference prints it
  return out.map((s) => ({...s, dir: unitize(s.dir), weight: 1.0 / out.length}))
}

export {selectRange}

export interface SourceSetup {
  sources: Source[]
  warnings: string[]
}

/**
 * The sources of the set-up: the -sourcefile rows (missing columns defaulted; a row read as
 * wavelength 0 is reported by line), or the divergence x dispersion grid.
 */
export function beamSources(
  p: ParsedArgs,
  beam: Vec3,
  polar: Vec3,
  vert: Vec3,
  s: Sampling,
  readSourceFile: (file: string) => string,
  ghostRow = false,
): SourceSetup {
  const warnings: string[] = []
  if (p.sourcefilename) {
    const rowLines: number[] = []
    const rows = parseSourceText(readSourceFile(p.sourcefilename), rowLines)
    if (rows.length === 0) throw new InputError('no sources in the file (nanoBragg exits on it)', {file: p.sourcefilename, field: '-sourcefile'})
    // planted fault ghost-comment-source: one more row, all columns missing
    if (ghostRow) rows.push([NaN, NaN, NaN, NaN, NaN])
    const sources = sourcesFromFile(rows, beam, p.lambda0)
    // faithful: the reference reads these as wavelength 0 too; say which line did it
    const zero = sources.map((x, j) => (x.lambda === 0 ? j : -1)).filter((j) => j >= 0 && j < rowLines.length)
    if (zero.length) {
      const more =
        zero.length > 1
          ? ` (and ${zero.length - 1} more: line${zero.length > 2 ? 's' : ''} ${zero
              .slice(1, 6)
              .map((j) => rowLines[j])
              .join(', ')}${zero.length > 6 ? ', …' : ''})`
          : ''
      warnings.push(
        `${p.sourcefilename}:${rowLines[zero[0]]}: source ${zero[0]} has wavelength 0 (a comment line, a missing column, CRLF or no final newline; read as nanoBragg reads it): the image will be NaN${more}`,
      )
    }
    return {sources, warnings}
  }
  const sources = sourcesFromGrid({
    beam,
    polar,
    vert,
    lambda0: p.lambda0,
    hdivrange: s.hdiv.range,
    hdivstep: s.hdiv.step,
    hdivsteps: s.hdiv.steps,
    vdivrange: s.vdiv.range,
    vdivstep: s.vdiv.step,
    vdivsteps: s.vdiv.steps,
    dispersion: s.disp.range,
    dispstep: s.disp.step,
    dispsteps: s.disp.steps,
    roundDiv: p.roundDiv,
  })
  return {sources, warnings}
}
