// Structure factors (docs/ts-engine.md#structure-factors): HKL text reader, the grid, nearest-node lookup and
// tricubic interpolation (polint/polin2/polin3 in the reference's evaluation order), and the
// -dump cache upstream writes and reads.
import {InputError} from '../util/errors.js'
import {cInt} from './cnum.js'
import {checkCount, MAX_HKL_NODES} from './limits.js'
import type {InputReader} from './model.js'

export interface HklGrid {
  hkls: number
  hMin: number
  hMax: number
  kMin: number
  kMax: number
  lMin: number
  lMax: number
  hRange: number
  kRange: number
  lRange: number
  /** flat [h][k][l] grid, hRange x kRange x lRange nodes */
  F: Float64Array
  warnings: string[]
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf(?:inity)?|nan)$/i

/** A cursor over text read the way C's scanf reads it. */
class Scanner {
  pos = 0
  constructor(private readonly t: string) {}
  private ws(): void {
    while (this.pos < this.t.length && /\s/.test(this.t[this.pos])) this.pos++
  }
  /** %d: whitespace, an optional sign, at least one digit; null when it does not match (pos unchanged) */
  int(): number | null {
    const save = this.pos
    this.ws()
    const m = /^[+-]?\d+/.exec(this.t.slice(this.pos, this.pos + 40))
    if (!m) {
      this.pos = save
      return null
    }
    this.pos += m[0].length
    return Number(m[0]) | 0
  }
  /** %lg: whitespace, then strtod's syntax (decimal with exponent, hex, inf, nan) */
  double(): number | null {
    const save = this.pos
    this.ws()
    const rest = this.t.slice(this.pos, this.pos + 400)
    const m =
      /^[+-]?(?:0[xX](?:[\da-fA-F]+\.?[\da-fA-F]*|\.[\da-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan(?:\([\w]*\))?)/i.exec(
        rest,
      )
    if (!m) {
      this.pos = save
      return null
    }
    this.pos += m[0].length
    const x = m[0].toLowerCase()
    const neg = x.startsWith('-')
    const body = x.replace(/^[+-]/, '')
    if (body.startsWith('inf')) return neg ? -Infinity : Infinity
    if (body.startsWith('nan')) return Number.NaN
    if (body.startsWith('0x')) return (neg ? -1 : 1) * hexFloat(body.slice(2))
    return Number(x)
  }
  skipSpace(): void {
    this.ws()
  }
}

function hexFloat(s: string): number {
  const [mant, exp] = s.split('p')
  const [ip, fp = ''] = mant.split('.')
  let v = 0
  for (const ch of ip) v = v * 16 + parseInt(ch, 16)
  let scale = 1 / 16
  for (const ch of fp) {
    v += parseInt(ch, 16) * scale
    scale /= 16
  }
  return v * 2 ** Number(exp ?? 0)
}

/** Refuses a grid too large to allocate (upstream allocates (range+1)³ doubles), before allocating. */
function checkGrid(hRange: number, kRange: number, lRange: number, file: string, field: string): void {
  checkCount((hRange + 1) * (kRange + 1) * (lRange + 1), MAX_HKL_NODES, `structure-factor grid of ${hRange}x${kRange}x${lRange} indices`, field, 8, file)
}

/**
 * Reads an hkl table as upstream does (quirk Q16): a first pass of records of four numbers
 * (scanf %lg: a record that is not four numbers ends the file) for the index ranges, then a
 * second pass reading h k l as integers (%d%d%d%lg: "1.0" stops it at the first record), values
 * stored on a grid pre-filled with default_F. A file without a record is refused, as upstream
 * exits on it.
 */
export function readHkl(text: string, defaultF: number, file = 'hkl'): HklGrid {
  const sc = new Scanner(text)
  let n = 0
  let hMin = 1e9,
    kMin = 1e9,
    lMin = 1e9,
    hMax = -1e9,
    kMax = -1e9,
    lMax = -1e9
  let nonInt = 0
  for (;;) {
    const h = sc.double(),
      k = sc.double(),
      l = sc.double(),
      F = sc.double()
    if (h === null || k === null || l === null || F === null) break
    if (h !== Math.ceil(h - 0.4) || k !== Math.ceil(k - 0.4) || l !== Math.ceil(l - 0.4)) nonInt++
    // int variables compared with and assigned from doubles, as upstream does
    if (hMin > h) hMin = cInt(h)
    if (kMin > k) kMin = cInt(k)
    if (lMin > l) lMin = cInt(l)
    if (hMax < h) hMax = cInt(h)
    if (kMax < k) kMax = cInt(k)
    if (lMax < l) lMax = cInt(l)
    n++
  }
  const warnings: string[] = []
  // a line with another count of numbers than 4 shifts every later record: say where the first one is
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].split(/\s+/).filter((x) => x !== '')
    if (t.length === 0) continue
    if (!t.every((x) => NUMBER.test(x))) break
    if (t.length !== 4) {
      warnings.push(
        `${file}:${i + 1}: ${t.length} columns, expected 4 (h k l F): numbers are read 4 at a time as nanoBragg reads them, so the records from here on are shifted`,
      )
      break
    }
  }
  if (nonInt) warnings.push(`${file}: ${nonInt} records with non-integer Miller indices (read as nanoBragg reads them: its second pass stops at the first one)`)
  const hRange = hMax - hMin + 1
  const kRange = kMax - kMin + 1
  const lRange = lMax - lMin + 1
  if (n === 0 || hRange < 0 || kRange < 0 || lRange < 0)
    throw new InputError('no reflections: an hkl file needs records of four numbers h k l F (nanoBragg exits on this file)', {file, field: '-hkl'})
  checkGrid(hRange, kRange, lRange, file, '-hkl')
  const F = new Float64Array(hRange * kRange * lRange)
  if (defaultF !== 0) F.fill(defaultF)
  const sc2 = new Scanner(text)
  for (;;) {
    const h = sc2.int(),
      k = h === null ? null : sc2.int(),
      l = k === null ? null : sc2.int(),
      f = l === null ? null : sc2.double()
    if (h === null || k === null || l === null || f === null) break
    const hi = h - hMin,
      ki = k - kMin,
      li = l - lMin
    if (hi < 0 || hi >= hRange || ki < 0 || ki >= kRange || li < 0 || li >= lRange) continue
    F[(hi * kRange + ki) * lRange + li] = f
  }
  return {hkls: n, hMin, hMax, kMin, kMax, lMin, lMax, hRange, kRange, lRange, F, warnings}
}

