// Alignment by key (name, loop coordinates, occurrence), independent of emission order.
//
// Strategy (docs/compare.md): both sides are read in lockstep (a merge join). While they are in
// the same order the two current records share a key and are compared directly; when both lines
// are identical text (same name, loop and value digits) they agree without being parsed at all.
// A record whose key differs from the other side's current record becomes pending and is matched
// when its partner arrives (the out-of-order remainder).
//
// Memory model:
// - same order: nothing is pending; memory is constant whatever the length (the reader's chunk,
//   the per-variable statistics, the divergent records' keys).
// - out of order (a vectorized port emitting variable by variable): pending records are bounded
//   by the displacement between the two orders, at worst the whole trace. For two contract files
//   they are held in compact per-variable tables (pending.ts: coordinates, value components,
//   ordinal and line in growable typed arrays, ~70 B per vec3 record with growth slack up to
//   ~110 B), not as objects (~1.4 KB each). Past NBTRACE_PENDING_BUDGET (spill/) they go to
//   temporary files and are matched partition by partition, the pairs compared in the same order
//   later: a 5-million-record pair with one side per variable, 2.5 million pending at the peak,
//   compares in about 220 MiB peak RSS (400-460 MiB in memory). In-memory sides (legacy logs,
//   programmatic callers) keep parsed records in keyed maps; they are in memory already.
// - divergent records are kept compactly (variable, loop key, ordinal) for the dataflow analysis,
//   the first few per variable in full.
// - the evidence step (compare/evidence.ts) does not re-read whole files: the alignment records,
//   per variable and side, the ordinals of the first, SERIES_CAP-th and last records, and the
//   file cursors leave checkpoints every CHECKPOINT_EVERY records, so it reads the start of each
//   file up to the last record the set-up values and series can use, then jumps to the context
//   window around the first divergence and to its partners.
import type {LoopName, Tolerance, VariableDef} from '../catalogue/catalogue.js'
import type {Loop} from '../trace/records.js'
import {loopKey, type LoopKey} from './keys.js'
import {sameRecordText, type Checkpoint, type ParsedRec, type Side} from '../trace/source/side.js'
import {compareValues, halfUnit, nearDifference, printedDigits, type CompareFlags, type ValueDiff} from './tolerance.js'
import {loadCatalogue} from '../catalogue/catalogue.js'
import {VarPending} from './pending.js'
import {partitionsFor, pendingBudget} from './spill/budget.js'
import {Spill} from './spill/spill.js'
import {statSync} from 'node:fs'
import {componentSplits, splitCursor} from './components.js'
import {occurrenceBase, statedAxes, type StatedAxes} from './stated.js'

export type AlignMode = 'keyed' | 'occurrence'

export interface VarStat {
  /** display name: catalogue name, or name[component] for a legacy component record */
  name: string
  def: VariableDef
  comp: string | undefined
  inRef: number
  inCand: number
  matched: number
  diverged: number
  onlyRef: number
  onlyCand: number
  /** keys of divergent records (loop key in keyed mode, `loop|occurrence` in occurrence mode) → relative difference */
  divKeys: Map<LoopKey, number>
  /** keys of records present on one side only */
  unmatchedKeys: Set<LoopKey>
  /**
   * keys of agreeing records (keyed mode) that differ by more than a fraction of the relative
   * tolerance → that relative difference (tolerance.ts nearDifference): the rounding a consumer
   * may inherit and amplify past its own tolerance (at most NEAR_CAP per variable)
   */
  nearKeys: Map<LoopKey, number>
  /** the first divergent records in full */
  details: Divergent[]
  /** loops of unmatched records (first few), per side */
  unmatchedLoops: {ref: (Loop | null)[]; cand: (Loop | null)[]}
  /** ordinals of the first, the SERIES_CAP-th and the last record, per side (-1: none) */
  firstRef: number
  capRef: number
  lastRef: number
  firstCand: number
  capCand: number
  lastCand: number
}

