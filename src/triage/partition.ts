// Partition of an image discrepancy into candidate groups: pixels likely to share a cause fall
// together. What the physics gives, per pixel p with Δ_p = cand_p − ref_p ≠ 0:
//
//  * the ratio q = cand/ref, as ln q: a fault that scales a factor of the pixel (normalization,
//    polarization, solid angle, units) gives a ratio field that is constant or smooth across the
//    detector, whatever the intensity; a fault that moves or reshapes intensity (geometry, lattice)
//    gives a ratio that jumps from pixel to pixel. q = 0 (cand 0), ref = 0 and sign flips are
//    classes of their own.
//  * spatial connectivity: neighbouring pixels (4-neighbours) whose ln q differ by at most
//    SMOOTH_STEP belong to the same smooth region, so one multiplicative cause over a region is one
//    group however its ratio varies. Regions do not cross tile boundaries (a port's tiles are where
//    partial faults begin and end).
//  * tile: the detector quadrant (fast half × slow half);
//  * resolution shell: quartiles of |S| over the detector (geometry.ts);
//  * on/off Bragg peak: ref ≥ PEAK_FRACTION × the 99.9th percentile of ref;
//  * the sign of Δ.
// Smooth regions of at least minRegion pixels are groups ("region"); every other discrepant pixel
// falls in the cell of its (sign, ratio decade, tile, shell, peak) ("cell"). Pixels where either
// image is not finite form one group ("non-finite"). Every discrepant pixel is in exactly one group.
import type {ParityImage} from '../parity/index.js'
import type {PixelGeometry} from './geometry.js'

/** largest |Δ ln q| between neighbours of one smooth region (a 1 % jump breaks it) */
export const SMOOTH_STEP = 0.01
export const PEAK_FRACTION = 0.05
export const SHELLS = 4

export type GroupKind = 'region' | 'cell' | 'non-finite'

export interface Box {
  slow: [number, number]
  fast: [number, number]
}

export interface Group {
  id: number
  kind: GroupKind
  pixels: number
  /** Σ Δ² and Σ Δ over the group's finite pixels */
  sumSq: number
  sumDiff: number
  positive: number
  negative: number
  /** pixels with ref ≥ the peak threshold */
  onPeak: number
  /** ln(cand/ref) range over pixels with ref, cand > 0 (null when none) */
  lnRatio: [number, number] | null
  /** cells: the ratio class (ratioClass); regions: the class of their largest |Δ| pixel */
  ratioClass: number
  /** bit t set: the group has pixels in tile t */
  tiles: number
  /** bit h set: the group has pixels in shell h */
  shells: number
  box: Box
  /** |S| range, Å⁻¹ (null without geometry) */
  sRange: [number, number] | null
  /** pixel index of the largest |Δ| and that |Δ| */
  top: number
  topAbs: number
  /** per ratio class (index class + 16): pixel count, largest |Δ| and its pixel */
  hist: Int32Array
  histTop: Int32Array
  histTopAbs: Float64Array
}

export interface Partition {
  fast: number
  slow: number
  /** group id per pixel, −1 where the images agree */
  label: Int32Array
  groups: Group[]
  /** tile (0..3) of each pixel is (slow ≥ slow/2)·2 + (fast ≥ fast/2); shell per pixel (0 without geometry) */
  shell: Uint8Array
  /** |S| quartile edges (SHELLS + 1 values, Å⁻¹), null without geometry */
  shellEdges: number[] | null
  /** |S| per pixel (null without geometry) */
  geoS: Float32Array | null
  peakThreshold: number
  discrepant: number
  nonFinite: number
  sumSq: number
  sumDiff: number
  sumRef: number
  sumCand: number
}

export const TILE_NAMES = ['upper-left', 'upper-right', 'lower-left', 'lower-right'] as const

export function tileOf(index: number, fast: number, slow: number): number {
  const s = Math.floor(index / fast)
  const f = index - s * fast
  return (s >= slow >> 1 ? 2 : 0) + (f >= fast >> 1 ? 1 : 0)
}

/** Ratio classes of ln q: ±1..±9 by decade of |ln q| (1: below 1e-6, i.e. rounding), 10 cand = 0, 11 ref = 0, 12 sign flip. */
export const RATIO_CAND_ZERO = 10
export const RATIO_REF_ZERO = 11
export const RATIO_SIGN_FLIP = 12