/**
 * The structure-factor cache upstream writes after reading an hkl file (-dump, default
 * Fdump.bin): "h_min h_max k_min k_max l_min l_max\n\f", then (range+1)³ native doubles, the
 * last plane of each axis zero.
 */
export function fdumpBytes(g: HklGrid): Uint8Array {
  const head = Buffer.from(`${g.hMin} ${g.hMax} ${g.kMin} ${g.kMax} ${g.lMin} ${g.lMax}\n\f`, 'latin1')
  const L1 = g.lRange + 1
  const out = new Uint8Array(head.length + 8 * (g.hRange + 1) * (g.kRange + 1) * L1)
  out.set(head)
  const dv = new DataView(out.buffer, head.length)
  for (let h = 0; h < g.hRange; h++) {
    for (let k = 0; k < g.kRange; k++) {
      const row = (h * (g.kRange + 1) + k) * L1
      for (let l = 0; l < g.lRange; l++) dv.setFloat64(8 * (row + l), g.F[(h * g.kRange + k) * g.lRange + l], true)
    }
  }
  return out
}

/**
 * Reads a -dump file instead of an hkl file: six integers (scanf "%d%d%d%d%d%d\n\f", so every
 * whitespace byte after them is skipped, even the first bytes of the data), then rows of
 * l_range+1 doubles; missing bytes read as 0. Every grid node counts as a reflection.
 */
export function readFdump(buf: Uint8Array, file: string): HklGrid {
  const text = Buffer.from(buf.subarray(0, Math.min(buf.length, 4096))).toString('latin1')
  const sc = new Scanner(text)
  const v: number[] = []
  for (let i = 0; i < 6; i++) {
    const x = sc.int()
    if (x === null)
      throw new InputError('not a structure-factor dump: it must start with six integers h_min h_max k_min k_max l_min l_max', {file, line: 1, field: '-dump'})
    v.push(x)
  }
  sc.skipSpace()
  const [hMin, hMax, kMin, kMax, lMin, lMax] = v
  const hRange = hMax - hMin + 1,
    kRange = kMax - kMin + 1,
    lRange = lMax - lMin + 1
  if (hRange < 0 || kRange < 0 || lRange < 0)
    throw new InputError(`structure-factor dump with an empty index range (${v.join(' ')})`, {file, line: 1, field: '-dump'})
  checkGrid(hRange, kRange, lRange, file, '-dump')
  const F = new Float64Array(Math.max(1, hRange * kRange * lRange))
  const data = buf.subarray(sc.pos)
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const L1 = lRange + 1
  for (let h = 0; h <= hRange; h++) {
    for (let k = 0; k <= kRange; k++) {
      for (let l = 0; l < L1; l++) {
        const o = 8 * ((h * (kRange + 1) + k) * L1 + l)
        if (h >= hRange || k >= kRange || l >= lRange || o + 8 > data.length) continue
        F[(h * kRange + k) * lRange + l] = dv.getFloat64(o, true)
      }
    }
  }
  return {hkls: hRange * kRange * lRange, hMin, hMax, kMin, kMax, lMin, lMax, hRange, kRange, lRange, F, warnings: []}
}