/** records of one variable the evidence step keeps per side (the first ones in trace order) */
export const SERIES_CAP = 20000
/** near-tolerance agreeing records remembered per variable (VarStat.nearKeys) */
export const NEAR_CAP = 200000

export interface Divergent {
  stat: VarStat
  loop: Loop | null
  candLoop: Loop | null
  occurrence: number
  key: LoopKey
  refIndex: number
  candIndex: number
  refLine: number
  candLine: number
  ref: unknown
  cand: unknown
  diff: ValueDiff
}

export interface AlignResult {
  mode: AlignMode
  counts: {matched: number; agree: number; diverged: number; onlyRef: number; onlyCand: number}
  vars: Map<string, VarStat>
  /** every divergent record, compact, in detection order */
  div: {stat: VarStat[]; key: LoopKey[]; refIndex: number[]; rel: number[]}
  first: Divergent | null
  refRecords: number
  candRecords: number
  /** largest number of pending (out-of-order) records held at once */
  maxPending: number
  /** bytes of the compact pending tables at their largest (0 when not used) */
  pendingBytes: number
  /** records compared as identical text without parsing */
  textEqual: number
  /** resume points of the two files (for evidence reads that skip what they do not need) */
  checkpoints: {ref: Checkpoint[]; cand: Checkpoint[]}
  /** loop extents each side states through its count variables (n_sources, phisteps, …), by axis */
  extents: {ref: Map<LoopName, number>; cand: Map<LoopName, number>}
  /** the coordinate values a legacy log's records have, by axis (null for a contract trace) */
  present: {ref: Map<LoopName, Set<number>> | null; cand: Map<LoopName, Set<number>> | null}
  /** occurrence mode: the loop axes both sides state, per variable (records are paired on them) */
  stated: StatedAxes
  /** records of one side at iterations the other side (a legacy log) does not print */
  unstated: {ref: number; cand: number}
  /** unmatched axis coordinates per side (loop-shape evidence) */
  onlyAxes: {ref: Map<string, Set<number>>; cand: Map<string, Set<number>>}
}

export interface AlignOptions {
  tolerances: Map<string, Tolerance>
  strictZero: boolean
  /** divergent records kept in full per variable */
  detailsPerVar?: number
}

interface Pending {
  rec: ParsedRec
  key: LoopKey
  occ: number
  next: Pending | undefined
}

function put(map: Map<string, Pending>, k: string, p: Pending): void {
  const head = map.get(k)
  if (!head) {
    map.set(k, p)
    return
  }
  let t = head
  while (t.next) t = t.next
  t.next = p
}

function take(map: Map<string, Pending>, k: string): Pending | undefined {
  const head = map.get(k)
  if (!head) return undefined
  if (head.next) map.set(k, head.next)
  else map.delete(k)
  return head
}

/** index of a vector component printed alone */
const COMPONENT: Record<string, number> = {x: 0, y: 1, z: 2, h: 0, k: 1, l: 2}

function displayName(r: ParsedRec): string {
  return r.comp ? `${r.name}[${r.comp}]` : r.name
}

/** Printed-precision allowance for legacy logs: C prints %.15g; a port may echo fewer digits. */
function legacyAllowance(ref: Side, cand: Side): CompareFlags['allowance'] {
  const digitsOf = (s: Side): ((x: number) => number) | null => {
    if (s.format !== 'legacy') return null
    const prod = s.header.legacy?.producer
    if (prod === 'c') return (x: number) => halfUnit(x, 15)
    // a port may echo an input rounded to a few decimals (0.999982, -0.005998): allow half a unit
    // in the last printed decimal when at least 4 decimals and at most 9 significant digits were
    // printed; shorter values (1, 0.5, 100) are taken as exact
    return (x: number) => {
      const d = printedDigits(x)
      if (d > 9 || x === 0 || !Number.isFinite(x)) return halfUnit(x, 15)
      const a = Math.abs(x)
      if (a >= 1e5 || a < 1e-4) return d >= 2 ? halfUnit(x, Math.max(d, 6)) : halfUnit(x, 15) // printed as %e
      const decimals = d - 1 - Math.floor(Math.log10(a))
      return decimals >= 4 ? 0.5 * Math.pow(10, -decimals) : halfUnit(x, 15)
    }
  }
  const fr = digitsOf(ref)
  const fc = digitsOf(cand)
  if (!fr && !fc) return undefined
  return (a: number, b: number) => (fr ? fr(a) : 0) + (fc ? fc(b) : 0)
}

