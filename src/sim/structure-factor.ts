// Structure factors (physics.md §5): HKL text reader, the grid, nearest-node lookup and
// tricubic interpolation (polint/polin2/polin3 in the reference's evaluation order).

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

const NUM = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf(?:inity)?|nan)$/i

/** Reads records of four numbers (h k l F); a non-numeric token stops reading (§5, Q16). */
export function readHkl(text: string, defaultF: number, file = 'hkl'): HklGrid {
  const toks = text.split(/\s+/).filter((t) => t !== '')
  const recs: number[][] = []
  let cur: number[] = []
  for (const t of toks) {
    if (!NUM.test(t)) break
    cur.push(Number(t))
    if (cur.length === 4) {
      recs.push(cur)
      cur = []
    }
  }
  const warnings: string[] = []
  // records are read 4 numbers at a time across lines (as the reference's fscanf does): a line
  // with another count of numbers shifts every later record; say where the first one is
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].split(/\s+/).filter((x) => x !== '')
    if (t.length === 0) continue
    if (!t.every((x) => NUM.test(x))) break
    if (t.length !== 4) {
      warnings.push(`${file}:${i + 1}: ${t.length} columns, expected 4 (h k l F): numbers are read 4 at a time as nanoBragg reads them, so the records from here on are shifted`)
      break
    }
  }
  let hMin = Infinity, hMax = -Infinity, kMin = Infinity, kMax = -Infinity, lMin = Infinity, lMax = -Infinity
  let nonInt = false
  for (const [h, k, l] of recs) {
    if (h !== Math.trunc(h) || k !== Math.trunc(k) || l !== Math.trunc(l)) nonInt = true
    hMin = Math.min(hMin, Math.trunc(h)); hMax = Math.max(hMax, Math.trunc(h))
    kMin = Math.min(kMin, Math.trunc(k)); kMax = Math.max(kMax, Math.trunc(k))
    lMin = Math.min(lMin, Math.trunc(l)); lMax = Math.max(lMax, Math.trunc(l))
  }
  if (nonInt) warnings.push(`${file}: non-integer Miller indices were truncated`)
  if (recs.length === 0) {
    return {hkls: 0, hMin: 0, hMax: 0, kMin: 0, kMax: 0, lMin: 0, lMax: 0, hRange: 0, kRange: 0, lRange: 0, F: new Float64Array(1), warnings}
  }
  // ranges count grid nodes (max - min + 1); the interpolation range test uses them as they are
  const hRange = hMax - hMin + 1
  const kRange = kMax - kMin + 1
  const lRange = lMax - lMin + 1
  const F = new Float64Array(hRange * kRange * lRange)
  if (defaultF !== 0) F.fill(defaultF)
  for (const [h, k, l, f] of recs) {
    F[((Math.trunc(h) - hMin) * kRange + (Math.trunc(k) - kMin)) * lRange + (Math.trunc(l) - lMin)] = f
  }
  return {hkls: recs.length, hMin, hMax, kMin, kMax, lMin, lMax, hRange, kRange, lRange, F, warnings}
}

/** polint: 4-point Lagrange interpolation, coded term by term as in the reference. */
export function polint(xa: ArrayLike<number>, ya: ArrayLike<number>, x: number): number {
  const x0 = ((((x - xa[1]) * (x - xa[2])) * (x - xa[3])) * ya[0]) / (((xa[0] - xa[1]) * (xa[0] - xa[2])) * (xa[0] - xa[3]))
  const x1 = ((((x - xa[0]) * (x - xa[2])) * (x - xa[3])) * ya[1]) / (((xa[1] - xa[0]) * (xa[1] - xa[2])) * (xa[1] - xa[3]))
  const x2 = ((((x - xa[0]) * (x - xa[1])) * (x - xa[3])) * ya[2]) / (((xa[2] - xa[0]) * (xa[2] - xa[1])) * (xa[2] - xa[3]))
  const x3 = ((((x - xa[0]) * (x - xa[1])) * (x - xa[2])) * ya[3]) / (((xa[3] - xa[0]) * (xa[3] - xa[1])) * (xa[3] - xa[2]))
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