/** polint: 4-point Lagrange interpolation, coded term by term as in the reference. */
export function polint(xa: ArrayLike<number>, ya: ArrayLike<number>, x: number): number {
  const x0 = ((x - xa[1]) * (x - xa[2]) * (x - xa[3]) * ya[0]) / ((xa[0] - xa[1]) * (xa[0] - xa[2]) * (xa[0] - xa[3]))
  const x1 = ((x - xa[0]) * (x - xa[2]) * (x - xa[3]) * ya[1]) / ((xa[1] - xa[0]) * (xa[1] - xa[2]) * (xa[1] - xa[3]))
  const x2 = ((x - xa[0]) * (x - xa[1]) * (x - xa[3]) * ya[2]) / ((xa[2] - xa[0]) * (xa[2] - xa[1]) * (xa[2] - xa[3]))
  const x3 = ((x - xa[0]) * (x - xa[1]) * (x - xa[2]) * ya[3]) / ((xa[3] - xa[0]) * (xa[3] - xa[1]) * (xa[3] - xa[2]))
  return x0 + x1 + x2 + x3
}

/**
 * Tricubic F at fractional (h,k,l): nodes floor-1..floor+2 on each axis, l first, then k, then h.
 * The caller has already checked the range. `scratch` needs 4+4+4+16+4 doubles.
 */
export function tricubic(g: HklGrid, h: number, k: number, l: number, scratch: Float64Array): number {
  const hf = Math.floor(h)
  const kf = Math.floor(k)
  const lf = Math.floor(l)
  const hn = scratch.subarray(0, 4)
  const kn = scratch.subarray(4, 8)
  const ln = scratch.subarray(8, 12)
  const ym = scratch.subarray(12, 16)
  const ym2 = scratch.subarray(16, 20)
  const col = scratch.subarray(20, 24)
  for (let i = 0; i < 4; i++) {
    hn[i] = hf - 1 + i
    kn[i] = kf - 1 + i
    ln[i] = lf - 1 + i
  }
  const K1 = g.kRange
  const L1 = g.lRange
  for (let i1 = 0; i1 < 4; i1++) {
    const hi = hf - 1 + i1 - g.hMin
    for (let i2 = 0; i2 < 4; i2++) {
      const base = (hi * K1 + (kf - 1 + i2 - g.kMin)) * L1 + (lf - 1 - g.lMin)
      col[0] = g.F[base]
      col[1] = g.F[base + 1]
      col[2] = g.F[base + 2]
      col[3] = g.F[base + 3]
      ym2[i2] = polint(ln, col, l)
    }
    ym[i1] = polint(kn, ym2, k)
  }
  return polint(hn, ym, h)
}

/** The reference's out-of-range test for interpolation, on fractional indices. */
export function tricubicOutOfRange(g: HklGrid, h: number, k: number, l: number): boolean {
  return h - g.hMin + 3 > g.hRange || h - 2 < g.hMin || k - g.kMin + 3 > g.kRange || k - 2 < g.kMin || l - g.lMin + 3 > g.lRange || l - 2 < g.lMin
}

/** Nearest-node lookup: the grid value when h0,k0,l0 are inside it, else default_F (-1 mode flag means default). */
export function nearestF(g: HklGrid, h0: number, k0: number, l0: number, defaultF: number): number {
  if (g.hkls > 0 && h0 >= g.hMin && h0 <= g.hMax && k0 >= g.kMin && k0 <= g.kMax && l0 >= g.lMin && l0 <= g.lMax) {
    return g.F[((h0 - g.hMin) * g.kRange + (k0 - g.kMin)) * g.lRange + (l0 - g.lMin)]
  }
  return defaultF
}

export function nearestInGrid(g: HklGrid, h0: number, k0: number, l0: number): boolean {
  return g.hkls > 0 && h0 >= g.hMin && h0 <= g.hMax && k0 >= g.kMin && k0 <= g.kMax && l0 >= g.lMin && l0 <= g.lMax
}

export interface StructureFactors {
  hkl: HklGrid | null
  /** reflections (every node of a dump) */
  count: number
  interpolate: number
  /** the -dump file to write after reading -hkl */
  dump: {file: string; bytes: Uint8Array} | null
  /** ./Fdump.bin exists and the reference would have loaded it silently (quirk Q10) */
  fdumpIgnored: boolean
  warnings: string[]
}

