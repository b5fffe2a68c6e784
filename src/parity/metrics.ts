// Image-level agreement between a reference and a candidate image. All sums are accumulated in
// double precision (pixel values are float32 or uint16; every metric is a float64 computation).
//
// Definitions (Δ_p = cand_p − ref_p):
//   correlation   Pearson r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²), two-pass; exactly 1 when every
//                 pixel is equal; null when a constant image makes it undefined (and the images differ)
//   sumRatio      Σcand / Σref (1 when both sums are 0; null when only Σref is 0)
//   rmse          sqrt(Σ Δ² / n)
//   maxAbsDiff    max |Δ| and the first pixel (slow-major order) where it occurs (null when 0)
//   maxRelDiff    max |Δ|/|ref| over *signal* pixels: ref > 1e-3 · max(ref) (needs max(ref) > 0);
//                 the background, where relative differences are meaningless, is left out
//   equalPixels   pixels with cand === ref exactly (NaN equal to NaN, -0 equal to 0)
//   differingPixels  pixels whose values are not bit-identical (float32 bit patterns; -0 ≠ 0)
//   bitIdentical  differingPixels === 0: the images hold the same numbers, bit for bit
// Pixels where either image is not finite are counted in nonFinite and left out of the sums.
import type {ParityImage} from './image.js'

export const SIGNAL_FRACTION = 1e-3

export interface PixelCoord {
  slow: number
  fast: number
}

export interface Metrics {
  pixels: number
  correlation: number | null
  sumRef: number
  sumCand: number
  sumRatio: number | null
  rmse: number
  sumAbsDiff: number
  maxAbsDiff: {value: number; pixel: PixelCoord | null}
  maxRelDiff: {value: number | null; pixel: PixelCoord | null; signalThreshold: number; signalPixels: number}
  equalPixels: number
  differingPixels: number
  bitIdentical: boolean
  nonFinite: {ref: number; cand: number}
}

export interface Thresholds {
  minCorr: number
  maxSumDev: number
  /** pass also needs bit-identical images (--exact) */
  exact: boolean
}

/** The field's parity criterion for a port of nanoBragg: correlation ≥ 0.999 and |Σcand/Σref − 1| ≤ 5e-3. */
export const DEFAULT_THRESHOLDS: Thresholds = {minCorr: 0.999, maxSumDev: 5e-3, exact: false}

/** Pixels whose float32 bit patterns differ (both images hold float32 values, SMV counts included). */
export function countDifferingBits(ref: ParityImage, cand: ParityImage): number {
  const a = new Uint32Array(ref.data.buffer, ref.data.byteOffset, ref.data.length)
  const b = new Uint32Array(cand.data.buffer, cand.data.byteOffset, cand.data.length)
  let n = 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++
  return n
}

export function coordOf(index: number, fast: number): PixelCoord {
  return {slow: Math.floor(index / fast), fast: index % fast}
}

export function computeMetrics(ref: ParityImage, cand: ParityImage): Metrics {
  const a = ref.data
  const b = cand.data
  const n = a.length
  let nonRef = 0
  let nonCand = 0
  let count = 0
  let sa = 0
  let sb = 0
  let maxRef = -Infinity
  let equal = 0
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) equal++
    const fx = Number.isFinite(x)
    const fy = Number.isFinite(y)
    if (!fx) nonRef++
    if (!fy) nonCand++
    if (!fx || !fy) continue
    count++
    sa += x
    sb += y
    if (x > maxRef) maxRef = x
  }
  const ma = count ? sa / count : 0
  const mb = count ? sb / count : 0
  const threshold = maxRef > 0 ? SIGNAL_FRACTION * maxRef : Infinity
  let sxx = 0
  let syy = 0
  let sxy = 0
  let sdd = 0
  let sabs = 0
  let maxAbs = -1
  let maxAbsAt = -1
  let maxRel = -1
  let maxRelAt = -1
  let signal = 0
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    const dx = x - ma
    const dy = y - mb
    sxx += dx * dx
    syy += dy * dy
    sxy += dx * dy
    const d = y - x
    const ad = Math.abs(d)
    sdd += d * d
    sabs += ad
    if (ad > maxAbs) {
      maxAbs = ad
      maxAbsAt = i
    }
    if (x > threshold) {
      signal++
      const rel = ad / Math.abs(x)
      if (rel > maxRel) {
        maxRel = rel
        maxRelAt = i
      }
    }
  }
  let correlation: number | null
  if (count > 0 && equal === n) correlation = 1
  else if (sxx > 0 && syy > 0) correlation = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
  else correlation = null
  const differing = countDifferingBits(ref, cand)
  let sumRatio: number | null
  if (sa !== 0) sumRatio = sb / sa
  else sumRatio = sb === 0 ? 1 : null
  return {
    pixels: n,
    correlation,
    sumRef: sa,
    sumCand: sb,
    sumRatio,
    rmse: count ? Math.sqrt(sdd / count) : 0,
    sumAbsDiff: sabs,
    maxAbsDiff: {value: Math.max(0, maxAbs), pixel: maxAbs > 0 ? coordOf(maxAbsAt, ref.fast) : null},
    maxRelDiff: {
      value: maxRelAt >= 0 ? maxRel : null,
      pixel: maxRel > 0 ? coordOf(maxRelAt, ref.fast) : null,
      signalThreshold: Number.isFinite(threshold) ? threshold : 0,
      signalPixels: signal,
    },
    equalPixels: equal,
    differingPixels: differing,
    bitIdentical: differing === 0,
    nonFinite: {ref: nonRef, cand: nonCand},
  }
}

/** The reasons the comparison fails (empty: pass). */
export function judge(m: Metrics, t: Thresholds): string[] {
  const out: string[] = []
  if (m.correlation === null) out.push('correlation undefined (a constant image)')
  else if (!(m.correlation >= t.minCorr)) out.push(`correlation ${m.correlation} < ${t.minCorr}`)
  if (m.sumRatio === null) out.push('sum ratio undefined (reference sums to 0)')
  else if (!(Math.abs(m.sumRatio - 1) <= t.maxSumDev)) out.push(`|sum ratio - 1| = ${Math.abs(m.sumRatio - 1)} > ${t.maxSumDev}`)
  if (m.nonFinite.cand > m.nonFinite.ref) out.push(`${m.nonFinite.cand} non-finite candidate pixels (${m.nonFinite.ref} in the reference)`)
  if (t.exact && !m.bitIdentical) out.push(`--exact: ${m.differingPixels} of ${m.pixels} pixels are not bit-identical`)
  return out
}
