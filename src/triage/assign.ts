// Every discrepant pixel to a cause, through its group, and each cause's share.
//
// A group with traced pixels takes the causes of its largest-|Δ| traced pixel that explains
// anything. A group without one inherits from the traced pixel nearest in the physics features
// (ratio class first, then sign, tile, shell, peak), but only if each inherited cause was seen
// by some traced pixel in the group's tiles and shells: a cause confined to one half or to the
// high-resolution shells is never spread to where no trace showed it. What nothing explains is
// unexplained, with its share and where it lies.
import {RATIO_CAND_ZERO, SHELLS, tileOf, type Box, type Group, type Partition} from './partition.js'
import type {Attribution, CauseObs} from './causes.js'
import type {Choice} from './select.js'

/** A chosen pixel (select.ts) once traced and compared. */
export interface TracedPixel extends Choice {
  /** compare status, or failed when a side produced no trace */
  status: 'diverged' | 'agree' | 'mismatch' | 'failed'
  verdict: string
  causes: CauseObs[]
  attribution: Attribution | null
  /** this pixel explains its Δ (it has causes) */
  explains: boolean
  note: string | null
  /** the side that failed to trace this pixel */
  failure: {side: 'ref' | 'cand'; what: string; stderrTail: string} | null
  ref: number
  cand: number
  /** evidence folder, relative to the output folder */
  evidence: string
  tile: number
  shell: number
  onPeak: boolean
}

export interface GroupAssignment {
  group: number
  /** index into the traced pixels, or -1 (unexplained) */
  traced: number
  how: 'traced' | 'inherited' | 'unexplained'
  /** inherited: feature distance to the traced pixel it inherits from */
  distance: number
}

export interface CauseShare extends Residual {
  key: string
  variable: string
  scope: string
  class: string
  classes: Record<string, number>
  label: string | null
  /** index into the traced pixels of the representative, and all traced pixels showing it */
  representative: number
  traced: number[]
}

export interface Residual {
  sumSq: number
  sumDiff: number
  pixels: number
  box: Box | null
  sRange: [number, number] | null
  tiles: number
  shells: number
  groups: number[]
}

function groupTileShell(g: Group): {tiles: number; shells: number} {
  return {tiles: g.tiles, shells: g.shells}
}

/** Largest gap in ratio class (decades of |ln(cand/ref)|, +1 for the other sign) a group inherits across. */
export const MAX_RATIO_GAP = 2

/** Gap between two ratio classes: decades of |ln(cand/ref)| and their sign; cand = 0, ref = 0, sign flips apart. */
export function ratioGap(a: number, b: number): number {
  const special = (c: number) => Math.abs(c) >= RATIO_CAND_ZERO
  if (special(a) || special(b)) return a === b ? 0 : 6
  return Math.abs(Math.abs(a) - Math.abs(b)) + (Math.sign(a) === Math.sign(b) ? 0 : 1)
}

/** Distance in the physics features between a group and a traced pixel. */
export function distance(g: Group, t: TracedPixel, p: Partition, tClass: number): number {
  const dr = ratioGap(g.ratioClass, tClass)
  const gPositive = g.positive >= g.negative
  const ds = gPositive === t.cand - t.ref > 0 ? 0 : 1
  const dt = g.tiles & (1 << t.tile) ? 0 : 1
  let dh = SHELLS
  for (let h = 0; h < SHELLS; h++) if (g.shells & (1 << h)) dh = Math.min(dh, Math.abs(h - t.shell))
  const dp = g.onPeak * 2 >= g.pixels === t.onPeak ? 0 : 1
  void p
  return dr + 2 * ds + 1.5 * dt + 0.5 * dh + 0.5 * dp
}

export function assignGroups(p: Partition, traced: TracedPixel[], tracedClass: number[]): GroupAssignment[] {
  // where each cause was seen
  const seen = new Map<string, {tiles: number; shells: number}>()
  for (const t of traced) {
    if (!t.explains) continue
    for (const c of t.causes) {
      const s = seen.get(c.key) ?? {tiles: 0, shells: 0}
      s.tiles |= 1 << t.tile
      s.shells |= 1 << t.shell
      seen.set(c.key, s)
    }
  }
  const byGroup = new Map<number, number[]>()
  traced.forEach((t, i) => {
    if (!t.explains) return
    byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), i])
  })
  const usable = traced.map((t, i) => (t.explains ? i : -1)).filter((i) => i >= 0)
  return p.groups.map((g) => {
    const own = byGroup.get(g.id)
    if (own && own.length) {
      const best = own.reduce((x, y) => (Math.abs(traced[y].cand - traced[y].ref) > Math.abs(traced[x].cand - traced[x].ref) ? y : x))
      return {group: g.id, traced: best, how: 'traced' as const, distance: 0}
    }
    const {tiles, shells} = groupTileShell(g)
    const order = usable.map((i) => ({i, d: distance(g, traced[i], p, tracedClass[i])})).sort((x, y) => x.d - y.d || x.i - y.i)
    for (const {i, d} of order) {
      // a ratio far from every traced one is physics no trace has shown: unexplained, not guessed
      if (ratioGap(g.ratioClass, tracedClass[i]) > MAX_RATIO_GAP) continue
      const ok = traced[i].causes.every((c) => {
        const s = seen.get(c.key)!
        return (s.tiles & tiles) !== 0 && (s.shells & shells) !== 0
      })
      if (ok) return {group: g.id, traced: i, how: 'inherited' as const, distance: d}
    }
    return {group: g.id, traced: -1, how: 'unexplained' as const, distance: Infinity}
  })
}