/** The coordinate values a legacy log's records have, by axis (null for a contract trace). */
function axisValues(s: Side): Map<LoopName, Set<number>> | null {
  if (!s.memory || s.format !== 'legacy') return null
  const out = new Map<LoopName, Set<number>>()
  for (const v of s.memory.values) {
    if (!v.loop) continue
    for (const [a, x] of Object.entries(v.loop)) {
      let set = out.get(a as LoopName)
      if (!set) out.set(a as LoopName, (set = new Set()))
      set.add(x as number)
    }
  }
  return out
}

/** Ordinals of a legacy log's records that repeat an earlier record of the same name and value. */
function repeatsOf(s: Side): Set<number> {
  const out = new Set<number>()
  const seen = new Set<string>()
  s.memory?.values.forEach((v, i) => {
    const k = `${v.name}[${v.origin?.component ?? ''}]=${JSON.stringify(v.value)}`
    if (seen.has(k)) out.add(i)
    else seen.add(k)
  })
  return out
}

function* spilledLeft(sp: Spill, side: 'ref' | 'cand'): Generator<{rec: ParsedRec; key: LoopKey}> {
  for (const rec of sp.leftovers(side)) yield {rec, key: rec.loop ? loopKey(rec.loop) : 0}
}

export function align(ref: Side, cand: Side, o: AlignOptions): AlignResult {
  // the spill's temporary files go when alignment ends, by an error too
  const cleanup: {spill: Spill | null} = {spill: null}
  try {
    return alignWith(ref, cand, o, cleanup)
  } finally {
    cleanup.spill?.dispose()
  }
}