/**
 * The structure factors of the set-up: the -hkl table (written to -dump when one is named), or
 * without -hkl the -dump file when it exists, or default_F alone. Upstream also writes and reads
 * ./Fdump.bin when no -dump is given; the engines do not (quirk Q10: a hidden cache in the working
 * directory), and say so when one is there.
 */
export function structureFactors(
  p: {hklfilename: string | null; dumpfilename: string | null; defaultF: number},
  interpolate: number,
  io: InputReader,
): StructureFactors {
  const warnings: string[] = []
  let hkl: HklGrid | null = null
  let dump: StructureFactors['dump'] = null
  let fdumpIgnored = false
  if (p.hklfilename) {
    hkl = readHkl(io.read(p.hklfilename, 'hkl', '-hkl').toString('latin1'), p.defaultF, p.hklfilename)
    warnings.push(...hkl.warnings)
    if (p.dumpfilename) dump = {file: p.dumpfilename, bytes: fdumpBytes(hkl)}
  } else if (p.dumpfilename && io.exists(p.dumpfilename)) {
    hkl = readFdump(io.read(p.dumpfilename, 'fdump', '-dump'), p.dumpfilename)
  } else {
    if (!p.dumpfilename && io.exists('Fdump.bin')) {
      fdumpIgnored = true
      warnings.push(
        'Fdump.bin exists in the working directory: the reference nanoBragg would silently load it (no -hkl); it is ignored here (name it with -dump to use it)',
      )
    }
    if (p.defaultF === 0)
      throw new InputError(
        `no structure factors: give -hkl file or -default_F F${p.dumpfilename ? ` (the -dump file ${p.dumpfilename} does not exist)` : ''}`,
        {field: '-hkl'},
      )
  }
  const count = hkl ? hkl.hkls : 0
  return {hkl: count > 0 ? hkl : null, count, interpolate: count === 0 ? 0 : interpolate, dump, fdumpIgnored, warnings}
}

/**
 * The amorphous F(sin θ/λ) table of -stol/-4stol/-Q: upstream reads it (two columns, its generic
 * text reader) and exits when it holds no line, but nothing it computes uses it.
 */
export function checkStolTable(file: string | null, read: (file: string) => string, countLines: (text: string) => number): void {
  if (file === null) return
  if (countLines(read(file)) === 0) throw new InputError('no data in the table (nanoBragg exits on it)', {file, field: '-stol'})
}

/**
 * A NaN Miller index passes the interpolation range test (every comparison with NaN is false),
 * and upstream then reads the table at (int)floor(NaN): it crashes. The engines refuse at that
 * term instead (a source of wavelength 0, from a source file's CR or missing newline, makes it).
 */
export function checkInterpolationIndex(h: number, k: number, l: number): void {
  if (Number.isNaN(h) || Number.isNaN(k) || Number.isNaN(l))
    throw new InputError('interpolation at a NaN Miller index (a source of wavelength 0?): upstream nanoBragg crashes here', {field: '-sourcefile'})
}

/** Where an F_cell came from (the trace's F_cell_mode). */
export const F_MODES = ['default', 'nearest', 'tricubic'] as const
export const F_DEFAULT = 0
export const F_NEAREST = 1
export const F_TRICUBIC = 2

/** The interpolation state the serial loop carries (quirk Q8): 1 tricubic, 0 nearest. */
export interface InterpolationState {
  interpolate: number
  fallbackFired: boolean
}

/**
 * F_cell of one term: tricubic interpolation while the state allows it; the first term whose
 * fractional indices leave the interpolation range switches the state to nearest for good
 * (quirk Q8, the reference's global flag) and is itself looked up by nearest node; outside the
 * grid, or without one, default_F. mode[0] receives F_DEFAULT/F_NEAREST/F_TRICUBIC.
 */
export function structureFactor(
  g: HklGrid | null,
  defaultF: number,
  st: InterpolationState,
  h: number,
  k: number,
  l: number,
  h0: number,
  k0: number,
  l0: number,
  scratch: Float64Array,
  mode: Uint8Array,
): number {
  if (g === null) {
    mode[0] = F_DEFAULT
    return defaultF
  }
  if (st.interpolate === 1) {
    if (!tricubicOutOfRange(g, h, k, l)) {
      checkInterpolationIndex(h, k, l)
      mode[0] = F_TRICUBIC
      return tricubic(g, h, k, l, scratch)
    }
    st.interpolate = 0
    st.fallbackFired = true
  }
  mode[0] = nearestInGrid(g, h0, k0, l0) ? F_NEAREST : F_DEFAULT
  return nearestF(g, h0, k0, l0, defaultF)
}
