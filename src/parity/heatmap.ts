// Heat map of Δ = CAND − REF, written as PNG (pngjs) through writeFileAtomic, readable on its own:
// a title saying which file minus which, axes in slow/fast pixel indices, a labelled colour bar,
// the suggested trace pixel ringed apart from the other top pixels (boxed), a legend and figures.
//
// Quantity: the signed difference in the images' own unit (photons/pixel for float images, counts
// for SMV), not a relative one: the pixels that carry the discrepancy are the strongest colours,
// and the weak background stays pale.
// Colour scale: diverging (ColorBrewer RdBu, 11 classes, interpolated): blue CAND < REF, near-white
// 0, red CAND > REF, saturating at ±S (S = max |Δ| unless --png-scale). "log" (default) is a
// symmetric log scale, t = sign(Δ)·log10(1 + |Δ|/L) / log10(1 + S/L) with L = S·10⁻³, so three
// decades of |Δ| are told apart; "linear" is t = Δ/S. Non-finite Δ is grey.
// Background (default on): the reference image, log-scaled, as a faint grey that multiplies the
// colours, so the diffraction pattern shows where Δ is 0 or small.
// Geometry: image row = slow index (0 at the top), column = fast index. Small images are enlarged by
// an integer factor (each pixel a k×k block, k = min(32, ⌊512 / max size⌋)); images larger than
// 1024 pixels are reduced by an integer factor b, each screen pixel showing the Δ of largest
// magnitude in its b×b block (so no difference is averaged away).
import pngjs from 'pngjs'
import {writeFileAtomic} from '../util/atomic.js'
import {CAP_H, lineHeight, rasterize, textWidth} from './font.js'
import type {ParityImage} from './image.js'
import {SIGNAL_FRACTION, type PixelCoord} from './metrics.js'

const {PNG} = pngjs

export type RGB = readonly [number, number, number]

/** ColorBrewer RdBu, 11 classes, from Δ < 0 (blue) to Δ > 0 (red). */
const RDBU: RGB[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
]
const GREY: RGB = [150, 150, 150]
export const INK: RGB = [20, 20, 20]
export const SOFT: RGB = [90, 90, 90]
export const WHITE: RGB = [255, 255, 255]
/** decades of |Δ| the log scale spans below S */
export const LOG_DECADES = 3
export const TEXT = 2
const MAX_MAP = 1024

export type ColourScale = 'log' | 'linear'

export interface HeatmapOptions {
  /** pixels to outline (the top pixels by |Δ|) */
  marked: PixelCoord[]
  /** the pixel to trace: marked apart from the others */
  suggested: PixelCoord | null
  colourScale?: ColourScale
  /** |Δ| at which colours saturate (default: max |Δ|) */
  saturation?: number
  /** the reference image as a faint background (default true) */
  background?: boolean
  /** one line of figures printed under the map (bit identity, correlation, ...) */
  footer?: string
}

export interface HeatmapInfo {
  path: string
  quantity: 'CAND - REF'
  unit: string
  colourScale: ColourScale
  /** S: |Δ| at which colours saturate */
  saturation: number
  saturationSource: 'max' | 'flag' | 'identical'
  /** L of the symmetric log scale (null when linear) */
  linearThreshold: number | null
  /** screen pixels per image pixel along each axis (≥ 1), or 1 when reduced */
  zoom: number
  /** image pixels per screen pixel along each axis (≥ 1; > 1 for large images) */
  bin: number
  width: number
  height: number
  marked: PixelCoord[]
  suggested: PixelCoord | null
  background: boolean
  /** what the colours mean, in one sentence */
  caption: string
}

export function unitOf(img: ParityImage): string {
  return img.format === 'smv' ? 'counts' : 'photons/pixel'
}

/** Maps Δ to t in [−1, 1] (NaN stays NaN). */
export function scaleValue(d: number, s: number, kind: ColourScale): number {
  if (Number.isNaN(d)) return Number.NaN
  if (!(s > 0)) return 0
  if (kind === 'linear') return Math.max(-1, Math.min(1, d / s))
  const l = s * 10 ** -LOG_DECADES
  const t = Math.log10(1 + Math.abs(d) / l) / Math.log10(1 + s / l)
  return Math.sign(d) * Math.min(1, t)
}

