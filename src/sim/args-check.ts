// Checks nanoBragg arguments before an engine runs (issue #8). The reference reads them with
// atof/atoi and strstr and never complains: a missing or non-numeric value silently becomes 0
// (-distance xyz: a zero distance, an endless auto-oversample), -detpixels -5 a negative image.
// nbtrace refuses those with one line (exit 2) before anything is computed or written, and warns
// (without changing what the engines do, as nanoBragg ignores them) on unknown flags.
import {closeSync, openSync, readSync} from 'node:fs'
import {resolve} from 'node:path'
import {parseArgs} from './cli.js'
import {InputError} from '../util/errors.js'

type Kind = 'num' | 'int' | 'file' | 'word'

interface FlagSpec {
  /** the flag as matched: exact (`=`), by substring, or by substring with the exact length */
  flag: string
  match: 'exact' | 'sub' | 'len'
  values: Kind[]
  /** value must be > 0 (detector size) */
  positive?: boolean
}

const N = (flag: string, n = 1, match: FlagSpec['match'] = 'sub', positive = false): FlagSpec => ({flag, match, values: Array(n).fill('num'), positive})
const I = (flag: string, n = 1, match: FlagSpec['match'] = 'sub', positive = false): FlagSpec => ({flag, match, values: Array(n).fill('int'), positive})
const F = (flag: string): FlagSpec => ({flag, match: 'sub', values: ['file']})
const B = (flag: string, match: FlagSpec['match'] = 'sub'): FlagSpec => ({flag, match, values: []})

/** Every flag nanoBragg (src/sim/cli.ts, instrumented-c/src/cli.c) reads, with its values. */
const SPECS: FlagSpec[] = [
  // crystal (-cell and -misset are checked on their own below)
  F('-mat'), F('-hkl'), N('-default_F'), I('-N', 1, 'exact'), I('-Na'), I('-Nb'), I('-Nc'),
  N('-xtalsize'), N('-xtal_size'), N('-samplesize'), N('-sample_size'), N('-xtal_thick'), N('-sample_thick'), N('-sample_x'),
  N('-xtal_width'), N('-sample_width'), N('-sample_y'), N('-xtal_heigh'), N('-sample_heigh'), N('-sample_z'),
  B('-round_xtal'), B('-square_xtal'), B('-gauss_xtal'), B('-tophat_spots'), B('-binary_spots'), N('-fudge'),
  B('-interpolate'), B('-nointerpolate'),
  // beam
  N('-lambda'), N('-wave'), N('-energy'), N('-dispersion'), I('-dispsteps'), N('-divergence'), N('-hdivrange'), N('-vdivrange'),
  N('-hdivstep', 1, 'len'), N('-vdivstep', 1, 'len'), I('-hdivsteps'), I('-vdivsteps'), I('-divsteps'), B('-round_div'), B('-square_div'),
  F('-sourcefile'), N('-fluence'), N('-flux'), N('-exposure'), N('-beamsize'), N('-polar', 1, 'len'), B('-nopolar'),
  // detector
  N('-distance'), N('-close_distance'), N('-detsize', 1, 'len', true), N('-detsize_f', 1, 'sub', true), N('-detsize_s', 1, 'sub', true),
  I('-detpixels', 1, 'len', true), I('-detpixels_f', 1, 'sub', true), I('-detpixels_x', 1, 'sub', true), I('-detpixels_s', 1, 'sub', true),
  I('-detpixels_y', 1, 'sub', true), N('-pixel', 1, 'exact', true), N('-Xbeam'), N('-Ybeam'), N('-Xclose'), N('-Yclose'), N('-ORGX'), N('-ORGY'),
  {flag: '-pivot', match: 'sub', values: ['word']}, B('-mosflm'), B('-xds'), B('-adxv'), B('-denzo'), B('-dials'),
  N('-fdet_vector', 3), N('-sdet_vector', 3), N('-odet_vector', 3), N('-beam_vector', 3), N('-polar_vector', 3), N('-spindle_axis', 3),
  N('-pix0_vector', 3), N('-twotheta', 1, 'exact'), N('-twotheta_axis', 3), N('-detector_rotx'), N('-detector_roty'), N('-detector_rotz'),
  {flag: '-detector_abs', match: 'sub', values: ['word']}, N('-detector_thick', 1, 'len'), I('-detector_thicksteps'), I('-thicksteps'),
  B('-curved_det'), B('-point_pixel'), I('-oversample', 1, 'exact'), B('-oversample_thick'), B('-oversample_polar'), B('-oversample_omega'),
  I('-roi', 4),
  // mosaic / phi
  N('-mosaic', 1, 'len'), N('-mosaici'), N('-mosaic_spr'), I('-mosaic_dom'), N('-phi', 1, 'len'), N('-osc'), N('-phistep', 1, 'len'), I('-phisteps'),
  N('-dmin'), N('-water'), I('-seed', 1, 'exact'), I('-mosaic_seed'), I('-misset_seed'),
  // outputs and run control
  F('-floatfile'), F('-floatimage'), F('-intfile'), F('-intimage'), F('-noisefile'), F('-noiseimage'), B('-nonoise'), F('-pgmfile'), N('-pgmscale'),
  B('-nopgm'), N('-scale', 1, 'exact'), N('-adc'), {flag: '-stol', match: 'len', values: ['file']}, F('-4stol'), {flag: '-Q', match: 'exact', values: ['file']}, F('-img'), F('-mask'),
  I('-trace_pixel', 2), I('-dump_pixel', 2), I('-printout_pixel', 2), F('-trace_out'), B('-trace_only'),
  B('-noprogress'), B('-progress'), B('-printout', 'exact'), B('-quiet'), B('-verbose'),
]
SPECS.push({flag: '-cell', match: 'sub', values: ['num']}, {flag: '-misset', match: 'sub', values: ['word']})

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/
const SPECIAL = /^[+-]?(?:inf(?:inity)?|nan)$/i