export function ratioClass(lq: number): number {
  if (lq === -Infinity) return RATIO_CAND_ZERO
  if (lq === Infinity) return RATIO_REF_ZERO
  if (Number.isNaN(lq)) return RATIO_SIGN_FLIP
  const a = Math.abs(lq)
  const d = a < 1e-6 ? 1 : Math.min(9, 2 + Math.floor(Math.log10(a) + 6))
  return lq < 0 ? -d : d
}

export function describeRatioClass(c: number): string {
  if (c === RATIO_CAND_ZERO) return 'cand = 0'
  if (c === RATIO_REF_ZERO) return 'ref = 0'
  if (c === RATIO_SIGN_FLIP) return 'opposite signs'
  const d = Math.abs(c)
  const side = c < 0 ? 'below' : 'above'
  if (d === 1) return `|ln(cand/ref)| < 1e-6 (rounding)`
  const lo = 10 ** (d - 8)
  return `cand/ref ${side} 1 by |ln| ${lo.toExponential(0)}..${(lo * 10).toExponential(0)}`
}

/** The q-th quantile of a sample (sorted copy). */
function quantile(sorted: Float32Array | Float64Array, q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]
}

/** Every k-th value (k so that about 200k values are kept), sorted. */
function sample(values: Float32Array, keep: (v: number) => boolean = () => true): Float32Array {
  const step = Math.max(1, Math.floor(values.length / 200_000))
  const out = new Float32Array(Math.ceil(values.length / step))
  let m = 0
  for (let i = 0; i < values.length; i += step) if (keep(values[i])) out[m++] = values[i]
  return out.subarray(0, m).sort()
}

class UnionFind {
  readonly parent: Int32Array
  constructor(n: number) {
    this.parent = new Int32Array(n)
    for (let i = 0; i < n; i++) this.parent[i] = i
  }
  find(i: number): number {
    const p = this.parent
    let r = i
    while (p[r] !== r) r = p[r]
    while (p[i] !== r) {
      const n = p[i]
      p[i] = r
      i = n
    }
    return r
  }
  union(a: number, b: number): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) {
      if (ra < rb) this.parent[rb] = ra
      else this.parent[ra] = rb
    }
  }
}

function newGroup(id: number, kind: GroupKind, ratio: number): Group {
  return {
    id,
    kind,
    pixels: 0,
    sumSq: 0,
    sumDiff: 0,
    positive: 0,
    negative: 0,
    onPeak: 0,
    lnRatio: null,
    ratioClass: ratio,
    tiles: 0,
    shells: 0,
    box: {slow: [Infinity, -Infinity], fast: [Infinity, -Infinity]},
    sRange: null,
    top: -1,
    topAbs: -1,
    hist: new Int32Array(HIST),
    histTop: new Int32Array(HIST).fill(-1),
    histTopAbs: new Float64Array(HIST).fill(-1),
  }
}

/** What adding a pixel to a group needs to know about the images. */
interface PixelContext {
  fast: number
  slow: number
  a: Float32Array
  b: Float32Array
  shell: Uint8Array
  geoS: Float32Array | null
  peakThreshold: number
}

/** ln(cand/ref) of a finite pixel: ±Infinity when one side is 0, NaN for opposite signs. */
export function lnRatio(r: number, c: number): number {
  return r > 0 && c > 0 ? Math.log(c / r) : c === 0 ? -Infinity : r === 0 ? Infinity : r < 0 && c < 0 ? Math.log(c / r) : Number.NaN
}

const HIST = 32
const histIndex = (rc: number): number => rc + 16

