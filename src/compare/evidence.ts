// The evidence pass: after the alignment, read back what the classification rules need (set-up
// values, the series of root variables, the records around the first divergence and their
// partners), without re-reading whole files when the alignment says where they are.
import type {Tolerance} from '../catalogue/catalogue.js'
import {loadCatalogue} from '../catalogue/catalogue.js'
import {SERIES_CAP, type AlignResult, type Divergent} from '../align/align.js'
import type {Frontier} from '../align/frontier.js'
import {componentSplits, splitCursor, type Split} from '../align/components.js'
import {loopKey, showLoop} from '../align/keys.js'
import {occurrenceBase} from '../align/stated.js'
import {CHECKPOINT_EVERY, restStartsWith, type Checkpoint, type Cursor, type ParsedRec, type Side} from '../trace/source/index.js'
import {encodeJson} from '../trace/numbers.js'
import {encodeLoop} from '../trace/writer.js'
import {namesOf, ROLE, SERIES_ROLES, SETUP_ROLES, type EvidenceContext, type SeriesRec} from '../classify/context.js'
import type {ContextLine} from './report.js'

/** whether to parse a record, told its name and ordinal, with its cursor (for a look at its canonical text) */
type Want = (name: string, index: number, c: Cursor | null) => boolean

/** Every record of a side, parsed only when `want` says so (names are read from the text first). */
function scan(side: Side, want: Want, visit: (r: ParsedRec) => void): void {
  scanRange(side, [], 0, Number.POSITIVE_INFINITY, want, visit)
}

/** The side as the alignment read it: vectors also as the components the other side prints alone. */
function aligned(side: Side, split: Split | null): Side {
  return split ? {...side, open: (from) => splitCursor(side.open(from), split)} : side
}

/**
 * The records with ordinals in [start, end], read from the last checkpoint at or before start
 * (from the beginning without one); stops early once `done` says so.
 */
function scanRange(side: Side, cps: Checkpoint[], start: number, end: number, want: Want, visit: (r: ParsedRec) => void, done?: () => boolean): void {
  if (end < start) return
  let from: Checkpoint | undefined
  for (const cp of cps) {
    if (cp.index > start) break
    from = cp
  }
  const c = side.open(from)
  try {
    while (c.next()) {
      if (c.index > end) break
      if (c.index < start) continue
      if (c.rest > 0) {
        const n = c.name()
        if (n !== undefined && !want(n, c.index, c)) continue
      } else if (side.memory) {
        if (!want(side.memory.values[c.index].name, c.index, null)) continue
      }
      visit(c.rec())
      if (done?.()) break
    }
  } finally {
    c.close()
  }
}

export function display(r: ParsedRec): string {
  return r.comp ? `${r.name}[${r.comp}]` : r.name
}

function recText(r: ParsedRec): string {
  return `${display(r)} ${showLoop(r.loop)} ${encodeJson(r.value)}`
}

function isDivergentAt(res: AlignResult, r: ParsedRec): boolean {
  const s = res.vars.get(display(r))
  if (!s) return false
  if (res.mode === 'keyed') return s.divKeys.has(loopKey(r.loop ?? {}))
  return s.diverged > 0
}

export interface Evidence {
  ctx: EvidenceContext
  context: ContextLine[]
}

