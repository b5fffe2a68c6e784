// Which pixels matter: rankings of the brightest pixels and of the pixels carrying the discrepancy,
// a check on a user-chosen pixel, and the pixel `nbtrace trace --pixel auto` should trace.
//
// share_p = |Δ_p| / Σ|Δ| (Σ over all finite pixels): the fraction of the total absolute discrepancy a
// pixel carries. Ranking by share is ranking by |Δ|; the share list adds the cumulative share (how
// much of the discrepancy the top k pixels explain). A pixel is *negligible* when its share is below
// NEGLIGIBLE_SHARE or its |Δ| is below the median |Δ| (tracing it chases background, not the bug),
// unless its |Δ| is at least MAJOR_FRACTION of the largest |Δ|: with a diffuse discrepancy on a large
// detector no single pixel reaches 1e-3 of Σ|Δ|, and the top pixels must not be flagged.
import {InputError} from '../util/errors.js'
import type {ParityImage} from './image.js'
import {coordOf, type PixelCoord} from './metrics.js'

export const NEGLIGIBLE_SHARE = 1e-3
export const MAJOR_FRACTION = 0.1

export interface RankedPixel extends PixelCoord {
  rank: number
  ref: number
  cand: number
  absDiff: number
  /** |Δ|/|ref|, null when ref is 0 */
  relDiff: number | null
  /** |Δ|/Σ|Δ|, null when the images agree everywhere */
  share: number | null
  /** share of this pixel and every pixel ranked above it (largestShare only) */
  cumulativeShare?: number | null
}

export interface Rankings {
  n: number
  sumAbsDiff: number
  brightest: RankedPixel[]
  largestAbsDiff: RankedPixel[]
  largestShare: RankedPixel[]
}

/** Indices of the N largest keys (NaN keys skipped), descending, ties broken by lower index. */
export function topIndices(count: number, key: (i: number) => number, n: number): number[] {
  const idx: number[] = []
  const val: number[] = []
  if (n <= 0) return idx
  for (let i = 0; i < count; i++) {
    const k = key(i)
    if (Number.isNaN(k)) continue
    if (idx.length === n && !(k > val[n - 1])) continue
    if (idx.length < n) {
      idx.push(i)
      val.push(k)
    } else {
      idx[n - 1] = i
      val[n - 1] = k
    }
    // bubble up past strictly smaller keys: earlier indices stay ahead of equal keys
    for (let j = idx.length - 1; j > 0 && val[j - 1] < k; j--) {
      val[j] = val[j - 1]
      idx[j] = idx[j - 1]
      val[j - 1] = k
      idx[j - 1] = i
    }
  }
  return idx
}

export function sumAbsDiff(ref: ParityImage, cand: ParityImage): number {
  let s = 0
  for (let i = 0; i < ref.data.length; i++) {
    const d = Math.abs(cand.data[i] - ref.data[i])
    if (Number.isFinite(d)) s += d
  }
  return s
}

function entry(ref: ParityImage, cand: ParityImage, i: number, rank: number, total: number): RankedPixel {
  const r = ref.data[i]
  const c = cand.data[i]
  const ad = Math.abs(c - r)
  return {
    rank,
    ...coordOf(i, ref.fast),
    ref: r,
    cand: c,
    absDiff: ad,
    relDiff: r !== 0 && Number.isFinite(ad) ? ad / Math.abs(r) : null,
    share: total > 0 && Number.isFinite(ad) ? ad / total : null,
  }
}

/** The top N pixels: brightest in REF, largest |Δ|, largest share of Σ|Δ| (with cumulative share). */
export function rankPixels(ref: ParityImage, cand: ParityImage, n = 10, total = sumAbsDiff(ref, cand)): Rankings {
  const a = ref.data
  const b = cand.data
  const count = a.length
  const bright = topIndices(count, (i) => (Number.isFinite(a[i]) ? a[i] : Number.NaN), n)
  const diff = topIndices(
    count,
    (i) => {
      const d = Math.abs(b[i] - a[i])
      return Number.isFinite(d) && d > 0 ? d : Number.NaN
    },
    n,
  )
  const brightest = bright.map((i, k) => entry(ref, cand, i, k + 1, total))
  const largestAbsDiff = diff.map((i, k) => entry(ref, cand, i, k + 1, total))
  let cum = 0
  const largestShare = diff.map((i, k) => {
    const e = entry(ref, cand, i, k + 1, total)
    cum += e.absDiff
    e.cumulativeShare = total > 0 ? cum / total : null
    return e
  })
  return {n, sumAbsDiff: total, brightest, largestAbsDiff, largestShare}
}

/** `--pixel S,F` (slow, fast): the one parser, shared with `trace` and `simulate`. */
export {parsePixel} from '../util/parse.js'