/** Diverging colour of t in [−1, 1]; NaN is grey. */
export function colourOf(t: number): [number, number, number] {
  if (Number.isNaN(t)) return [...GREY]
  const u = ((Math.max(-1, Math.min(1, t)) + 1) / 2) * (RDBU.length - 1)
  const i = Math.min(RDBU.length - 2, Math.floor(u))
  const f = u - i
  return [0, 1, 2].map((c) => Math.round(RDBU[i][c] + (RDBU[i + 1][c] - RDBU[i][c]) * f)) as [number, number, number]
}

/** Tick label: 0, 12.5, −3, 1e-3, 2.5e4 (a real minus sign). */
export function tickLabel(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  let text: string
  if (a >= 1e4 || a < 1e-2) {
    const [m, e] = a.toExponential(2).split('e')
    text = `${String(Number(m))}e${Number(e)}`
  } else {
    text = String(Number(a.toPrecision(3)))
  }
  return (v < 0 ? '−' : '+') + text
}

/** A nice step (1, 2 or 5 × 10^k) of at least `min`. */
export function niceStep(min: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(min, 1e-300)))
  for (const m of [1, 2, 5, 10]) if (m * p >= min) return m * p
  return 10 * p
}

/** Colour-bar ticks: 0, the decades within [L, S] (log) or nice steps (linear), and ±S. */
export function colourTicks(s: number, kind: ColourScale): number[] {
  const out = new Set<number>([0, s, -s])
  if (kind === 'log') {
    const l = s * 10 ** -LOG_DECADES
    for (let p = Math.ceil(Math.log10(l)); 10 ** p < s * 0.999; p++) {
      out.add(10 ** p)
      out.add(-(10 ** p))
    }
  } else {
    const step = niceStep(s / 4)
    for (let v = step; v < s * 0.999; v += step) {
      out.add(v)
      out.add(-v)
    }
  }
  return [...out].sort((a, b) => b - a)
}

/** An RGBA drawing surface with the figure's text (font.ts at scale TEXT). */
export class Canvas {
  readonly data: Buffer
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 4, 255)
  }
  set(x: number, y: number, c: RGB): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return
    const o = (y * this.width + x) * 4
    this.data[o] = c[0]
    this.data[o + 1] = c[1]
    this.data[o + 2] = c[2]
    this.data[o + 3] = 255
  }
  fill(x: number, y: number, w: number, h: number, c: RGB): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, c)
  }
  box(x: number, y: number, w: number, h: number, c: RGB, thick = 1): void {
    for (let t = 0; t < thick; t++) {
      this.fill(x + t, y + t, w - 2 * t, 1, c)
      this.fill(x + t, y + h - 1 - t, w - 2 * t, 1, c)
      this.fill(x + t, y + t, 1, h - 2 * t, c)
      this.fill(x + w - 1 - t, y + t, 1, h - 2 * t, c)
    }
  }
  text(s: string, x: number, y: number, c: RGB, rotate = false): void {
    rasterize(s, x, y, TEXT, (px, py) => this.set(px, py, c), rotate)
  }
  png(): Buffer {
    const p = new PNG({width: this.width, height: this.height})
    this.data.copy(p.data)
    return PNG.sync.write(p)
  }
}

const base = (p: string): string => p.split(/[\\/]/).pop() || p

/** A pixel mark: a thin black box in a white halo, so it shows on dark blue and dark red alike. */
export function markBox(cv: Canvas, x: number, y: number, w: number, h: number): void {
  cv.box(x - 1, y - 1, w + 2, h + 2, WHITE)
  cv.box(x, y, w, h, INK)
  cv.box(x + 1, y + 1, w - 2, h - 2, WHITE)
}

/** A ring of radius r around (cx0, cy0) (a different shape from the boxes), 3 px of black in a white halo. */
export function markRing(cv: Canvas, cx0: number, cy0: number, r: number): void {
  const R = Math.ceil(r + 3)
  for (const [lo, hi, c] of [
    [r - 2.5, r + 2.5, WHITE],
    [r - 1.5, r + 1.5, INK],
  ] as const) {
    for (let dy = -R; dy <= R; dy++) {
      for (let dx = -R; dx <= R; dx++) {
        const d = Math.hypot(dx, dy)
        if (d >= lo && d <= hi) cv.set(cx0 + dx, cy0 + dy, c)
      }
    }
  }
}