/** Adds discrepant pixel i to group G's statistics. */
function addPixel(G: Group, i: number, x: PixelContext): void {
  const s = Math.floor(i / x.fast)
  const f = i - s * x.fast
  G.pixels++
  G.tiles |= 1 << tileOf(i, x.fast, x.slow)
  G.shells |= 1 << x.shell[i]
  if (x.a[i] >= x.peakThreshold) G.onPeak++
  if (s < G.box.slow[0]) G.box.slow[0] = s
  if (s > G.box.slow[1]) G.box.slow[1] = s
  if (f < G.box.fast[0]) G.box.fast[0] = f
  if (f > G.box.fast[1]) G.box.fast[1] = f
  if (x.geoS) {
    const v = x.geoS[i]
    if (!G.sRange) G.sRange = [v, v]
    else {
      if (v < G.sRange[0]) G.sRange[0] = v
      if (v > G.sRange[1]) G.sRange[1] = v
    }
  }
  const d = x.b[i] - x.a[i]
  if (!Number.isFinite(d) || !Number.isFinite(x.a[i]) || !Number.isFinite(x.b[i])) {
    if (G.topAbs < Infinity) {
      G.top = i
      G.topAbs = Infinity
    }
    return
  }
  const ad = Math.abs(d)
  G.sumSq += d * d
  G.sumDiff += d
  if (d > 0) G.positive++
  else G.negative++
  const l = lnRatio(x.a[i], x.b[i])
  const rc = ratioClass(l)
  if (ad > G.topAbs) {
    G.top = i
    G.topAbs = ad
    if (G.kind === 'region') G.ratioClass = rc
  }
  if (Number.isFinite(l)) {
    if (!G.lnRatio) G.lnRatio = [l, l]
    else {
      if (l < G.lnRatio[0]) G.lnRatio[0] = l
      if (l > G.lnRatio[1]) G.lnRatio[1] = l
    }
  }
  // the modal ratio class and its largest |Δ| pixel: the group's typical pixel
  const h = histIndex(rc)
  G.hist[h]++
  if (ad > G.histTopAbs[h]) {
    G.histTopAbs[h] = ad
    G.histTop[h] = i
  }
}

/** The largest-|Δ| pixel of the group's most populated ratio class (its typical pixel), or -1. */
export function typicalPixel(G: Group): number {
  let best = -1
  for (let h = 0; h < HIST; h++) if (G.hist[h] > 0 && (best < 0 || G.hist[h] > G.hist[best])) best = h
  return best < 0 ? -1 : G.histTop[best]
}

/**
 * Splits group `g` among several traced pixels of it: each pixel goes to the traced pixel nearest
 * in ln(cand/ref) (ties: nearest on the detector). Returns the new groups' ids, one per traced
 * pixel, in the order given; group g keeps the pixels of the first.
 */
export function splitGroup(p: Partition, ref: ParityImage, cand: ParityImage, g: number, seeds: number[]): number[] {
  const x: PixelContext = {fast: p.fast, slow: p.slow, a: ref.data, b: cand.data, shell: p.shell, geoS: p.geoS, peakThreshold: p.peakThreshold}
  const old = p.groups[g]
  const ids = seeds.map((_, k) => (k === 0 ? g : p.groups.length + k - 1))
  const fresh = seeds.map((_, k) => newGroup(ids[k], old.kind, old.ratioClass))
  for (let k = 1; k < seeds.length; k++) p.groups.push(fresh[k])
  p.groups[g] = fresh[0]
  const seedL = seeds.map((i) => lnRatio(ref.data[i], cand.data[i]))
  const seedS = seeds.map((i) => Math.floor(i / p.fast))
  const seedF = seeds.map((i) => i % p.fast)
  const gap = (u: number, v: number): number => (u === v ? 0 : Number.isFinite(u) && Number.isFinite(v) ? Math.abs(u - v) : Infinity)
  const [b0, b1] = old.box.slow
  for (let s = b0; s <= b1; s++) {
    for (let f = old.box.fast[0]; f <= old.box.fast[1]; f++) {
      const i = s * p.fast + f
      if (p.label[i] !== g) continue
      const l = lnRatio(ref.data[i], cand.data[i])
      let best = 0
      let bestGap = Infinity
      let bestDist = Infinity
      for (let k = 0; k < seeds.length; k++) {
        const d = gap(l, seedL[k])
        const dist = (s - seedS[k]) ** 2 + (f - seedF[k]) ** 2
        if (d < bestGap || (d === bestGap && dist < bestDist)) {
          best = k
          bestGap = d
          bestDist = dist
        }
      }
      p.label[i] = ids[best]
      addPixel(fresh[best], i, x)
    }
  }
  return ids
}

export interface PartitionOptions {
  /** smallest smooth region kept as a group of its own (default: max(16, 0.2 % of the discrepant pixels)) */
  minRegion?: number
}

