// Power-law fits for the scaling run: y ≈ c·x^k, fitted as the least-squares line through
// (log x, log y). k is the exponent (1: linear in the work, 0: flat, e.g. memory that does not
// grow with the records); r2 says how well a single power law describes the points.
export interface Fit {
  /** the exponent k */
  exponent: number
  /** the factor c */
  factor: number
  /** coefficient of determination of the log-log line (1: exact) */
  r2: number
  /** points used (positive, finite x and y only) */
  n: number
}

export function fitPowerLaw(xs: number[], ys: number[]): Fit {
  const pts: [number, number][] = []
  for (let i = 0; i < Math.min(xs.length, ys.length); i++)
    if (xs[i] > 0 && ys[i] > 0 && Number.isFinite(xs[i]) && Number.isFinite(ys[i])) pts.push([Math.log(xs[i]), Math.log(ys[i])])
  const n = pts.length
  if (n < 2) return {exponent: NaN, factor: NaN, r2: NaN, n}
  const mx = pts.reduce((s, p) => s + p[0], 0) / n
  const my = pts.reduce((s, p) => s + p[1], 0) / n
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2
    sxy += (x - mx) * (y - my)
    syy += (y - my) ** 2
  }
  if (sxx === 0) return {exponent: NaN, factor: NaN, r2: NaN, n}
  const k = sxy / sxx
  // all y equal: a flat line fits exactly
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy)
  return {exponent: k, factor: Math.exp(my - k * mx), r2, n}
}
