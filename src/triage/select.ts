// Which pixels to trace. Round 1: the representatives of the groups carrying the most Σ(Δ²)
// (each group's largest |Δ| pixel, largest contribution first), then a stratified sample so that
// no region is left untraced: every stratum (tile × resolution shell) holding any discrepancy,
// both signs of Δ and both on- and off-peak pixels get a traced pixel (the stratum's largest |Δ|),
// then more representatives. A quarter of the budget is held back for round 2: representatives
// of the groups round 1 left unexplained, largest first.
import type {ParityImage} from '../parity/index.js'
import {lnRatio, ratioClass, SHELLS, TILE_NAMES, typicalPixel, type Group, type Partition} from './partition.js'

export interface Choice {
  index: number
  slow: number
  fast: number
  group: number
  round: 1 | 2
  reason: string
}

/** Share of Σ(Δ²) below which a group is not worth a representative of its own in round 1. */
const MIN_GROUP_SHARE = 1e-6

export function reserveFor(budget: number): number {
  return budget >= 8 ? Math.floor(budget / 4) : 0
}

function pct(x: number): string {
  return `${(100 * x).toPrecision(3)}%`
}

interface Stratum {
  tile: number
  shell: number
  sumSq: number
  top: number
  topAbs: number
}

/** Largest |Δ| pixel of each stratum and of each coverage class (sign, peak). */
function scan(p: Partition, ref: ParityImage, cand: ParityImage): {strata: Stratum[]; cover: {what: string; top: number}[]} {
  const strata: Stratum[] = []
  for (let t = 0; t < 4; t++) for (let h = 0; h < SHELLS; h++) strata.push({tile: t, shell: h, sumSq: 0, top: -1, topAbs: -1})
  const cls = [
    {what: 'Δ > 0', top: -1, abs: -1},
    {what: 'Δ < 0', top: -1, abs: -1},
    {what: 'on a Bragg peak', top: -1, abs: -1},
    {what: 'off the Bragg peaks', top: -1, abs: -1},
  ]
  const {fast, slow, label, shell} = p
  const halfF = fast >> 1
  const halfS = slow >> 1
  const a = ref.data
  const b = cand.data
  for (let s = 0; s < slow; s++) {
    for (let f = 0; f < fast; f++) {
      const i = s * fast + f
      if (label[i] < 0) continue
      const d = b[i] - a[i]
      const ad = Number.isFinite(d) ? Math.abs(d) : Infinity
      const st = strata[((s >= halfS ? 2 : 0) + (f >= halfF ? 1 : 0)) * SHELLS + shell[i]]
      if (Number.isFinite(d)) st.sumSq += d * d
      if (ad > st.topAbs) {
        st.topAbs = ad
        st.top = i
      }
      const c1 = cls[d > 0 ? 0 : 1]
      if (ad > c1.abs) {
        c1.abs = ad
        c1.top = i
      }
      const c2 = cls[a[i] >= p.peakThreshold ? 2 : 3]
      if (ad > c2.abs) {
        c2.abs = ad
        c2.top = i
      }
    }
  }
  return {
    strata: strata.filter((x) => x.top >= 0).sort((x, y) => y.sumSq - x.sumSq),
    cover: cls.filter((c) => c.top >= 0).map((c) => ({what: c.what, top: c.top})),
  }
}

export function byContribution(groups: Group[]): Group[] {
  // non-finite pixels first: they have no Δ² but are the worst discrepancy there is
  return [...groups].sort((x, y) => (x.kind === 'non-finite' ? -1 : y.kind === 'non-finite' ? 1 : y.sumSq - x.sumSq || x.id - y.id))
}