/** Is cause k of traced pixel a a better representative than cause kb of b? */
function better(a: TracedPixel, k: number, b: TracedPixel, kb: number): boolean {
  const wa = a.attribution!.weights[k]
  const wb = b.attribution!.weights[kb]
  // weights within 5 % count as equal: then the larger Δ² share shows the cause best
  if (Math.abs(wa - wb) > 0.05) return wa > wb
  const da = a.cand - a.ref
  const db = b.cand - b.ref
  return da * da * wa > db * db * wb
}

function unionBox(a: Box | null, b: Box): Box {
  if (!a) return {slow: [...b.slow], fast: [...b.fast]}
  return {slow: [Math.min(a.slow[0], b.slow[0]), Math.max(a.slow[1], b.slow[1])], fast: [Math.min(a.fast[0], b.fast[0]), Math.max(a.fast[1], b.fast[1])]}
}

function unionRange(a: [number, number] | null, b: [number, number] | null): [number, number] | null {
  if (!b) return a
  if (!a) return [...b]
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])]
}

/** Adds group g (its Σ(Δ²) part sq and Σ Δ part diff) to a cause's or the unexplained rest's totals and region. */
function addRegion(r: Residual, g: Group, sq: number, diff: number): void {
  r.sumSq += sq
  r.sumDiff += diff
  r.pixels += g.pixels
  r.box = unionBox(r.box, g.box)
  r.sRange = unionRange(r.sRange, g.sRange)
  r.tiles |= g.tiles
  r.shells |= g.shells
  r.groups.push(g.id)
}

/** Each cause's share of Σ(Δ²) and of Σ Δ, its pixels and region; the unexplained rest. */
export function shares(p: Partition, traced: TracedPixel[], assignment: GroupAssignment[]): {causes: CauseShare[]; unexplained: Residual} {
  const causes = new Map<string, CauseShare>()
  const unexplained: Residual = {sumSq: 0, sumDiff: 0, pixels: 0, box: null, sRange: null, tiles: 0, shells: 0, groups: []}
  for (const a of assignment) {
    const g = p.groups[a.group]
    if (a.traced < 0) {
      addRegion(unexplained, g, g.sumSq, g.sumDiff)
      continue
    }
    const t = traced[a.traced]
    const at = t.attribution!
    t.causes.forEach((c, k) => {
      let s = causes.get(c.key)
      if (!s) {
        s = {
          key: c.key,
          variable: c.variable,
          scope: c.scope,
          class: c.class,
          classes: {},
          label: c.label,
          sumSq: 0,
          sumDiff: 0,
          pixels: 0,
          box: null,
          sRange: null,
          tiles: 0,
          shells: 0,
          groups: [],
          representative: -1,
          traced: [],
        }
        causes.set(c.key, s)
      }
      const sq = g.sumSq * at.weights[k]
      addRegion(s, g, sq, g.sumDiff * at.fractions[k])
      // the class a cause is given weighs each traced pixel by the Δ² it explains
      s.classes[c.class] = (s.classes[c.class] ?? 0) + sq + 1e-300
    })
  }
  // representatives: the traced pixel where the cause stands most alone (largest weight), then
  // where it carries the most Δ²
  traced.forEach((t, i) => {
    if (!t.explains) return
    t.causes.forEach((c, k) => {
      const s = causes.get(c.key)
      if (!s) return
      s.traced.push(i)
      const cur = s.representative
      if (
        cur < 0 ||
        better(
          t,
          k,
          traced[cur],
          traced[cur].causes.findIndex((x) => x.key === c.key),
        )
      )
        s.representative = i
    })
  })
  for (const s of causes.values()) {
    const best = Object.entries(s.classes).sort((x, y) => y[1] - x[1])[0]
    if (best) s.class = best[0]
    const rep = traced[s.representative]
    const own = rep?.causes.find((c) => c.key === s.key)
    if (own?.label) s.label = own.label
  }
  return {causes: [...causes.values()].sort((x, y) => y.sumSq - x.sumSq || Math.abs(y.sumDiff) - Math.abs(x.sumDiff)), unexplained}
}

export {tileOf}