/** The display grid of an image: enlarged by `zoom` (small images) or reduced by `bin` (large ones), never both. */
export function displayGrid(fast: number, slow: number): {big: number; bin: number; zoom: number; dw: number; dh: number; W: number; H: number; per: number} {
  const big = Math.max(fast, slow)
  const bin = big > MAX_MAP ? Math.ceil(big / MAX_MAP) : 1
  const zoom = bin > 1 ? 1 : Math.max(1, Math.min(32, Math.floor(512 / big)))
  const dw = Math.ceil(fast / bin)
  const dh = Math.ceil(slow / bin)
  // per: screen pixels per image pixel
  return {big, bin, zoom, dw, dh, W: dw * zoom, H: dh * zoom, per: zoom / bin}
}

function axisTicks(fast: number, slow: number): {slowTicks: number[]; fastTicks: number[]} {
  const {big, per} = displayGrid(fast, slow)
  const step = niceStep(Math.max(2, (textWidth(String(big - 1), TEXT) + 14) / per, 28 / per))
  const slowTicks: number[] = []
  for (let v = 0; v < slow; v += step) slowTicks.push(v)
  const fastTicks: number[] = []
  for (let v = 0; v < fast; v += step) fastTicks.push(v)
  return {slowTicks, fastTicks}
}

/** Width of the widest slow-axis tick label (room to leave left of the map). */
export function axisLabelWidth(fast: number, slow: number): number {
  return Math.max(...axisTicks(fast, slow).slowTicks.map((v) => textWidth(String(v), TEXT)))
}

/**
 * Slow (left, rotated title) and fast (below) axes of a map drawn at `at`, ticks at pixel centres
 * in slow/fast pixel indices; returns the screen position of a pixel centre along each axis.
 */
export function drawAxes(
  cv: Canvas,
  at: {x: number; y: number},
  fast: number,
  slow: number,
  pad: number,
): {cx: (f: number) => number; cy: (s: number) => number} {
  const {W, H, per} = displayGrid(fast, slow)
  const {slowTicks, fastTicks} = axisTicks(fast, slow)
  const lh = lineHeight(TEXT)
  const mx = at.x
  const my = at.y
  const cx = (f: number): number => mx + Math.floor((f + 0.5) * per)
  const cy = (s: number): number => my + Math.floor((s + 0.5) * per)
  for (const v of slowTicks) {
    cv.fill(mx - 6, cy(v), 5, 1, SOFT)
    cv.text(String(v), mx - 9 - textWidth(String(v), TEXT), cy(v) - Math.floor((CAP_H * TEXT) / 2), INK)
  }
  for (const v of fastTicks) {
    cv.fill(cx(v), my + H + 1, 1, 5, SOFT)
    cv.text(String(v), cx(v) - Math.floor(textWidth(String(v), TEXT) / 2), my + H + 8, INK)
  }
  const fastTitle = 'fast pixel index'
  cv.text(fastTitle, mx + Math.floor((W - textWidth(fastTitle, TEXT)) / 2), my + H + 8 + lh + 6, INK)
  const slowTitle = 'slow pixel index'
  cv.text(slowTitle, pad, my + Math.floor((H + textWidth(slowTitle, TEXT)) / 2), INK, true)
  return {cx, cy}
}

/** Where the map and the colour bar are drawn, in PNG pixels (for tests and callers that annotate). */
export interface HeatmapLayout {
  map: {x: number; y: number; width: number; height: number}
  bar: {x: number; y: number; width: number; height: number}
}

