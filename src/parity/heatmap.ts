// Heat map of the signed relative difference, written as PNG (pngjs) through writeFileAtomic.
//
// Scale: r_p = (cand_p − ref_p) / max(|ref_p|, floor), floor = 1e-3 · max(ref) (the signal threshold
// of metrics.ts, so background pixels do not explode). Colours are linear in t = clip(r / C, −1, 1):
// white at 0, blue (33,102,172) at −1 (candidate below reference), red (178,24,43) at +1
// (candidate above reference); |r| ≥ C saturates. C is --png-scale when given, else the 99th
// percentile of |r| over pixels with r ≠ 0 (so a few outliers do not wash the map out); C = 1 when
// the images agree. Non-finite r is drawn grey. Image row = slow index, column = fast index; small
// images are enlarged by an integer factor (each pixel a k×k block, k = min(8, ⌊512 / max size⌋)).
// The top pixels (largest share of Σ|Δ|) are outlined by black boxes.
import pngjs from 'pngjs'
import {writeFileAtomic} from '../util/atomic.js'
import type {ParityImage} from './image.js'
import {SIGNAL_FRACTION, type PixelCoord} from './metrics.js'

const {PNG} = pngjs

const BLUE = [33, 102, 172] as const
const RED = [178, 24, 43] as const
const GREY = [128, 128, 128] as const

export interface HeatmapInfo {
  path: string
  /** C: |r| at which colours saturate */
  scale: number
  scaleSource: 'auto-p99' | 'flag' | 'identical'
  /** integer enlargement factor */
  zoom: number
  width: number
  height: number
  marked: PixelCoord[]
}

export function relativeDifference(ref: ParityImage, cand: ParityImage): Float64Array {
  let maxRef = 0
  for (const v of ref.data) if (v > maxRef) maxRef = v
  const floor = SIGNAL_FRACTION * maxRef
  const r = new Float64Array(ref.data.length)
  for (let i = 0; i < r.length; i++) {
    const d = cand.data[i] - ref.data[i]
    const den = Math.max(Math.abs(ref.data[i]), floor)
    r[i] = d === 0 ? 0 : den > 0 ? d / den : d > 0 ? Infinity : -Infinity
  }
  return r
}

export function autoScale(r: Float64Array): number {
  const mags = new Float64Array(r.length)
  let m = 0
  for (const v of r) if (v !== 0 && Number.isFinite(v)) mags[m++] = Math.abs(v)
  if (m === 0) return 0
  const sorted = mags.subarray(0, m).sort()
  return sorted[Math.min(m - 1, Math.floor(0.99 * (m - 1)))]
}

export function colourOf(r: number, scale: number): [number, number, number] {
  if (Number.isNaN(r)) return [...GREY]
  const t = Math.max(-1, Math.min(1, scale > 0 ? r / scale : 0))
  const end = t < 0 ? BLUE : RED
  const u = Math.abs(t)
  return [0, 1, 2].map((c) => Math.round(255 + (end[c] - 255) * u)) as [number, number, number]
}

export function renderHeatmap(ref: ParityImage, cand: ParityImage, marked: PixelCoord[], scaleFlag?: number): {png: Buffer; info: Omit<HeatmapInfo, 'path'>} {
  const r = relativeDifference(ref, cand)
  let scale: number
  let scaleSource: HeatmapInfo['scaleSource']
  if (scaleFlag !== undefined) {
    scale = scaleFlag
    scaleSource = 'flag'
  } else {
    scale = autoScale(r)
    scaleSource = 'auto-p99'
    if (scale === 0) {
      scale = 1
      scaleSource = 'identical'
    }
  }
  const zoom = Math.max(1, Math.min(8, Math.floor(512 / Math.max(ref.fast, ref.slow))))
  const width = ref.fast * zoom
  const height = ref.slow * zoom
  const png = new PNG({width, height})
  const px = png.data
  for (let s = 0; s < ref.slow; s++) {
    for (let f = 0; f < ref.fast; f++) {
      const [cr, cg, cb] = colourOf(r[s * ref.fast + f], scale)
      for (let dy = 0; dy < zoom; dy++) {
        let o = ((s * zoom + dy) * width + f * zoom) * 4
        for (let dx = 0; dx < zoom; dx++) {
          px[o] = cr
          px[o + 1] = cg
          px[o + 2] = cb
          px[o + 3] = 255
          o += 4
        }
      }
    }
  }
  // hollow boxes two screen pixels outside each marked pixel's block
  const margin = 2
  const set = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return
    const o = (y * width + x) * 4
    px[o] = 0
    px[o + 1] = 0
    px[o + 2] = 0
    px[o + 3] = 255
  }
  for (const p of marked) {
    const x0 = p.fast * zoom - margin
    const y0 = p.slow * zoom - margin
    const x1 = (p.fast + 1) * zoom - 1 + margin
    const y1 = (p.slow + 1) * zoom - 1 + margin
    for (let x = x0; x <= x1; x++) {
      set(x, y0)
      set(x, y1)
    }
    for (let y = y0; y <= y1; y++) {
      set(x0, y)
      set(x1, y)
    }
  }
  return {png: PNG.sync.write(png), info: {scale, scaleSource, zoom, width, height, marked}}
}

export async function writeHeatmap(path: string, ref: ParityImage, cand: ParityImage, marked: PixelCoord[], scaleFlag?: number): Promise<HeatmapInfo> {
  const {png, info} = renderHeatmap(ref, cand, marked, scaleFlag)
  await writeFileAtomic(path, png)
  return {path, ...info}
}