export interface PixelQuery extends PixelCoord {
  ref: number
  cand: number
  absDiff: number
  relDiff: number | null
  share: number | null
  /** 1 + number of pixels with a strictly larger |Δ| */
  rank: number
  medianAbsDiff: number
  negligible: boolean
  warning: string | null
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0
  values.sort()
  const h = values.length >> 1
  return values.length % 2 ? values[h] : (values[h - 1] + values[h]) / 2
}

/** What one pixel carries of the discrepancy, with a warning when tracing it would chase background. */
export function queryPixel(ref: ParityImage, cand: ParityImage, p: PixelCoord, total = sumAbsDiff(ref, cand)): PixelQuery {
  if (p.slow >= ref.slow || p.fast >= ref.fast) {
    throw new InputError(`pixel ${p.slow},${p.fast} is outside the ${ref.fast}x${ref.slow} image (slow < ${ref.slow}, fast < ${ref.fast})`, {field: '--pixel'})
  }
  const i = p.slow * ref.fast + p.fast
  const e = entry(ref, cand, i, 0, total)
  const diffs = new Float64Array(ref.data.length)
  let m = 0
  let above = 0
  let max = 0
  for (let j = 0; j < ref.data.length; j++) {
    const d = Math.abs(cand.data[j] - ref.data[j])
    if (!Number.isFinite(d)) continue
    diffs[m++] = d
    if (d > e.absDiff) above++
    if (d > max) max = d
  }
  const med = median(diffs.subarray(0, m))
  let warning: string | null = null
  let negligible = false
  if (total === 0) {
    warning = `the images agree at every pixel: pixel ${p.slow},${p.fast} cannot show a divergence in the image (a trace can still compare intermediate values)`
    negligible = true
  } else if (((e.share ?? 0) < NEGLIGIBLE_SHARE || e.absDiff < med) && e.absDiff < MAJOR_FRACTION * max) {
    negligible = true
    const best = suggestTracePixel(ref, cand, total)
    const why =
      e.absDiff < med ? `its |Δ| ${e.absDiff} is below the median |Δ| ${med}` : `it carries ${pct(e.share ?? 0)} of the total |Δ| (< ${pct(NEGLIGIBLE_SHARE)})`
    warning = `pixel ${p.slow},${p.fast} is negligible for this discrepancy: ${why}, rank ${above + 1} of ${m}; tracing it may chase background. Consider --pixel ${best.pixel.slow},${best.pixel.fast} (${pct(best.share ?? 0)} of the total |Δ|).`
  }
  return {...p, ref: e.ref, cand: e.cand, absDiff: e.absDiff, relDiff: e.relDiff, share: e.share, rank: above + 1, medianAbsDiff: med, negligible, warning}
}

/** 7 significant digits: a float32 pixel value without its binary tail. */
function sig(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(7)))
}

function pct(x: number): string {
  return `${(100 * x).toPrecision(3)}%`
}

export interface TraceSuggestion {
  pixel: PixelCoord
  reason: string
  share: number | null
}

/**
 * The pixel to trace: the one carrying the largest share of Σ|Δ| (first in slow-major order on ties).
 * When the images agree everywhere, the brightest reference pixel (it exercises the most physics).
 */
export function suggestTracePixel(ref: ParityImage, cand: ParityImage, total = sumAbsDiff(ref, cand)): TraceSuggestion {
  if (ref.fast !== cand.fast || ref.slow !== cand.slow) throw new InputError('images have different dimensions', {file: cand.path, field: 'size'})
  const a = ref.data
  const b = cand.data
  if (total > 0) {
    const [i] = topIndices(
      a.length,
      (j) => {
        const d = Math.abs(b[j] - a[j])
        return Number.isFinite(d) ? d : Number.NaN
      },
      1,
    )
    const e = entry(ref, cand, i, 1, total)
    return {
      pixel: {slow: e.slow, fast: e.fast},
      share: e.share,
      reason: `Pixel ${e.slow},${e.fast} carries the largest share of the image discrepancy (${pct(e.share ?? 0)} of Σ|Δ|; ref ${sig(e.ref)}, cand ${sig(e.cand)}, |Δ| ${sig(e.absDiff)}).`,
    }
  }
  const [i] = topIndices(a.length, (j) => (Number.isFinite(a[j]) ? a[j] : Number.NaN), 1)
  const at = coordOf(i ?? 0, ref.fast)
  return {
    pixel: at,
    share: null,
    reason: `The images agree at every pixel, so pixel ${at.slow},${at.fast}, the brightest in the reference (${sig(a[i ?? 0])}), is traced: it exercises the most physics.`,
  }
}
