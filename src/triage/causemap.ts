// The cause map: every discrepant pixel coloured by the cause it is assigned to (its group's
// dominant cause), unexplained pixels grey, agreeing pixels white; the colour's strength follows
// log |Δ| (pale: small |Δ|, full: the largest), so the structure of the discrepancy stays visible.
// Traced pixels are outlined in black. Image row = slow index, column = fast index, as in the
// parity heat map; small images are enlarged by an integer factor, large ones reduced by an
// integer factor (each map pixel shows the cause carrying the most Δ² in its block).
import pngjs from 'pngjs'
import type {ParityImage} from '../parity/index.js'
import {writeFileAtomic} from '../util/atomic.js'
import type {GroupAssignment, TracedPixel} from './assign.js'
import type {Partition} from './partition.js'

const {PNG} = pngjs

/** Categorical colours (Okabe–Ito, distinguishable with colour-vision deficiencies), then more. */
export const PALETTE: [number, number, number][] = [
  [0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167], [230, 159, 0], [86, 180, 233], [240, 228, 66], [0, 0, 0],
  [128, 64, 0], [64, 0, 128], [0, 96, 64], [160, 0, 32],
]
export const UNEXPLAINED: [number, number, number] = [110, 110, 110]

export interface CauseMapInfo {
  path: string
  width: number
  height: number
  /** > 1: each image pixel is a zoom × zoom block; < 1: each map pixel covers 1/zoom image pixels per side */
  zoom: number
  legend: {name: string; colour: string; share: number}[]
  unexplainedColour: string
  strength: string
}

const hex = (c: [number, number, number]): string => '#' + c.map((x) => x.toString(16).padStart(2, '0')).join('')

export async function writeCauseMap(
  path: string, p: Partition, ref: ParityImage, cand: ParityImage, assignment: GroupAssignment[], traced: TracedPixel[],
  causes: {key: string; name: string; share: number}[],
): Promise<CauseMapInfo> {
  const {fast, slow} = p
  const rank = new Map(causes.map((c, i) => [c.key, i]))
  // colour index per group: its dominant cause (largest Δ² weight), or -1 unexplained
  const colourOf = new Int16Array(p.groups.length).fill(-1)
  for (const a of assignment) {
    if (a.traced < 0) continue
    const t = traced[a.traced]
    const w = t.attribution?.weights ?? []
    let best = 0
    for (let k = 1; k < t.causes.length; k++) if ((w[k] ?? 0) > (w[best] ?? 0)) best = k
    colourOf[a.group] = rank.get(t.causes[best].key) ?? -1
  }
  // strength: log |Δ| between the 1st percentile and the maximum of the discrepant pixels
  let maxAbs = 0
  let minAbs = Infinity
  for (let i = 0; i < fast * slow; i++) {
    if (p.label[i] < 0) continue
    const d = Math.abs(cand.data[i] - ref.data[i])
    if (!Number.isFinite(d)) continue
    if (d > maxAbs) maxAbs = d
    if (d > 0 && d < minAbs) minAbs = d
  }
  const lo = Math.log10(Math.max(minAbs, maxAbs * 1e-6))
  const hi = Math.log10(maxAbs || 1)
  const strength = (d: number): number => (!Number.isFinite(d) ? 1 : hi > lo ? 0.25 + 0.75 * Math.max(0, Math.min(1, (Math.log10(d) - lo) / (hi - lo))) : 1)

  const big = Math.max(fast, slow)
  const zoom = big <= 512 ? Math.max(1, Math.min(8, Math.floor(512 / big))) : 1 / Math.ceil(big / 1024)
  const block = zoom < 1 ? Math.round(1 / zoom) : 1
  const k = zoom >= 1 ? zoom : 1
  const mw = zoom >= 1 ? fast * k : Math.ceil(fast / block)
  const mh = zoom >= 1 ? slow * k : Math.ceil(slow / block)
  const png = new PNG({width: mw, height: mh})
  const px = png.data
  px.fill(255)
  const paint = (x: number, y: number, c: [number, number, number], s: number): void => {
    const o = (y * mw + x) * 4
    px[o] = Math.round(255 + (c[0] - 255) * s)
    px[o + 1] = Math.round(255 + (c[1] - 255) * s)
    px[o + 2] = Math.round(255 + (c[2] - 255) * s)
    px[o + 3] = 255
  }
  if (block === 1) {
    for (let s = 0; s < slow; s++) {
      for (let f = 0; f < fast; f++) {
        const i = s * fast + f
        const g = p.label[i]
        if (g < 0) continue
        const ci = colourOf[g]
        const c = ci < 0 ? UNEXPLAINED : PALETTE[ci % PALETTE.length]
        const st = strength(Math.abs(cand.data[i] - ref.data[i]))
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) paint(f * k + dx, s * k + dy, c, st)
      }
    }
  } else {
    // per block: the colour carrying the most Δ² (unexplained counts as a colour), strength of the largest |Δ|
    const n = causes.length + 1
    const acc = new Float64Array(n)
    for (let by = 0; by < mh; by++) {
      for (let bx = 0; bx < mw; bx++) {
        acc.fill(0)
        let maxD = 0
        let any = false
        for (let s = by * block; s < Math.min(slow, (by + 1) * block); s++) {
          for (let f = bx * block; f < Math.min(fast, (bx + 1) * block); f++) {
            const i = s * fast + f
            const g = p.label[i]
            if (g < 0) continue
            any = true
            const d = Math.abs(cand.data[i] - ref.data[i])
            const dd = Number.isFinite(d) ? d * d : Number.MAX_VALUE
            acc[colourOf[g] + 1] += dd
            if (d > maxD) maxD = d
          }
        }
        if (!any) continue
        let best = 0
        for (let j = 1; j < n; j++) if (acc[j] > acc[best]) best = j
        paint(bx, by, best === 0 ? UNEXPLAINED : PALETTE[(best - 1) % PALETTE.length], strength(maxD))
      }
    }
  }
  // traced pixels: hollow black boxes around their block
  const set = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= mw || y >= mh) return
    const o = (y * mw + x) * 4
    px[o] = px[o + 1] = px[o + 2] = 0
    px[o + 3] = 255
  }
  for (const t of traced) {
    const cx = zoom >= 1 ? t.fast * k : Math.floor(t.fast / block)
    const cy = zoom >= 1 ? t.slow * k : Math.floor(t.slow / block)
    const size = zoom >= 1 ? k : 1
    const m = 2
    for (let x = cx - m; x <= cx + size - 1 + m; x++) {
      set(x, cy - m)
      set(x, cy + size - 1 + m)
    }
    for (let y = cy - m; y <= cy + size - 1 + m; y++) {
      set(cx - m, y)
      set(cx + size - 1 + m, y)
    }
  }
  await writeFileAtomic(path, PNG.sync.write(png))
  return {
    path,
    width: mw,
    height: mh,
    zoom,
    legend: causes.map((c, i) => ({name: c.name, colour: hex(PALETTE[i % PALETTE.length]), share: c.share})),
    unexplainedColour: hex(UNEXPLAINED),
    strength: `colour strength ∝ log10 |Δ| from ${(10 ** lo).toPrecision(3)} (pale) to ${(10 ** hi).toPrecision(3)} (full)`,
  }
}
