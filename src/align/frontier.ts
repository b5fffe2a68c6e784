// The causal frontier: a divergent record is a root cause when none of its catalogue inputs
// diverges at the matching loop coordinates; everything else is cascade, counted and folded
// under the root causes upstream of it.
//
// Matching coordinates: an input whose scope is within the consumer's is looked up at the
// projection of the consumer's coordinates (pixel_pos {thick,subS,subF} ← pix0_vector {});
// an input with a loop the consumer lacks (I_before_scaling {} ← I_sum {...}) counts as
// divergent when any of its iterations on the shared coordinates diverges. An input that is
// traced on neither side is looked through to its own inputs. Records present on one side only
// (a missing source, a missing phi step) count as divergent inputs. Legacy logs (no or partial
// loop coordinates) use "any iteration" for every input, and the report says so.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {Loop, LoopName} from '../trace/records.js'
import type {AlignResult, Divergent, VarStat} from './align.js'
import {loopKey, unpackKey, type LoopKey} from './keys.js'

export interface RootCause {
  stat: VarStat
  /** key and reference ordinal of the first root iteration */
  key: LoopKey
  refIndex: number
  loop: Loop | null
  /** number of divergent iterations of this variable that are root causes */
  iterations: number
  /** divergent iterations of this variable that are cascade of something upstream */
  ownCascade: number
  /** divergent records of downstream variables (folded cascade) */
  cascade: number
  /** names of downstream variables that diverge */
  downstream: string[]
  /** details of the first root iteration when kept by the aligner */
  detail: Divergent | undefined
}

export interface Frontier {
  roots: RootCause[]
  /** divergent records that are cascade (not root) */
  cascade: number
  /** root causes' effective inputs (for evidence: "its inputs X, Y agree") */
  inputsOf: (name: string) => string[]
}

export function frontier(res: AlignResult): Frontier {
  const cat = loadCatalogue()
  const byBase = new Map<string, VarStat[]>()
  for (const s of res.vars.values()) {
    const l = byBase.get(s.def.name) ?? []
    l.push(s)
    byBase.set(s.def.name, l)
  }
  const both = (s: VarStat): boolean => s.inRef > 0 && s.inCand > 0
  const present = (name: string): boolean => (byBase.get(name) ?? []).some(both)

  const effCache = new Map<string, string[]>()
  const effInputs = (name: string): string[] => {
    const hit = effCache.get(name)
    if (hit) return hit
    const out = new Set<string>()
    const seen = new Set<string>([name])
    const stack = [...(cat.byName.get(name)?.inputs ?? [])]
    while (stack.length) {
      const i = stack.pop()!
      if (seen.has(i)) continue
      seen.add(i)
      if (present(i)) out.add(i)
      else stack.push(...(cat.byName.get(i)?.inputs ?? []))
    }
    const list = [...out]
    effCache.set(name, list)
    return list
  }

  const anyDiverged = (s: VarStat): boolean => s.diverged > 0 || (both(s) && s.unmatchedKeys.size > 0)

  const inputDiverges = (input: string, consumerAxes: readonly LoopName[], loop: Loop | null): boolean => {
    for (const s of byBase.get(input) ?? []) {
      if (!both(s)) continue
      if (res.mode === 'occurrence' || loop === null) {
        if (anyDiverged(s)) return true
        continue
      }
      const axes = s.def.loop
      if (axes.every((a) => consumerAxes.includes(a))) {
        const k = loopKey(loop, axes)
        if (s.divKeys.has(k) || s.unmatchedKeys.has(k)) return true
      } else {
        const shared = axes.filter((a) => consumerAxes.includes(a))
        if (shared.length === 0) {
          if (anyDiverged(s)) return true
          continue
        }
        for (const set of [s.divKeys, s.unmatchedKeys]) {
          for (const k of set) {
            const l = unpackKey(k, axes)
            if (shared.every((a) => l[a] === loop[a])) return true
          }
        }
      }
    }
    return false
  }

  const roots = new Map<VarStat, RootCause>()
  const cascadeOf = new Map<VarStat, number>()
  let cascade = 0
  const n = res.div.stat.length
  for (let i = 0; i < n; i++) {
    const s = res.div.stat[i]
    const key = res.div.key[i]
    const loop = res.mode === 'keyed' ? unpackKey(key, s.def.loop) : null
    let root = true
    for (const inp of effInputs(s.def.name)) {
      if (inputDiverges(inp, s.def.loop, loop)) {
        root = false
        break
      }
    }
    if (!root) {
      cascade++
      cascadeOf.set(s, (cascadeOf.get(s) ?? 0) + 1)
      continue
    }
    const refIndex = res.div.refIndex[i]
    const r = roots.get(s)
    if (!r) {
      roots.set(s, {stat: s, key, refIndex, loop, iterations: 1, ownCascade: 0, cascade: 0, downstream: [], detail: undefined})
    } else {
      r.iterations++
      if (refIndex < r.refIndex) {
        r.refIndex = refIndex
        r.key = key
        r.loop = loop
      }
    }
  }
  const list = [...roots.values()].sort((a, b) => a.refIndex - b.refIndex)
  for (const r of list) {
    r.ownCascade = cascadeOf.get(r.stat) ?? 0
    r.detail = r.stat.details.find((d) => d.refIndex === r.refIndex)
    if (r.detail && res.mode === 'occurrence') r.loop = r.detail.loop
    const down = cat.downstream(r.stat.def.name)
    for (const [s, c] of cascadeOf) {
      if (down.has(s.def.name) || (s === r.stat)) {
        if (s !== r.stat) r.downstream.push(s.name)
        r.cascade += s === r.stat ? 0 : c
      }
    }
  }
  return {roots: list, cascade, inputsOf: effInputs}
}
