// State carried over from another loop iteration: a value equal to another iteration's value.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {Divergent} from '../align/align.js'
import type {RootCause} from '../align/frontier.js'
import {loopText, showLoop} from '../align/keys.js'
import {compareValues} from '../align/tolerance.js'
import type {Loop} from '../trace/records.js'
import {fmt} from '../util/numbers.js'
import type {EvidenceContext, SeriesRec} from './context.js'

function seriesMap(list: SeriesRec[] | undefined): Map<string, SeriesRec> {
  const m = new Map<string, SeriesRec>()
  for (const r of list ?? []) {
    const k = loopText(r.loop)
    if (!m.has(k)) m.set(k, r)
  }
  return m
}

/** The evidence line when the series `display` at `at` holds another iteration's value. */
function carryOverIn(ctx: EvidenceContext, display: string, baseName: string, at: Loop | null, label: string): string | undefined {
  const looped = (l: SeriesRec[] | undefined) => l?.filter((r) => r.loop && Object.keys(r.loop).length > 0)
  const R = looped(ctx.series.ref.get(display))
  const C = looped(ctx.series.cand.get(display))
  if (!R || R.length < 2 || at === null || Object.keys(at).length === 0) return undefined
  const t = ctx.tolerances.get(baseName)!
  const def = ctx.res.vars.get(display)?.def
  if (!def) return undefined
  const same = (a: unknown, b: unknown): boolean => compareValues(def, a, b, t, {strictZero: false}).agree
  const exact = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
  const key = loopText(at)
  const rm = seriesMap(R)
  const cm = seriesMap(C)
  const r0 = rm.get(key)
  const c0 = cm.get(key)
  if (!r0) return undefined
  // neighbours first: the records just before this one in the reference's order
  const order = [...R].filter((r) => loopText(r.loop) !== key).sort((a, b) => Math.abs(a.index - r0.index) - Math.abs(b.index - r0.index))
  const distinct = new Set(R.map((r) => JSON.stringify(r.value))).size
  if (distinct < 2) return undefined
  for (const r of order) {
    const k = loopText(r.loop)
    const c = cm.get(k)
    // iterations that differ only in the source index are a shifted source list, not carried state
    const axes = Object.keys({...at, ...r.loop}).filter((a) => (at as Record<string, number>)[a] !== (r.loop as Record<string, number>)[a])
    if (axes.length === 1 && axes[0] === 'source') continue
    if (c0 && same(c0.value, r.value) && !same(r0.value, r.value)) {
      return `candidate ${label} at ${showLoop(at)} = ${fmt(c0.value)} equals the reference's value at ${showLoop(r.loop)}: state carried over from another iteration`
    }
    if (exact(r0.value, r.value) && (!c0 || !c || !same(c0.value, c.value))) {
      return `reference ${label} at ${showLoop(at)} = ${fmt(r0.value)} equals its own value at ${showLoop(r.loop)} exactly${c0 ? ` while the candidate's differ (${fmt(c0.value)})` : ''}: stale state carried over from another iteration`
    }
    // the candidate's repeated value is stale state only if the reference computes it somewhere (a
    // candidate holding 1 everywhere has dropped a factor: high-angle-obliquity)
    if (c0 && c && exact(c0.value, c.value) && !same(r0.value, r.value) && R.some((x) => same(x.value, c0.value))) {
      return `candidate ${label} at ${showLoop(at)} = ${fmt(c0.value)} equals its own value at ${showLoop(r.loop)} exactly while the reference's differ: stale state carried over`
    }
  }
  return undefined
}

/** Carried-over state at the root's coordinates, in its own series or in a downstream per-iteration series. */
export function carryOver(ctx: EvidenceContext, root: RootCause, d: Divergent): string | undefined {
  const s = root.stat
  const def = s.def
  const at = d.loop && Object.keys(d.loop).length ? d.loop : d.candLoop
  const hit = carryOverIn(ctx, s.name, def.name, at, s.name)
  if (hit) return hit
  // the stale value may only show in a downstream per-iteration series (legacy per-phi lines)
  const down = loadCatalogue().downstream(def.name)
  for (const [disp, list] of ctx.series.ref) {
    const v = ctx.res.vars.get(disp)
    if (!v || disp === s.name || !down.has(v.def.name)) continue
    const first = list.find((r) => r.loop && Object.keys(r.loop).length)
    // the iterated axis of the downstream series must be one the root itself iterates over
    if (!first || !Object.keys(first.loop!).every((a) => def.loop.includes(a as never))) continue
    const dd = v.details[0]
    const loopAt = dd?.loop && Object.keys(dd.loop).length ? dd.loop : (first?.loop ?? null)
    const h = carryOverIn(ctx, disp, v.def.name, loopAt, disp)
    if (h) return h
  }
  return undefined
}