/** Collects the evidence for the root causes of `fr`, and `K` aligned records each side of the first divergence. */
export function gatherEvidence(
  ref0: Side,
  cand0: Side,
  res: AlignResult,
  fr: Frontier,
  first: Divergent | null,
  tolerances: Map<string, Tolerance>,
  K: number,
): Evidence {
  const cat = loadCatalogue()
  const splits = componentSplits(ref0, cand0)
  const ref = aligned(ref0, splits.ref)
  const cand = aligned(cand0, splits.cand)
  const rootNames = new Set<string>(fr.roots.map((r) => r.stat.def.name))
  const seriesNames = new Set<string>([...rootNames, ...namesOf(SERIES_ROLES)])
  // legacy logs: a root's stale value may show only in a downstream per-iteration series (TRACE_C_PHI)
  if (res.mode === 'occurrence' || ref.format === 'legacy' || cand.format === 'legacy')
    for (const r of fr.roots) for (const d of cat.downstream(r.stat.def.name)) seriesNames.add(d)
  // an accumulated sum off by one factor of its term (F_cell unsquared) is told by that factor's values
  if (fr.roots.some((r) => r.stat.def.stage === 'accumulation')) for (const n of namesOf([ROLE.termFactor])) seriesNames.add(n)
  const ctx: EvidenceContext = {
    res,
    tolerances,
    headers: {ref: ref.header, cand: cand.header},
    setup: {ref: new Map(), cand: new Map()},
    series: {ref: new Map(), cand: new Map()},
    inputsOf: fr.inputsOf,
  }
  const firstIdx = first?.refIndex ?? -1
  const ctxRef: ParsedRec[] = []
  const setupNames = new Set(namesOf(SETUP_ROLES))
  const CAP = SERIES_CAP
  const collect = (side: 'ref' | 'cand', r: ParsedRec): void => {
    if (r.def.loop.length === 0 && setupNames.has(r.name) && !ctx.setup[side].has(r.name)) ctx.setup[side].set(r.name, r.value)
    if (seriesNames.has(r.name)) {
      const k = display(r)
      const list = ctx.series[side].get(k) ?? []
      if (list.length < CAP) list.push({loop: r.loop, value: r.value, index: r.index} satisfies SeriesRec)
      ctx.series[side].set(k, list)
    }
  }
  const occKey = (r: ParsedRec, occ: Map<string, number>): string => {
    if (res.mode === 'keyed') return display(r) + ':' + loopKey(r.loop ?? {})
    const base = occurrenceBase(r, res.stated)
    const n = occ.get(base) ?? 0
    occ.set(base, n + 1)
    return base + '#' + n
  }
  const occR = new Map<string, number>()
  const occC = new Map<string, number>()
  const refKeys = new Map<string, number>()
  // Keyed mode reads only what it needs: the records up to the last one the set-up values and
  // series can use (the first CAP of a variable, its last one when fewer; known from the
  // alignment), then, from a checkpoint, the context window and the candidate's partners of it.
  // Later records cannot change the set-up values, series or context taken (first ones win).
  const keyed = res.mode === 'keyed'
  const needEnd = (side: 'ref' | 'cand'): number => {
    let e = -1
    for (const s of res.vars.values()) {
      const n = s.def.name
      const [count, first, cap, last] = side === 'ref' ? [s.inRef, s.firstRef, s.capRef, s.lastRef] : [s.inCand, s.firstCand, s.capCand, s.lastCand]
      if (count === 0) continue
      if (seriesNames.has(n)) e = Math.max(e, count >= CAP ? cap : last)
      if (setupNames.has(n) && s.def.loop.length === 0) e = Math.max(e, first)
    }
    return e
  }
  const GAP = 2 * CHECKPOINT_EVERY
  const wantRef: Want = (n, i) => res.mode === 'occurrence' || setupNames.has(n) || seriesNames.has(n) || (i >= firstIdx - K && i <= firstIdx + K)
  const visitRef = (r: ParsedRec): void => {
    collect('ref', r)
    const inWindow = firstIdx >= 0 && r.index >= firstIdx - K && r.index <= firstIdx + K
    // a keyed key is a pure function of the record: built only for the window (occurrence keys count every record)
    if (!inWindow && keyed) return
    const k = occKey(r, occR)
    if (inWindow) {
      ctxRef.push(r)
      refKeys.set(k, ctxRef.length - 1)
    }
  }
  // the evidence reads must not change what the alignment found about truncation
  const savedTruncated = [ref.truncated, cand.truncated]
  if (!keyed) scan(ref, wantRef, visitRef)
  else {
    const e = needEnd('ref')
    const cps = res.checkpoints.ref
    if (firstIdx < 0) scanRange(ref, cps, 0, e, wantRef, visitRef)
    else if (firstIdx - K <= e + GAP) scanRange(ref, cps, 0, Math.max(e, firstIdx + K), wantRef, visitRef)
    else {
      scanRange(ref, cps, 0, e, wantRef, visitRef)
      scanRange(ref, cps, firstIdx - K, firstIdx + K, wantRef, visitRef)
    }
  }
  const ctxCand = new Map<number, ParsedRec>()
  // canonical record text up to the value, by name: `,"name":"X","loop":{...},"value":` finds the partners without parsing
  const prefixes = new Map<string, Buffer[]>()
  for (const r of ctxRef) {
    const list = prefixes.get(r.name) ?? []
    list.push(Buffer.from(`,"name":${JSON.stringify(r.name)},"loop":${encodeLoop(r.loop)},"value":`))
    prefixes.set(r.name, list)
  }
  const wantCtx = (n: string, c: Cursor | null): boolean => {
    const mine = prefixes.get(n)
    if (mine === undefined) return false
    if (!c || c.rest < 0 || res.mode !== 'keyed') return true
    for (const p of mine) if (restStartsWith(c, p)) return true
    return false
  }
  const wantCand: Want = (n, _i, c) => res.mode === 'occurrence' || setupNames.has(n) || seriesNames.has(n) || wantCtx(n, c)
  const visitCand = (r: ParsedRec): void => {
    collect('cand', r)
    if (keyed && !prefixes.has(r.name)) return
    const k = occKey(r, occC)
    const at = refKeys.get(k)
    if (at !== undefined && !ctxCand.has(at)) ctxCand.set(at, r)
  }
  // every window record has a partner when no window key is unmatched: stop once all are found
  const partnered = keyed && ctxRef.every((r) => !res.vars.get(display(r))?.unmatchedKeys.has(loopKey(r.loop ?? {})))
  if (!partnered) scan(cand, wantCand, visitCand)
  else {
    const expected = new Set(refKeys.values()).size
    const done = (): boolean => ctxCand.size >= expected
    const e = needEnd('cand')
    const cps = res.checkpoints.cand
    scanRange(cand, cps, 0, e, wantCand, visitCand)
    if (!done()) {
      // partners of the window are near the candidate's partner of the first divergence (same order)
      const p = Math.max(e + 1, (first?.candIndex ?? 0) - K - CHECKPOINT_EVERY)
      if (p <= e + GAP) scanRange(cand, cps, e + 1, Number.POSITIVE_INFINITY, wantCand, visitCand, done)
      else {
        scanRange(cand, cps, p, Number.POSITIVE_INFINITY, wantCand, visitCand, done)
        if (!done()) scanRange(cand, cps, e + 1, p - 1, wantCand, visitCand, done)
      }
    }
  }
  ref0.truncated = savedTruncated[0]
  cand0.truncated = savedTruncated[1]
  const context = ctxRef.map((r, i): ContextLine => {
    const c = ctxCand.get(i)
    return {
      index: r.index,
      key: `${display(r)} ${showLoop(r.loop)}`,
      ref: recText(r),
      cand: c ? recText(c) : null,
      refLine: r.line,
      candLine: c?.line ?? null,
      divergent: r.index === firstIdx || (c ? recText(c) !== recText(r) && isDivergentAt(res, r) : false),
    }
  })
  return {ctx, context}
}
