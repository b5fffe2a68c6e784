// The cause map: every discrepant pixel coloured by the cause it is assigned to (its group's
// dominant cause), unexplained pixels grey, agreeing pixels white. The strength of the colour is
// |Δ| on the parity heat map's symmetric log scale (LOG_DECADES decades below the largest |Δ|),
// shown by the colour bar; traced pixels are boxed, the causes' representatives ringed. Same
// figure conventions as the heat map (src/parity/heatmap.ts): title, slow/fast axes in pixel
// indices with ticks at pixel centres, colour bar right of the map, legend below; small images
// enlarged, large ones reduced by an integer factor (each screen pixel shows the cause carrying
// the most Δ² in its block).
import type {ParityImage} from '../parity/index.js'
import {lineHeight, textWidth} from '../parity/font.js'
import {
  axisLabelWidth,
  Canvas,
  colourTicks,
  displayGrid,
  drawAxes,
  INK,
  LOG_DECADES,
  markBox,
  markRing,
  scaleValue,
  SOFT,
  TEXT,
  tickLabel,
  type RGB,
} from '../parity/heatmap.js'
import {writeFileAtomic} from '../util/atomic.js'
import type {GroupAssignment, TracedPixel} from './assign.js'
import type {Partition} from './partition.js'
import {percent} from '../util/numbers.js'

/** Categorical colours (Okabe–Ito, told apart with colour-vision deficiencies), then more. */
export const PALETTE: RGB[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [120, 100, 20],
  [128, 64, 0],
  [64, 0, 128],
  [0, 96, 64],
  [160, 0, 32],
  [40, 40, 160],
]
export const UNEXPLAINED: RGB = [105, 105, 105]

export interface CauseMapInfo {
  path: string
  width: number
  height: number
  zoom: number
  bin: number
  legend: {name: string; colour: string; share: number}[]
  unexplainedColour: string
  /** |Δ| at which colours are full */
  saturation: number
  caption: string
}

const hex = (c: RGB): string => '#' + c.map((x) => x.toString(16).padStart(2, '0')).join('')
const mix = (c: RGB, s: number): RGB => [Math.round(255 + (c[0] - 255) * s), Math.round(255 + (c[1] - 255) * s), Math.round(255 + (c[2] - 255) * s)]

const pct = percent