export function partition(ref: ParityImage, cand: ParityImage, geo: PixelGeometry | null, o: PartitionOptions = {}): Partition {
  const {fast, slow} = ref
  const n = fast * slow
  const a = ref.data
  const b = cand.data
  // ln q per pixel; NaN marks "agree" through the state array
  const lq = new Float32Array(n)
  const state = new Uint8Array(n) // 0 agree, 1 finite discrepancy, 2 non-finite
  let discrepant = 0
  let nonFinite = 0
  let sumRef = 0
  let sumCand = 0
  for (let i = 0; i < n; i++) {
    const r = a[i]
    const c = b[i]
    if (Number.isFinite(r)) sumRef += r
    if (Number.isFinite(c)) sumCand += c
    if (r === c || (r !== r && c !== c)) continue
    if (!Number.isFinite(r) || !Number.isFinite(c)) {
      state[i] = 2
      nonFinite++
      discrepant++
      continue
    }
    state[i] = 1
    discrepant++
    lq[i] = lnRatio(r, c)
  }
  // shells and peaks
  const shell = new Uint8Array(n)
  let shellEdges: number[] | null = null
  if (geo && geo.fast === fast && geo.slow === slow) {
    const sorted = sample(geo.s)
    shellEdges = Array.from({length: SHELLS + 1}, (_, k) => quantile(sorted, k / SHELLS))
    const inner = shellEdges.slice(1, SHELLS)
    for (let i = 0; i < n; i++) {
      const s = geo.s[i]
      let h = 0
      while (h < inner.length && s > inner[h]) h++
      shell[i] = h
    }
  }
  const peakThreshold =
    PEAK_FRACTION *
    quantile(
      sample(a, (v) => Number.isFinite(v)),
      0.999,
    )

  // smooth regions: union of 4-neighbours with close ln q, within a tile
  const uf = new UnionFind(n)
  const halfF = fast >> 1
  const halfS = slow >> 1
  const close = (x: number, y: number): boolean => {
    if (x === y) return true
    return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= SMOOTH_STEP
  }
  for (let s = 0; s < slow; s++) {
    const row = s * fast
    for (let f = 0; f < fast; f++) {
      const i = row + f
      if (state[i] !== 1) continue
      if (f + 1 < fast && f + 1 !== halfF && state[i + 1] === 1 && close(lq[i], lq[i + 1])) uf.union(i, i + 1)
      if (s + 1 < slow && s + 1 !== halfS && state[i + fast] === 1 && close(lq[i], lq[i + fast])) uf.union(i, i + fast)
    }
  }
  const size = new Int32Array(n)
  for (let i = 0; i < n; i++) if (state[i] === 1) size[uf.find(i)]++
  const minRegion = o.minRegion ?? Math.max(16, Math.ceil(0.002 * discrepant))

  // group ids: regions by root, cells by key, one non-finite group
  const label = new Int32Array(n).fill(-1)
  const groups: Group[] = []
  const regionOf = new Map<number, number>()
  const cellOf = new Map<number, number>()
  let nonFiniteGroup = -1
  const geoS = shellEdges ? geo!.s : null
  let sumSq = 0
  let sumDiff = 0
  const ctx: PixelContext = {fast, slow, a, b, shell, geoS, peakThreshold}
  for (let i = 0; i < n; i++) {
    const st = state[i]
    if (st === 0) continue
    let g: number
    const tile = tileOf(i, fast, slow)
    const peak = a[i] >= peakThreshold ? 1 : 0
    if (st === 2) {
      if (nonFiniteGroup < 0) {
        nonFiniteGroup = groups.length
        groups.push(newGroup(nonFiniteGroup, 'non-finite', RATIO_SIGN_FLIP))
      }
      g = nonFiniteGroup
    } else {
      const root = uf.find(i)
      if (size[root] >= minRegion) {
        let id = regionOf.get(root)
        if (id === undefined) {
          id = groups.length
          regionOf.set(root, id)
          groups.push(newGroup(id, 'region', ratioClass(lq[i])))
        }
        g = id
      } else {
        const rc = ratioClass(lq[i])
        const d = b[i] - a[i]
        const key = ((((rc + 16) * 2 + (d > 0 ? 1 : 0)) * 4 + tile) * 16 + shell[i]) * 2 + peak
        let id = cellOf.get(key)
        if (id === undefined) {
          id = groups.length
          cellOf.set(key, id)
          groups.push(newGroup(id, 'cell', rc))
        }
        g = id
      }
    }
    label[i] = g
    addPixel(groups[g], i, ctx)
    const d = b[i] - a[i]
    if (Number.isFinite(d)) {
      sumSq += d * d
      sumDiff += d
    }
  }
  return {fast, slow, label, groups, shell, shellEdges, geoS, peakThreshold, discrepant, nonFinite, sumSq, sumDiff, sumRef, sumCand}
}
