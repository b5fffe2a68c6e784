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
  /** set when the root's inputs diverge too, but far less than it does (a scale factor) */
  amplified?: string
  /** set when no divergent record qualified and this one was taken as the root (why) */
  forced?: string
}

/** stages of scale factors (and variables with the role geometric-factor) whose own divergence, far larger than their inputs', makes them a root */
const AMPLIFY_STAGES = new Set<string>(['polarization', 'normalization'])
const AMPLIFY = 10
/** stages of table lookups: a jump with every discrete input (index, mode) agreeing is not explained by the rest */
const JUMP_STAGES = new Set<string>(['structure-factor'])
const JUMP = 0.5
/** how far past an agreeing input's near-tolerance rounding a record may differ and still inherit it (a square doubles it) */
const INHERIT = 4

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

  const maxRel = (s: VarStat): number => {
    let m = -1
    for (const v of s.divKeys.values()) if (v > m) m = v
    if (both(s) && s.unmatchedKeys.size > 0) m = Number.POSITIVE_INFINITY
    return m
  }

  /** largest relative difference of an input at the matching coordinates; -1 when it agrees there */
  const inputDiverges = (input: string, consumerAxes: readonly LoopName[], loop: Loop | null): number =>
    inputAt(input, consumerAxes, loop, (s) => s.divKeys, maxRel, true)
  /** keyed mode: the largest near-tolerance difference of an agreeing input there (-1: none) */
  const inputNear = (input: string, consumerAxes: readonly LoopName[], loop: Loop | null): number =>
    res.mode === 'keyed' && loop !== null ? inputAt(input, consumerAxes, loop, (s) => s.nearKeys, maxOf, false) : -1

  const inputAt = (
    input: string,
    consumerAxes: readonly LoopName[],
    loop: Loop | null,
    keysOf: (s: VarStat) => Map<LoopKey, number>,
    whole: (s: VarStat) => number,
    unmatched: boolean,
  ): number => {
    let worst = -1
    for (const s of byBase.get(input) ?? []) {
      if (!both(s)) continue
      if (res.mode === 'occurrence' || loop === null) {
        worst = Math.max(worst, whole(s))
        continue
      }
      const keys = keysOf(s)
      const axes = s.def.loop
      if (axes.every((a) => consumerAxes.includes(a))) {
        const k = loopKey(loop, axes)
        const r = keys.get(k)
        if (r !== undefined) worst = Math.max(worst, r)
        if (unmatched && s.unmatchedKeys.has(k)) worst = Number.POSITIVE_INFINITY
      } else {
        const shared = axes.filter((a) => consumerAxes.includes(a))
        if (shared.length === 0) {
          worst = Math.max(worst, whole(s))
          continue
        }
        for (const [k, r] of keys) {
          const l = unpackKey(k, axes)
          if (r > worst && shared.every((a) => l[a] === loop[a])) worst = r
        }
        if (!unmatched) continue
        for (const k of s.unmatchedKeys) {
          const l = unpackKey(k, axes)
          if (shared.every((a) => l[a] === loop[a])) worst = Number.POSITIVE_INFINITY
        }
      }
    }
    return worst
  }
  const maxOf = (s: VarStat): number => {
    let m = -1
    for (const v of s.nearKeys.values()) if (v > m) m = v
    return m
  }

  const roots = new Map<VarStat, RootCause>()
  const cascadeOf = new Map<VarStat, number>()
  let cascade = 0
  const n = res.div.stat.length
  // an accumulator (I_sum) that is already off at an earlier iteration carries that error on
  const firstDivOf = new Map<VarStat, number>()
  for (let i = 0; i < n; i++) {
    const s = res.div.stat[i]
    if (!s.def.accumulates) continue
    const prev = firstDivOf.get(s)
    if (prev === undefined || res.div.refIndex[i] < prev) firstDivOf.set(s, res.div.refIndex[i])
  }
  for (let i = 0; i < n; i++) {
    const s = res.div.stat[i]
    const key = res.div.key[i]
    const loop = res.mode === 'keyed' ? unpackKey(key, s.def.loop) : null
    let root = true
    let worstInput = -1
    let worstName = ''
    if (s.def.accumulates && res.div.refIndex[i] > firstDivOf.get(s)!) {
      worstInput = res.div.rel[i]
      worstName = `${s.def.name} (its earlier iterations)`
    }
    for (const inp of effInputs(s.def.name)) {
      const w = inputDiverges(inp, s.def.loop, loop)
      if (w > worstInput) {
        worstInput = w
        worstName = inp
      }
    }
    // every input agrees: the record is still explained when an input carries rounding near its
    // own tolerance that this record's difference does not exceed by more than a square or a
    // product of a few such factors amplifies it (F_latt = F_latt_a·F_latt_b·F_latt_c with
    // F_latt_a near a zero of sincg, I_term = F_cell²·F_latt²): inherited rounding, not a root
    if (worstInput < 0) {
      let near = -1
      let nearName = ''
      for (const inp of effInputs(s.def.name)) {
        const w = inputNear(inp, s.def.loop, loop)
        if (w > near) {
          near = w
          nearName = inp
        }
      }
      if (near > 0 && res.div.rel[i] <= INHERIT * near) {
        worstInput = near
        worstName = nearName
      }
    }
    let amplified: string | undefined
    if (worstInput >= 0) {
      root = false
      // a scale factor that moves far more than its inputs is not explained by them
      const own = res.div.rel[i]
      if ((AMPLIFY_STAGES.has(s.def.stage) || s.def.roles.includes('geometric-factor')) && worstInput < 1e-2 && own > AMPLIFY * worstInput) {
        root = true
        amplified = `not explained by its inputs: ${s.name} differs by ${own.toPrecision(3)} relative while its most divergent input ${worstName} differs by ${worstInput.toPrecision(3)} (×${(own / worstInput).toPrecision(3)})`
      } else if (JUMP_STAGES.has(s.def.stage) && own >= JUMP && worstInput < 1e-2) {
        // a looked-up value jumps while the indices it is looked up by agree: an upstream shift
        // moved the fractional index a little, the lookup changed for its own reasons
        const discrete = effInputs(s.def.name).filter((n) => cat.byName.get(n)?.tolerance === 'exact-int')
        if (discrete.length && discrete.every((n) => inputDiverges(n, s.def.loop, loop) < 0)) {
          root = true
          amplified = `not explained by its inputs: ${s.name} differs by ${own.toPrecision(3)} relative while the indices it is looked up by (${discrete.join(', ')}) agree and its most divergent input ${worstName} differs by ${worstInput.toPrecision(3)}`
        }
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
      roots.set(s, {stat: s, key, refIndex, loop, iterations: 1, ownCascade: 0, cascade: 0, downstream: [], detail: undefined, amplified})
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
      if (down.has(s.def.name) || s === r.stat) {
        if (s !== r.stat) r.downstream.push(s.name)
        r.cascade += s === r.stat ? 0 : c
      }
    }
  }
  return {roots: list, cascade, inputsOf: effInputs}
}