export async function writeCauseMap(
  path: string,
  p: Partition,
  ref: ParityImage,
  cand: ParityImage,
  assignment: GroupAssignment[],
  traced: TracedPixel[],
  causes: {key: string; name: string; share: number; representative: {slow: number; fast: number}}[],
  unexplained: number,
): Promise<CauseMapInfo> {
  const {fast, slow} = p
  const rank = new Map(causes.map((c, i) => [c.key, i]))
  // colour of each group: its dominant cause (largest Δ² weight), -1 unexplained
  const colourOf = new Int16Array(p.groups.length).fill(-1)
  for (const a of assignment) {
    if (a.traced < 0) continue
    const t = traced[a.traced]
    const w = t.attribution?.weights ?? []
    let best = 0
    for (let k = 1; k < t.causes.length; k++) if ((w[k] ?? 0) > (w[best] ?? 0)) best = k
    colourOf[a.group] = rank.get(t.causes[best].key) ?? -1
  }
  let maxAbs = 0
  for (let i = 0; i < fast * slow; i++) {
    if (p.label[i] < 0) continue
    const d = Math.abs(cand.data[i] - ref.data[i])
    if (Number.isFinite(d) && d > maxAbs) maxAbs = d
  }
  const S = maxAbs > 0 ? maxAbs : 1
  const strength = (d: number): number => (Number.isFinite(d) ? 0.12 + 0.88 * scaleValue(d, S, 'log') : 1)
  const colour = (ci: number): RGB => (ci < 0 ? UNEXPLAINED : PALETTE[ci % PALETTE.length])

  const {bin, zoom, dw, dh, W, H} = displayGrid(fast, slow)
  const pad = 14
  const lh = lineHeight(TEXT)
  const base = (x: string): string => x.split(/[\\/]/).pop() || x
  const title = `Causes of Δ = CAND − REF = ${base(cand.path)} − ${base(ref.path)}`
  const subtitle = `colour: the cause a pixel is assigned to · strength: |Δ|, log scale, ${LOG_DECADES} decades below ${tickLabel(S).slice(1)}`
  const barTitle = '|Δ|'
  const ticks = colourTicks(S, 'log').filter((v) => v >= 0)
  const tickW = Math.max(...ticks.map((v) => textWidth(tickLabel(v).replace(/^\+/, ''), TEXT)))
  const entries = [
    ...causes.map((c, i) => ({colour: colour(i), text: `${i + 1}. ${c.name}  ${pct(c.share)}`})),
    ...(unexplained > 0 ? [{colour: UNEXPLAINED, text: `unexplained  ${pct(unexplained)}`}] : []),
  ]
  const marks = `boxes: the ${traced.length} traced pixels · rings: each cause's representative`
  const mx = pad + lh + 10 + axisLabelWidth(fast, slow) + 10
  const my = pad + 2 * lh + 8 + 34
  const barH = Math.max(H, 240)
  const bx = mx + W + 26
  const barW = 18
  const legendY = my + Math.max(H, barH) + 8 + lh + 8 + lh + 14
  const rowH = lh + 8
  const width = Math.max(
    bx + barW + 16 + tickW + pad,
    pad + textWidth(title, TEXT) + pad,
    pad + textWidth(subtitle, TEXT) + pad,
    mx + 24 + Math.max(0, ...entries.map((e) => textWidth(e.text, TEXT))) + pad,
    mx + textWidth(marks, TEXT) + pad,
  )
  const height = legendY + (entries.length + 1) * rowH + pad
  const cv = new Canvas(width, height)
  cv.text(title, pad, pad, INK)
  cv.text(subtitle, pad, pad + lh + 6, SOFT)

  // the map: per screen block, the colour carrying the most Δ², at the strength of its largest |Δ|
  const n = causes.length + 1
  const acc = new Float64Array(n)
  for (let ds = 0; ds < dh; ds++) {
    for (let df = 0; df < dw; df++) {
      acc.fill(0)
      let maxD = 0
      let any = false
      for (let s = ds * bin; s < Math.min(slow, (ds + 1) * bin); s++) {
        for (let f = df * bin; f < Math.min(fast, (df + 1) * bin); f++) {
          const i = s * fast + f
          const g = p.label[i]
          if (g < 0) continue
          any = true
          const d = Math.abs(cand.data[i] - ref.data[i])
          acc[colourOf[g] + 1] += Number.isFinite(d) ? d * d + 1e-300 : Number.MAX_VALUE
          if (!(d <= maxD)) maxD = d
        }
      }
      if (!any) continue
      let best = 0
      for (let j = 1; j < n; j++) if (acc[j] > acc[best]) best = j
      cv.fill(mx + df * zoom, my + ds * zoom, zoom, zoom, mix(colour(best - 1), strength(maxD)))
    }
  }
  cv.box(mx - 1, my - 1, W + 2, H + 2, SOFT)
  drawAxes(cv, {x: mx, y: my}, fast, slow, pad)

  // traced pixels boxed (black in a white halo), representatives ringed
  const blockOf = (s: number, f: number): [number, number, number] => [mx + Math.floor((f / bin) * zoom), my + Math.floor((s / bin) * zoom), Math.max(zoom, 1)]
  const m = zoom >= 4 ? 2 : 3
  for (const t of traced) {
    const [x, y, w] = blockOf(t.slow, t.fast)
    markBox(cv, x - m, y - m, w + 2 * m, w + 2 * m)
  }
  for (const c of causes) {
    const [x, y, w] = blockOf(c.representative.slow, c.representative.fast)
    markRing(cv, x + Math.floor(w / 2), y + Math.floor(w / 2), Math.max(9, w / 2 + 7))
  }

  // colour bar: strength of a neutral colour from 0 (white) to S (full), S at the top
  const barY = my
  for (let y = 0; y < barH; y++) {
    const v = 1 - (y + 0.5) / barH
    cv.fill(bx, barY + y, barW, 1, mix(INK, 0.12 + 0.88 * v))
  }
  cv.box(bx - 1, barY - 1, barW + 2, barH + 2, SOFT)
  cv.text(barTitle, bx, barY - lh - 12, INK)
  let last = -Infinity
  for (const v of ticks) {
    const y = barY + Math.round((1 - scaleValue(v, S, 'log')) * (barH - 1))
    cv.fill(bx + barW + 1, y, 5, 1, SOFT)
    if (Math.abs(y - last) < lh + 2) continue
    cv.text(tickLabel(v).replace(/^\+/, ''), bx + barW + 8, y - Math.floor(lh / 2) + 1, INK)
    last = y
  }

  // legend: one row per cause, then unexplained, then the marks
  entries.forEach((e, k) => {
    const y = legendY + k * rowH
    cv.fill(mx, y, 16, 16, e.colour)
    cv.box(mx, y, 16, 16, SOFT)
    cv.text(e.text, mx + 24, y + 1, INK)
  })
  cv.text(marks, mx, legendY + entries.length * rowH + 1, SOFT)

  await writeFileAtomic(path, cv.png())
  return {
    path,
    width,
    height,
    zoom,
    bin,
    legend: causes.map((c, i) => ({name: c.name, colour: hex(colour(i)), share: c.share})),
    unexplainedColour: hex(UNEXPLAINED),
    saturation: S,
    caption: `each discrepant pixel in the colour of its cause (unexplained ${hex(UNEXPLAINED)}), strength |Δ| on a log scale (${LOG_DECADES} decades below ${S.toPrecision(4)}); white: the images agree; boxes: traced pixels; rings: representatives`,
  }
}