function matches(s: FlagSpec, a: string): boolean {
  if (s.match === 'exact') return a === s.flag
  if (s.match === 'len') return a.includes(s.flag) && a.length === s.flag.length
  return a.includes(s.flag)
}

/** The spec nanoBragg would act on for this argument: an exact match, else the longest one contained. */
function specFor(a: string): FlagSpec | null {
  let best: FlagSpec | null = null
  for (const s of SPECS) {
    if (!matches(s, a)) continue
    if (a === s.flag) return s
    if (!best || s.flag.length > best.flag.length) best = s
  }
  return best
}

/** Most pixels an image may have: the float image alone is 4 bytes a pixel (the C engine holds more). */
export const MAX_PIXELS = 1 << 28

const isNumber = (v: string): boolean => NUMBER.test(v) || SPECIAL.test(v)
const looksLikeFlag = (v: string): boolean => v.startsWith('-') && !isNumber(v)

export interface ArgsCheck {
  warnings: string[]
}

/**
 * Refuses what nanoBragg would silently turn into zeros or garbage: a flag at the end without its
 * value, a value that is not a number, a detector size that is not positive, a detector too large
 * to allocate. Unknown flags and stray words are warnings (nanoBragg ignores them; so do the engines).
 */
/** Input files the engines read, with the role named in the TypeScript engine's errors. */
const INPUTS: Record<string, string> = {'-hkl': 'hkl', '-mat': 'matrix', '-sourcefile': 'sourcefile', '-img': 'img', '-mask': 'mask'}