export function renderHeatmap(ref: ParityImage, cand: ParityImage, o: HeatmapOptions): {png: Buffer; info: Omit<HeatmapInfo, 'path'>; layout: HeatmapLayout} {
  const kind = o.colourScale ?? 'log'
  const background = o.background ?? true
  const n = ref.data.length
  let maxAbs = 0
  let maxRef = 0
  for (let i = 0; i < n; i++) {
    const d = Math.abs(cand.data[i] - ref.data[i])
    if (Number.isFinite(d) && d > maxAbs) maxAbs = d
    if (ref.data[i] > maxRef) maxRef = ref.data[i]
  }
  let saturation: number
  let saturationSource: HeatmapInfo['saturationSource']
  if (o.saturation !== undefined) {
    saturation = o.saturation
    saturationSource = 'flag'
  } else if (maxAbs > 0) {
    saturation = maxAbs
    saturationSource = 'max'
  } else {
    saturation = 1
    saturationSource = 'identical'
  }
  const unit = unitOf(ref)

  const {bin, zoom, dw, dh, W, H} = displayGrid(ref.fast, ref.slow)

  // layout
  const pad = 14
  const lh = lineHeight(TEXT)
  const title = `Δ = CAND − REF = ${base(cand.path)} − ${base(ref.path)}`
  const subtitle =
    saturationSource === 'identical'
      ? `Δ = 0 at every pixel${background ? ' (REF in grey)' : ''}`
      : `red: CAND > REF · blue: CAND < REF · ${kind === 'log' ? `symmetric log colour scale, ${LOG_DECADES} decades below` : 'linear colour scale up to'} ±${tickLabel(saturation).slice(1)}`
  const barTitle = `Δ (${unit})`
  const slowLabelW = axisLabelWidth(ref.fast, ref.slow)
  const ticks = colourTicks(saturation, kind)
  const tickW = Math.max(...ticks.map((v) => textWidth(tickLabel(v), TEXT)))
  const barH = Math.max(H, 240)
  const mx = pad + lh + 10 + slowLabelW + 10
  const my = pad + 2 * lh + 8 + 34
  const bx = mx + W + 26
  const barW = 18
  const legendY = my + Math.max(H, barH) + 8 + lh + 8 + lh + 14
  const footerY = legendY + lh + 8
  const legendText1 = `top ${o.marked.length} pixels by |Δ|`
  const legendText2 = o.suggested ? `suggested trace pixel ${o.suggested.slow},${o.suggested.fast} (slow,fast)` : ''
  const legendW = 16 + 8 + textWidth(legendText1, TEXT) + 28 + (legendText2 ? 16 + 8 + textWidth(legendText2, TEXT) : 0)
  const content = Math.max(
    bx + barW + 8 + 8 + tickW + pad,
    bx + textWidth(barTitle, TEXT) + pad,
    pad + textWidth(title, TEXT) + pad,
    pad + textWidth(subtitle, TEXT) + pad,
    mx + legendW + pad,
  )
  // the figures line is split at " · " to fit the width of the rest
  const footer: string[] = []
  for (const part of (o.footer ?? '').split(' · ').filter((x) => x !== '')) {
    const last = footer.length ? `${footer[footer.length - 1]} · ${part}` : part
    if (footer.length && pad + textWidth(last, TEXT) + pad <= content) footer[footer.length - 1] = last
    else footer.push(part)
  }
  const width = Math.max(content, ...footer.map((l) => pad + textWidth(l, TEXT) + pad))
  const height = footerY + footer.length * (lh + 4) + pad
  const cv = new Canvas(width, height)

  cv.text(title, pad, pad, INK)
  cv.text(subtitle, pad, pad + lh + 6, SOFT)

  // the map
  const bg = (r: number): number => {
    if (!background || !(maxRef > 0) || !(r > 0)) return 1
    const floor = SIGNAL_FRACTION * maxRef
    const u = Math.log10(1 + r / floor) / Math.log10(1 + maxRef / floor)
    return 1 - 0.32 * Math.min(1, u)
  }
  for (let ds = 0; ds < dh; ds++) {
    for (let df = 0; df < dw; df++) {
      let d = 0
      let r = -Infinity
      let bad = false
      for (let s = ds * bin; s < Math.min(ref.slow, (ds + 1) * bin); s++) {
        for (let f = df * bin; f < Math.min(ref.fast, (df + 1) * bin); f++) {
          const i = s * ref.fast + f
          const v = cand.data[i] - ref.data[i]
          if (!Number.isFinite(v)) bad = true
          else if (Math.abs(v) > Math.abs(d)) d = v
          if (ref.data[i] > r) r = ref.data[i]
        }
      }
      const c = bad && d === 0 ? [...GREY] : colourOf(scaleValue(d, saturation, kind))
      const k = bg(r)
      const px: RGB = [Math.round(c[0] * k), Math.round(c[1] * k), Math.round(c[2] * k)]
      cv.fill(mx + df * zoom, my + ds * zoom, zoom, zoom, px)
    }
  }
  cv.box(mx - 1, my - 1, W + 2, H + 2, SOFT)

  const {cx, cy} = drawAxes(cv, {x: mx, y: my}, ref.fast, ref.slow, pad)

  // top pixels: thin boxes; the suggested one: a ring, and arrowheads beside the map pointing at
  // its row and column
  const blockBox = (p: PixelCoord, margin: number): [number, number, number, number] => {
    const x0 = mx + Math.floor((p.fast / bin) * zoom)
    const y0 = my + Math.floor((p.slow / bin) * zoom)
    const size = Math.max(zoom, 1)
    return [x0 - margin, y0 - margin, size + 2 * margin, size + 2 * margin]
  }
  const same = (a: PixelCoord, b: PixelCoord | null): boolean => b !== null && a.slow === b.slow && a.fast === b.fast
  const thin = (x: number, y: number, w: number, h: number): void => markBox(cv, x, y, w, h)
  // the suggested pixel: a ring (a different shape from the boxes)
  const ring = (cx0: number, cy0: number, r: number): void => markRing(cv, cx0, cy0, r)
  for (const p of o.marked) {
    if (same(p, o.suggested)) continue
    const [x, y, w, h] = blockBox(p, zoom >= 4 ? 2 : 3)
    thin(x, y, w, h)
  }
  if (o.suggested) {
    const [x, y, w] = blockBox(o.suggested, 0)
    ring(x + Math.floor(w / 2), y + Math.floor(w / 2), Math.max(10, w / 2 + 7))
    const sx = cx(o.suggested.fast)
    const sy = cy(o.suggested.slow)
    for (let k = 0; k < 6; k++) {
      cv.fill(sx - k, my - 4 - k, 2 * k + 1, 1, INK) // above the map, tip down at its column
      cv.fill(mx + W + 4 + k, sy - k, 1, 2 * k + 1, INK) // right of the map, tip left at its row
    }
  }

  // colour bar, +S at the top
  const barY = my
  for (let y = 0; y < barH; y++) cv.fill(bx, barY + y, barW, 1, colourOf(1 - (2 * (y + 0.5)) / barH))
  cv.box(bx - 1, barY - 1, barW + 2, barH + 2, SOFT)
  cv.text(barTitle, bx, barY - lh - 12, INK)
  const barPos = (v: number): number => barY + Math.round(((1 - scaleValue(v, saturation, kind)) / 2) * (barH - 1))
  let lastLabel = -Infinity
  for (const v of ticks) {
    const y = barPos(v)
    cv.fill(bx + barW + 1, y, 5, 1, SOFT)
    if (y - lastLabel < CAP_H * TEXT + 3 && v !== -saturation) continue
    cv.text(tickLabel(v), bx + barW + 8, y - Math.floor((CAP_H * TEXT) / 2), INK)
    lastLabel = y
  }

  // legend and figures
  let lx = mx
  if (o.marked.length) {
    thin(lx + 1, legendY + 1, 14, 14)
    lx += 16 + 8
    cv.text(legendText1, lx, legendY + 1, INK)
    lx += textWidth(legendText1, TEXT) + 28
  }
  if (o.suggested) {
    ring(lx + 8, legendY + 8, 6.5)
    lx += 16 + 8
    cv.text(legendText2, lx, legendY + 1, INK)
  }
  footer.forEach((l, k) => cv.text(l, pad, footerY + k * (lh + 4), SOFT))

  const caption =
    `Δ = CAND − REF in ${unit}, ${kind === 'log' ? `symmetric log colour scale (${LOG_DECADES} decades)` : 'linear colour scale'} saturating at ±${saturation.toPrecision(4)} (${saturationSource === 'flag' ? '--png-scale' : saturationSource === 'max' ? 'max |Δ|' : 'images identical'}); ` +
    `red CAND > REF, blue CAND < REF${background ? ', REF as a faint grey background' : ''}; ${o.suggested ? 'ring and arrowheads: the suggested trace pixel, ' : ''}boxes: the top pixels by |Δ|`
  return {
    png: cv.png(),
    layout: {map: {x: mx, y: my, width: W, height: H}, bar: {x: bx, y: barY, width: barW, height: barH}},
    info: {
      quantity: 'CAND - REF',
      unit,
      colourScale: kind,
      saturation,
      saturationSource,
      linearThreshold: kind === 'log' ? saturation * 10 ** -LOG_DECADES : null,
      zoom,
      bin,
      width,
      height,
      marked: o.marked,
      suggested: o.suggested,
      background,
      caption,
    },
  }
}

export async function writeHeatmap(path: string, ref: ParityImage, cand: ParityImage, o: HeatmapOptions): Promise<HeatmapInfo> {
  const {png, info} = renderHeatmap(ref, cand, o)
  await writeFileAtomic(path, png)
  return {path, ...info}
}