export function chooseRound1(p: Partition, ref: ParityImage, cand: ParityImage, budget: number): Choice[] {
  const limit = budget - reserveFor(budget)
  const chosen: Choice[] = []
  const taken = new Set<number>()
  const groupTraced = new Set<number>()
  const add = (index: number, reason: string): void => {
    if (chosen.length >= limit || taken.has(index) || index < 0) return
    taken.add(index)
    groupTraced.add(p.label[index])
    chosen.push({index, slow: Math.floor(index / p.fast), fast: index % p.fast, group: p.label[index], round: 1, reason})
  }
  const ordered = byContribution(p.groups).filter((g) => g.kind === 'non-finite' || g.sumSq >= MIN_GROUP_SHARE * p.sumSq)
  const total = p.sumSq || 1
  const repReason = (g: Group): string =>
    g.kind === 'non-finite' ? `non-finite pixels (group ${g.id})` : `largest |Δ| of group ${g.id} (${pct(g.sumSq / total)} of Σ(Δ²))`
  const half = Math.ceil(limit / 2)
  for (const g of ordered) {
    if (chosen.length >= half) break
    add(g.top, repReason(g))
    // a group whose largest |Δ| is not of its most common ratio also gets its typical pixel: the
    // largest |Δ| may sit where another cause joins in
    const t = typicalPixel(g)
    if (t >= 0 && t !== g.top && classAt(ref, cand, t) !== classAt(ref, cand, g.top))
      add(t, `typical pixel of group ${g.id} (largest |Δ| of its most common ratio cand/ref)`)
  }
  const {strata, cover} = scan(p, ref, cand)
  const strataCovered = new Set(chosen.map((c) => stratumOf(p, c.index)))
  for (const st of strata) {
    const key = st.tile * SHELLS + st.shell
    if (strataCovered.has(key)) continue
    add(st.top, `stratified: largest |Δ| in the ${TILE_NAMES[st.tile]} tile, resolution shell ${st.shell + 1} of ${SHELLS}`)
    strataCovered.add(key)
  }
  for (const c of cover) {
    const seen = chosen.some((x) => coverClass(p, ref, cand, x.index).includes(c.what))
    if (!seen) add(c.top, `stratified: largest |Δ| ${c.what}`)
  }
  for (const g of ordered) {
    if (groupTraced.has(g.id)) continue
    add(g.top, repReason(g))
  }
  return chosen
}

const classAt = (ref: ParityImage, cand: ParityImage, i: number): number => ratioClass(lnRatio(ref.data[i], cand.data[i]))

function stratumOf(p: Partition, i: number): number {
  const s = Math.floor(i / p.fast)
  const f = i - s * p.fast
  return ((s >= p.slow >> 1 ? 2 : 0) + (f >= p.fast >> 1 ? 1 : 0)) * SHELLS + p.shell[i]
}

function coverClass(p: Partition, ref: ParityImage, cand: ParityImage, i: number): string[] {
  const d = cand.data[i] - ref.data[i]
  return [d > 0 ? 'Δ > 0' : 'Δ < 0', ref.data[i] >= p.peakThreshold ? 'on a Bragg peak' : 'off the Bragg peaks']
}

/**
 * Round 2: representatives of the groups round 1 left unexplained (largest Σ(Δ²) first), then,
 * with budget left, of the groups that only inherited their causes (largest Σ(Δ²), then most
 * pixels, first): a trace confirms or corrects what the nearest traced pixel suggested.
 */
export function chooseRound2(
  p: Partition,
  unexplained: Group[],
  inherited: {group: Group; distance: number}[],
  traced: ReadonlySet<number>,
  room: number,
): Choice[] {
  const out: Choice[] = []
  const total = p.sumSq || 1
  const take = (g: Group, why: string): void => {
    if (out.length >= room || traced.has(g.top) || g.top < 0) return
    out.push({
      index: g.top,
      slow: Math.floor(g.top / p.fast),
      fast: g.top % p.fast,
      group: g.id,
      round: 2,
      reason: `round 2: group ${g.id} ${why} (${pct(g.sumSq / total)} of Σ(Δ²), ${g.pixels} pixels)`,
    })
  }
  for (const g of byContribution(unexplained)) take(g, 'left unexplained')
  // the inherited groups least like the pixel they inherit from first, then the largest
  const minPixels = Math.max(1, Math.ceil(0.005 * p.discrepant))
  const worth = inherited.filter(({group: g}) => g.sumSq >= 1e-4 * total || g.pixels >= minPixels)
  const order = [...worth].sort(
    (x, y) => y.distance - x.distance || y.group.sumSq - x.group.sumSq || y.group.pixels - x.group.pixels || x.group.id - y.group.id,
  )
  for (const {group} of order) take(group, 'inherited its causes')
  return out
}
