// Beam sources (physics.md §6): the -sourcefile tokenizer with its quirks, or the generated
// divergence x dispersion grid. Positions are sample->source vectors, unitized at the end.
import {atof} from './cli.js'
import {selectRange} from './setup.js'
import {rotateAxis, unitize, type Vec3} from './vector.js'

export interface Source {
  dir: Vec3 // unit, sample -> source
  lambda: number
  weight: number
}

const DELIMS = ' \t,;:!'
const NUMCHARS = '0123456789-+.EGeg'

/**
 * Parses 5-column source text (X Y Z weight lambda) like the reference's generic reader: leading
 * delimiters skipped, delimiter-only lines skipped, columns read until the line's own newline (a
 * CR before it, or a last line without one, makes the missing columns 0, not their defaults).
 * lineNumbers, when given, receives the 1-based line of each row.
 */
export function parseSourceText(text: string, lineNumbers?: number[]): number[][] {
  const lines = text.split(/(?<=\n)/) // keep the newline on each line
  const rows: number[][] = []
  let lineNo = 0
  for (const line of lines) {
    lineNo++
    if (line.length === 0) continue
    let pos = 0
    while (pos < line.length && DELIMS.includes(line[pos])) pos++
    if (line[pos] === '\n') continue
    const row = [NaN, NaN, NaN, NaN, NaN]
    for (let col = 0; col < 5; col++) {
      if (line.slice(pos) === '\n') break
      row[col] = atof(line.slice(pos))
      while (pos < line.length && NUMCHARS.includes(line[pos])) pos++
      while (pos < line.length && !DELIMS.includes(line[pos])) pos++
      while (pos < line.length && DELIMS.includes(line[pos])) pos++
    }
    rows.push(row)
    lineNumbers?.push(lineNo)
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