/** Throws the one-line error both engines should give when an input file cannot be read. */
function checkInput(flag: string, file: string, cwd: string): void {
  try {
    const fd = openSync(resolve(cwd, file), 'r')
    try {
      readSync(fd, Buffer.alloc(1), 0, 1, 0)
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code
    throw new InputError(`cannot read ${INPUTS[flag]} file '${file}': ${why}`, {file, field: flag})
  }
}

export function checkNanoBraggArgs(args: string[], cwd?: string): ArgsCheck {
  const warnings: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (!a.startsWith('-') || isNumber(a)) {
      warnings.push(`argument ${i + 1} '${a}' is not a nanoBragg flag or a flag's value: ignored (as nanoBragg does)`)
      continue
    }
    const spec = specFor(a)
    if (!spec) {
      warnings.push(`unknown nanoBragg flag ${a}: ignored (as nanoBragg does)`)
      continue
    }
    let want = spec.values
    if (spec.flag === '-cell') {
      // 1 to 6 numbers, up to the next flag
      let n = 0
      while (n < 6 && i + 1 + n < args.length && !looksLikeFlag(args[i + 1 + n])) n++
      want = Array(Math.max(n, 1)).fill('num')
    } else if (spec.flag === '-misset') {
      want = args[i + 1] !== undefined && args[i + 1].includes('rand') ? ['word'] : ['num', 'num', 'num']
    }
    for (let k = 0; k < want.length; k++) {
      const v = args[i + 1 + k]
      const what = want.length === 1 ? 'a value' : `${want.length} values`
      if (v === undefined) throw new InputError(`missing value: ${a} needs ${what}, found ${k === 0 ? 'nothing' : `only ${k}`} (nanoBragg would ignore the flag)`, {field: a})
      if (want[k] === 'file' || want[k] === 'word') {
        if (looksLikeFlag(v)) throw new InputError(`missing value: ${a} needs ${want[k] === 'file' ? 'a file name' : what}, found the flag ${v}`, {field: a})
        continue
      }
      if (looksLikeFlag(v)) throw new InputError(`missing value: ${a} needs ${what}, found the flag ${v}`, {field: a})
      const ok = want[k] === 'int' ? INTEGER.test(v) : isNumber(v)
      if (!ok) {
        const expected = want[k] === 'int' ? 'an integer' : 'a number'
        throw new InputError(`expected ${expected}, found '${v}' (nanoBragg would read ${want[k] === 'int' ? 'atoi' : 'atof'}('${v}'), silently)`, {field: a})
      }
      if (spec.positive && !(Number(v) > 0)) throw new InputError(`detector size must be positive, found ${v}`, {field: a})
    }
    if (spec.flag === '-detector_abs') {
      const v = args[i + 1]
      if (!isNumber(v) && !v.includes('inf')) throw new InputError(`expected a number or inf, found '${v}'`, {field: a})
    }
    if (cwd !== undefined && INPUTS[spec.flag] && want.length === 1) checkInput(spec.flag, args[i + 1], cwd)
    i += want.length
  }
  // the detector the engines will allocate (-img/-mask headers may set it: left to the engine)
  if (!args.some((a) => a.includes('-img') || a.includes('-mask'))) {
    const p = parseArgs(args, {timeSeed: 0})
    const f = p.fpixels > 0 ? p.fpixels : Math.ceil(p.detsizeF / p.pixelSize)
    const s = p.spixels > 0 ? p.spixels : Math.ceil(p.detsizeS / p.pixelSize)
    checkPixelCount(f, s)
  }
  return {warnings}
}

/** Refuses a detector whose image cannot be allocated, before allocating it. */
export function checkPixelCount(fpixels: number, spixels: number, field = '-detpixels'): void {
  const n = fpixels * spixels
  if (!(n <= MAX_PIXELS)) {
    const gib = (n * 4) / 2 ** 30
    throw new InputError(
      `detector of ${fpixels}x${spixels} pixels is too large: its float image alone needs ${gib >= 1e3 ? gib.toExponential(2) : gib.toFixed(1)} GiB (limit ${MAX_PIXELS} pixels, ${(MAX_PIXELS * 4) / 2 ** 30} GiB)`,
      {field},
    )
  }
}