function alignWith(ref: Side, cand: Side, o: AlignOptions, cleanup: {spill: Spill | null}): AlignResult {
  const cat = loadCatalogue()
  // a legacy log whose records all carry their true loop coordinates (its producer's profile,
  // trace/legacy) aligns by key like a contract trace; one that does not, by name and occurrence
  const keyedSide = (s: Side): boolean => s.format !== 'legacy' || s.header.legacy?.coordinates === 'true'
  const mode: AlignMode = keyedSide(ref) && keyedSide(cand) ? 'keyed' : 'occurrence'
  // a legacy log prints some iterations only: the other side's records at iterations it does
  // not print are not stated by it, not missing from it
  const partialRef = ref.format === 'legacy'
  const partialCand = cand.format === 'legacy'

  const flags: CompareFlags = {strictZero: o.strictZero, allowance: legacyAllowance(ref, cand)}
  const K = o.detailsPerVar ?? 16
  const vars = new Map<string, VarStat>()
  const counts = {matched: 0, agree: 0, diverged: 0, onlyRef: 0, onlyCand: 0}
  const div = {stat: [] as VarStat[], key: [] as LoopKey[], refIndex: [] as number[], rel: [] as number[]}
  let first: Divergent | null = null
  let textEqual = 0

  const statFor = (name: string, def: VariableDef, comp: string | undefined): VarStat => {
    let s = vars.get(name)
    if (!s) {
      s = {
        name,
        def,
        comp,
        inRef: 0,
        inCand: 0,
        matched: 0,
        diverged: 0,
        onlyRef: 0,
        onlyCand: 0,
        divKeys: new Map(),
        unmatchedKeys: new Set(),
        nearKeys: new Map(),
        details: [],
        unmatchedLoops: {ref: [], cand: []},
        firstRef: -1,
        capRef: -1,
        lastRef: -1,
        firstCand: -1,
        capCand: -1,
        lastCand: -1,
      }
      vars.set(name, s)
    }
    return s
  }

  // loop extents each side states (its count variables' set-up values: n_sources, phisteps, …)
  const countNames = new Set(cat.loops.map((l) => l.count))
  const extents = {ref: new Map<LoopName, number>(), cand: new Map<LoopName, number>()}
  const noteCount = (m: Map<LoopName, number>, r: ParsedRec): void => {
    if (r.def.loop.length !== 0 || typeof r.value !== 'number' || !Number.isInteger(r.value) || r.value < 1) return
    for (const l of cat.loops) if (l.count === r.name && !m.has(l.name)) m.set(l.name, r.value)
  }
  const seenRef = (s: VarStat, i: number): void => {
    if (s.inRef++ === 0) s.firstRef = i
    if (s.inRef === SERIES_CAP) s.capRef = i
    s.lastRef = i
  }
  const seenCand = (s: VarStat, i: number): void => {
    if (s.inCand++ === 0) s.firstCand = i
    if (s.inCand === SERIES_CAP) s.capCand = i
    s.lastCand = i
  }

  const stated: StatedAxes = mode === 'occurrence' ? statedAxes(ref, cand) : new Map()
  const occRef = new Map<string, number>()
  const occCand = new Map<string, number>()
  /** alignment key text, and the frontier key */
  const keyOf = (r: ParsedRec, occ: Map<string, number>): {k: string; key: LoopKey; n: number} => {
    if (mode === 'keyed') {
      const key = r.loop ? loopKey(r.loop) : 0
      return {k: displayName(r) + ':' + key, key, n: 0}
    }
    // legacy: loops are null or partial (what a line states): paired on the coordinates both
    // sides state for the variable, then by occurrence
    const base = occurrenceBase(r, stated)
    const n = occ.get(base) ?? 0
    occ.set(base, n + 1)
    const loopPart = base.slice(base.indexOf('|') + 1)
    return {k: base + '#' + n, key: `${loopPart}#${n}`, n}
  }

  const compare = (r: ParsedRec, c: ParsedRec, key0: LoopKey | undefined, occ: number): void => {
    // a component printed alone against the whole vector (two contract files, one converted
    // from a log: their pairing does not see components; in-memory sides are split, components.ts)
    let def = r.def
    let rv = r.value
    let cv = c.value
    const comp = r.comp ?? c.comp
    if (r.comp !== c.comp && comp !== undefined) {
      const at = COMPONENT[comp] ?? 0
      if (!r.comp && Array.isArray(rv)) rv = rv[at]
      if (!c.comp && Array.isArray(cv)) cv = cv[at]
      def = {...r.def, shape: 'scalar'}
    }
    const s = statFor(comp ? `${r.name}[${comp}]` : r.name, def, comp)
    s.matched++
    counts.matched++
    const t = o.tolerances.get(r.name)!
    // a value printed with fewer digits (a %g table) is allowed half a unit in its last digit
    const f =
      r.digits === undefined && c.digits === undefined
        ? flags
        : {
            ...flags,
            allowance: (a: number, b: number) =>
              (r.digits ? halfUnit(a, r.digits) : 0) + (c.digits ? halfUnit(b, c.digits) : 0) + (flags.allowance?.(a, b) ?? 0),
          }
    const d = compareValues(def, rv, cv, t, f)
    if (d.agree) {
      counts.agree++
      if (mode === 'keyed' && s.nearKeys.size < NEAR_CAP) {
        const near = nearDifference(rv, cv, t)
        if (near > 0) s.nearKeys.set(key0 ?? (r.loop ? loopKey(r.loop) : 0), near)
      }
      return
    }
    counts.diverged++
    s.diverged++
    const key = key0 ?? (r.loop ? loopKey(r.loop) : 0)
    const rel = d.relDiff === null || d.relDiff !== d.relDiff ? Number.POSITIVE_INFINITY : d.relDiff
    s.divKeys.set(key, rel)
    div.stat.push(s)
    div.rel.push(rel)
    div.key.push(key)
    div.refIndex.push(r.index)
    const isFirst = !first || r.index < first.refIndex
    if (s.details.length < K || isFirst) {
      const dv: Divergent = {
        stat: s,
        loop: r.loop,
        candLoop: c.loop,
        occurrence: occ,
        key,
        refIndex: r.index,
        candIndex: c.index,
        refLine: r.line,
        candLine: c.line,
        ref: rv,
        cand: cv,
        diff: d,
      }
      if (s.details.length < K) s.details.push(dv)
      if (isFirst) first = dv
    }
  }

  const pendRef = new Map<string, Pending>()
  const pendCand = new Map<string, Pending>()
  let nPending = 0
  let maxPending = 0

  const splits = componentSplits(ref, cand)
  const rc = splitCursor(ref.open(), splits.ref)
  const cc = splitCursor(cand.open(), splits.cand)
  const fast = mode === 'keyed'
  // contract files on both sides (loops validated to the catalogue scope): compact pending tables
  const compact = fast && ref.memory === null && cand.memory === null
  const tabRef = new Map<string, VarPending>()
  const tabCand = new Map<string, VarPending>()
  const tableOf = (m: Map<string, VarPending>, r: ParsedRec): VarPending => {
    let t = m.get(r.name)
    if (!t) m.set(r.name, (t = new VarPending(r.def)))
    return t
  }
  const coords = new Uint32Array(8)
  const sameKey = (r: ParsedRec, c: ParsedRec): boolean => {
    if (r.name !== c.name) return false
    const a = r.loop as Record<string, number>
    const b = c.loop as Record<string, number>
    for (const x of r.def.loop) if (a[x] !== b[x]) return false
    return true
  }
  // beyond the budget, pending records go to disk (spill/): the same pairs, compared in the same order, later
  const budget = pendingBudget()
  let spill: Spill | null = null
  let nextCheck = 1
  const pendingNow = (): number => {
    let b = (pendRef.size + pendCand.size) * 1500 // objects (coordinates beyond 32 bits)
    for (const t of tabRef.values()) b += t.bytes
    for (const t of tabCand.values()) b += t.bytes
    return b
  }
  let spilledBytes = 0
  const startSpill = (): Spill => {
    let bytes = 0
    for (const f of [ref.file, cand.file]) {
      try {
        bytes += statSync(f).size
      } catch {
        bytes += 1 << 30
      }
    }
    spilledBytes = pendingNow()
    // lines of at least ~64 bytes: an upper bound on the records to spill
    const sp = (cleanup.spill = new Spill(partitionsFor(bytes / 64, budget)))
    for (const [tabs, maps, isCand] of [
      [tabRef, pendRef, false],
      [tabCand, pendCand, true],
    ] as const) {
      for (const t of tabs.values()) for (const rec of t.records()) sp.record(rec, isCand, true)
      for (const head of maps.values()) for (let p: Pending | undefined = head; p; p = p.next) sp.record(p.rec, isCand, true)
      tabs.clear()
      maps.clear()
    }
    return sp
  }
  /** a record of one side: matched with the other side's pending partner, or made pending */
  const arrive = (x: ParsedRec, isRef: boolean): void => {
    if (spill) {
      spill.record(x, !isRef)
      return
    }
    const t = tableOf(isRef ? tabCand : tabRef, x)
    if (t.coordsOf(x.loop!, coords)) {
      const p = t.take(coords)
      if (p) {
        nPending--
        if (isRef) compare(x, p, undefined, 0)
        else compare(p, x, undefined, 0)
      } else {
        tableOf(isRef ? tabRef : tabCand, x).put(coords, x)
        nPending++
      }
      return
    }
    // coordinates beyond 32 bits: keyed map as for in-memory sides
    const k = keyOf(x, isRef ? occRef : occCand)
    const p = take(isRef ? pendCand : pendRef, k.k)
    if (p) {
      nPending--
      if (isRef) compare(x, p.rec, k.key, 0)
      else compare(p.rec, x, p.key, 0)
    } else {
      put(isRef ? pendRef : pendCand, k.k, {rec: x, key: k.key, occ: 0, next: undefined})
      nPending++
    }
  }
  /** per name met on the text-equal path: its statistics and whether it is a loop count (null: not a catalogue name) */
  const hot = new Map<string, {s: VarStat; isCount: boolean} | null>()
  let rOk = rc.next()
  let cOk = cc.next()
  while (rOk || cOk) {
    // identical bytes after the seq numbers: same name, loop and value digits, so the records
    // agree without either being parsed (or decoded: they stay bytes in the readers' buffers)
    if (rOk && cOk && fast && rc.rest > 0 && cc.rest > 0 && sameRecordText(rc, cc)) {
      const name = rc.name()
      let h = name === undefined ? null : hot.get(name)
      if (h === undefined) {
        const def = cat.byName.get(name!)
        h = def ? {s: statFor(name!, def, undefined), isCount: countNames.has(name!)} : null
        hot.set(name!, h)
      }
      // an unknown name: the parser gives the precise error (or reads an escaped name) below
      if (h !== null) {
        if (h.isCount) {
          noteCount(extents.ref, rc.rec())
          noteCount(extents.cand, cc.rec())
        }
        const s = h.s
        if (s.inRef++ === 0) s.firstRef = rc.index
        if (s.inCand++ === 0) s.firstCand = cc.index
        if (s.inRef === SERIES_CAP) s.capRef = rc.index
        if (s.inCand === SERIES_CAP) s.capCand = cc.index
        s.lastRef = rc.index
        s.lastCand = cc.index
        s.matched++
        counts.matched++
        counts.agree++
        textEqual++
        rOk = rc.next()
        cOk = cc.next()
        continue
      }
    }
    const r = rOk ? rc.rec() : undefined
    const c = cOk ? cc.rec() : undefined
    if (r && countNames.has(r.name)) noteCount(extents.ref, r)
    if (c && countNames.has(c.name)) noteCount(extents.cand, c)
    if (compact) {
      if (r) seenRef(statFor(displayName(r), r.def, r.comp), r.index)
      if (c) seenCand(statFor(displayName(c), c.def, c.comp), c.index)
      if (r && c && sameKey(r, c)) {
        if (spill) spill.pair(r, c)
        else compare(r, c, undefined, 0)
      } else {
        if (r) arrive(r, true)
        if (c) arrive(c, false)
        if (nPending > maxPending) maxPending = nPending
        if (!spill && maxPending >= nextCheck) {
          nextCheck = maxPending + 1024
          if (pendingNow() > budget) spill = startSpill()
        }
      }
      if (rOk) rOk = rc.next()
      if (cOk) cOk = cc.next()
      continue
    }
    const kr = r ? keyOf(r, occRef) : undefined
    const kc = c ? keyOf(c, occCand) : undefined
    if (r) seenRef(statFor(displayName(r), r.def, r.comp), r.index)
    if (c) seenCand(statFor(displayName(c), c.def, c.comp), c.index)
    if (r && c && kr!.k === kc!.k) {
      compare(r, c, kr!.key, kr!.n)
    } else {
      if (r) {
        const p = take(pendCand, kr!.k)
        if (p) {
          nPending--
          compare(r, p.rec, kr!.key, kr!.n)
        } else {
          put(pendRef, kr!.k, {rec: r, key: kr!.key, occ: kr!.n, next: undefined})
          nPending++
        }
      }
      if (c) {
        const p = take(pendRef, kc!.k)
        if (p) {
          nPending--
          compare(p.rec, c, p.key, p.occ)
        } else {
          put(pendCand, kc!.k, {rec: c, key: kc!.key, occ: kc!.n, next: undefined})
          nPending++
        }
      }
      if (nPending > maxPending) maxPending = nPending
    }
    if (rOk) rOk = rc.next()
    if (cOk) cOk = cc.next()
  }
  if (spill) maxPending = spill.finish({compare: (r, c) => compare(r, c, undefined, 0)}, nPending, maxPending)

  const onlyAxes = {ref: new Map<string, Set<number>>(), cand: new Map<string, Set<number>>()}
  let pendingBytes = spilledBytes
  for (const t of [...tabRef.values(), ...tabCand.values()]) pendingBytes += t.bytes
  const unstated = {ref: 0, cand: 0}
  /** the other side is a legacy log whose producer does not print this record's iteration (its gating) */
  const notPrinted = (rec: ParsedRec, other: Side): boolean => {
    if (other.format !== 'legacy') return false
    const gated = other.header.legacy?.gated
    if (!gated) return true // a converted log without gating facts: it prints some iterations only
    const g = gated[rec.name]
    if (!g || !rec.loop) return false
    return Object.entries(g).some(([a, printed]) => {
      const x = rec.loop![a as keyof typeof rec.loop]
      return x !== undefined && !printed!.includes(x)
    })
  }
  const drain = (m: Map<string, Pending>, side: 'ref' | 'cand'): void => {
    // unmatched records in trace order (as a keyed map of pending records would list them)
    const recs: {rec: ParsedRec; key: LoopKey}[] = []
    for (const head of m.values()) for (let p: Pending | undefined = head; p; p = p.next) recs.push({rec: p.rec, key: p.key})
    const tabs = side === 'ref' ? tabRef : tabCand
    if (tabs.size) {
      for (const t of tabs.values()) for (const rec of t.records()) recs.push({rec, key: loopKey(rec.loop!)})
      recs.sort((a, b) => a.rec.index - b.rec.index)
    }
    // spilled: nothing is pending in memory; the records left unmatched come back in trace order
    const all: Iterable<{rec: ParsedRec; key: LoopKey}> = spill ? spilledLeft(spill, side) : recs
    {
      const mine = side === 'ref' ? ref : cand
      const repeated = mine.format === 'legacy' && mode === 'occurrence' ? repeatsOf(mine) : undefined
      const partialOther = side === 'ref' ? partialCand : partialRef
      const otherExtents = partialOther ? extents[side === 'ref' ? 'cand' : 'ref'] : undefined
      for (const p of all) {
        // not printed by the other side (a legacy log's gating; every unmatched iteration for a log
        // whose coordinates are partial or whose producer is unknown), or a log printing a value it
        // printed already; beyond a loop extent the log states (n_sources 2 against source 3) the
        // log does state that the iteration does not exist: that stays a loop-shape finding
        const other = side === 'ref' ? cand : ref
        const beyond =
          otherExtents !== undefined &&
          p.rec.loop !== null &&
          Object.entries(p.rec.loop).some(([a, v]) => otherExtents.has(a as LoopName) && (v as number) >= otherExtents.get(a as LoopName)!)
        const gatedOut = partialOther && (mode === 'occurrence' || other.header.legacy?.producer === 'freeform' || notPrinted(p.rec, other))
        if ((gatedOut && !beyond) || repeated?.has(p.rec.index)) {
          unstated[side]++
          continue
        }
        const s = statFor(displayName(p.rec), p.rec.def, p.rec.comp)
        if (side === 'ref') {
          s.onlyRef++
          counts.onlyRef++
        } else {
          s.onlyCand++
          counts.onlyCand++
        }
        s.unmatchedKeys.add(p.key)
        const ul = s.unmatchedLoops[side]
        if (ul.length < 8) ul.push(p.rec.loop)
        if (p.rec.loop && s.inRef > 0 && s.inCand > 0) {
          for (const [a, v] of Object.entries(p.rec.loop)) {
            let set = onlyAxes[side].get(a)
            if (!set) onlyAxes[side].set(a, (set = new Set()))
            set.add(v as number)
          }
        }
      }
    }
  }
  drain(pendRef, 'ref')
  drain(pendCand, 'cand')

  return {
    mode,
    stated,
    extents,
    present: {ref: axisValues(ref), cand: axisValues(cand)},
    counts,
    vars,
    div,
    first,
    unstated,
    refRecords: rc.index + 1,
    candRecords: cc.index + 1,
    maxPending,
    pendingBytes,
    textEqual,
    onlyAxes,
    checkpoints: {ref: rc.checkpoints, cand: cc.checkpoints},
  }
}
