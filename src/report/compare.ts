// compareTraces: provenance, alignment, causal frontier, classification, report.
import {loadCatalogue, LOOP_NAMES} from '../catalogue/catalogue.js'
import {align, SERIES_CAP, type AlignResult, type Divergent} from '../align/align.js'
import {frontier, type RootCause} from '../align/frontier.js'
import {loopKey, loopText, showLoop} from '../align/keys.js'
import {resolveTolerances, type PrecisionProfile} from '../align/tolerance.js'
import type {Producer} from '../trace/legacy/index.js'
import {openSides, CHECKPOINT_EVERY, nameAt, type Checkpoint, type ParsedRec, type Side} from '../trace/source/index.js'
import {encodeJson} from '../trace/numbers.js'
import {encodeLoop} from '../trace/writer.js'
import type {LoadedTrace} from '../trace/reader.js'
import type {Loop} from '../trace/records.js'
import {classify, fmt, type DivergenceClass, type EvidenceContext, type SeriesRec, type Verdict} from './classify.js'
import {compareHeaders, type Provenance} from './provenance.js'

export type Status = 'agree' | 'diverged' | 'mismatch'
export type JsonNum = number | 'NaN' | 'Infinity' | '-Infinity' | null

export interface CompareOptions {
  refFormat?: 'auto' | 'nbtrace' | 'legacy'
  candFormat?: 'auto' | 'nbtrace' | 'legacy'
  refProducer?: Producer
  candProducer?: Producer
  /** tolerance profile; default f32 when either producer is float32, else f64 */
  precision?: PrecisionProfile
  rtol?: number
  atol?: number
  ulps?: number
  tol?: Map<string, {rtol: number; atol?: number}>
  strictZero?: boolean
  ignoreConfig?: boolean
  /** keep every root cause (default: all are kept; the text output shows the first unless --all) */
  contextRecords?: number
}

export interface ReportDivergence {
  name: string
  loop: Loop | null
  occurrence?: number
  class: DivergenceClass | null
  label?: string
  ref: unknown
  cand: unknown
  absDiff: JsonNum
  relDiff: JsonNum
  ratio: JsonNum
  ulps: JsonNum
  components?: number[]
  refLine: number
  candLine: number
}

export interface ReportRootCause extends ReportDivergence {
  evidence: string[]
  iterations: number
  cascade: number
  downstream: string[]
}

export interface LoopShapeFinding {
  axis: string | null
  onlyRef: number[]
  onlyCand: number[]
  variables: string[]
  message: string
}

export interface ContextLine {
  index: number
  key: string
  ref: string | null
  cand: string | null
  refLine: number | null
  candLine: number | null
  divergent: boolean
}

export interface Report {
  schema: 'nbtrace-compare-report'
  version: 1
  status: Status
  verdict: string
  ref: SideInfo
  cand: SideInfo
  alignment: {mode: 'keyed' | 'occurrence'; note: string; maxPending: number; textEqual: number}
  tolerance: {precision: PrecisionProfile; rtol: number | null; atol: number | null; ulps: number | null; overrides: Record<string, {rtol: number; atol?: number}>; strictZero: boolean}
  provenance: Provenance & {ignored: boolean}
  loopShape: LoopShapeFinding[]
  unmatched: {onlyRef: string[]; onlyCand: string[]}
  firstDivergence: (ReportDivergence & {evidence: string[]}) | null
  rootCauses: ReportRootCause[]
  counts: {matched: number; agree: number; diverged: number; onlyRef: number; onlyCand: number; cascade: number; refRecords: number; candRecords: number}
  context: ContextLine[]
  elapsedMs: number
}

export interface SideInfo {
  file: string
  format: 'nbtrace' | 'legacy'
  producer: string
  precision: string
  pixel: {slow: number; fast: number} | null
  records: number
  truncated: string | null
}

export function jsonNum(x: number | null | undefined): JsonNum {
  if (x === null || x === undefined) return null
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  return x
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'number') return jsonNum(v)
  if (Array.isArray(v)) return v.map(jsonValue)
  return v
}

type Want = (name: string, index: number, text: string, rest: number) => boolean

/** Every record of a side, parsed only when `want` says so (names are read from the text first). */
function scan(side: Side, want: Want, visit: (r: ParsedRec) => void): void {
  scanRange(side, [], 0, Number.POSITIVE_INFINITY, want, visit)
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
        const n = nameAt(c.text, c.rest)
        if (n !== undefined && !want(n, c.index, c.text, c.rest)) continue
      } else if (side.memory) {
        if (!want(side.memory.values[c.index].name, c.index, '', -1)) continue
      }
      visit(c.rec())
      if (done?.()) break
    }
  } finally {
    c.close()
  }
}

const SETUP_NEEDED = ['pixel_size', 'oversample', 'steps', 'detector_thicksteps', 'n_sources', 'phisteps', 'mosaic_domains', 'mosaic_seed', 'pix0_vector', 'fdet_vector', 'sdet_vector', 'odet_vector', 'lambda0']
const SERIES_ALWAYS = ['source_weight', 'source_lambda', 'pixel_pos', 'Fdet', 'Sdet']

function display(r: ParsedRec): string {
  return r.comp ? `${r.name}[${r.comp}]` : r.name
}

function recText(r: ParsedRec): string {
  return `${display(r)} ${showLoop(r.loop)} ${encodeJson(r.value)}`
}

function toDivergence(d: Divergent, v: Verdict | null): ReportDivergence {
  const out: ReportDivergence = {
    name: d.stat.name,
    loop: d.loop,
    class: v ? v.class : null,
    ref: jsonValue(d.ref),
    cand: jsonValue(d.cand),
    absDiff: jsonNum(d.diff.absDiff),
    relDiff: jsonNum(d.diff.relDiff),
    ratio: jsonNum(d.diff.ratio),
    ulps: jsonNum(d.diff.ulps),
    refLine: d.refLine,
    candLine: d.candLine,
  }
  if (d.loop === null || (d.stat.def.loop.length && d.loop && Object.keys(d.loop).length < d.stat.def.loop.length)) out.occurrence = d.occurrence
  if (v?.label) out.label = v.label
  if (d.diff.components) out.components = d.diff.components
  return out
}

function loopShape(res: AlignResult): LoopShapeFinding[] {
  const out: LoopShapeFinding[] = []
  const shared = [...res.vars.values()].filter((s) => s.inRef > 0 && s.inCand > 0 && (s.onlyRef > 0 || s.onlyCand > 0))
  if (shared.length === 0) return out
  if (res.mode === 'keyed') {
    const axes = new Set([...res.onlyAxes.ref.keys(), ...res.onlyAxes.cand.keys()])
    const covered = new Set<string>()
    for (const a of LOOP_NAMES) {
      if (!axes.has(a)) continue
      // coordinate values that appear on one side only (present in unmatched records, absent from matched ones)
      const vr = [...(res.onlyAxes.ref.get(a) ?? [])].sort((x, y) => x - y)
      const vc = [...(res.onlyAxes.cand.get(a) ?? [])].sort((x, y) => x - y)
      const vars = shared.filter((s) => s.def.loop.includes(a as never)).map((s) => s.name)
      const parts: string[] = []
      if (vr.length) parts.push(`the reference has ${a} ${vr.join(', ')} that the candidate lacks`)
      if (vc.length) parts.push(`the candidate has ${a} ${vc.join(', ')} that the reference lacks`)
      vars.forEach((v) => covered.add(v))
      out.push({axis: a, onlyRef: vr, onlyCand: vc, variables: vars, message: `loop shape differs on ${a}: ${parts.join('; ')} (${vars.length} variable${vars.length === 1 ? '' : 's'})`})
    }
    const rest = shared.filter((s) => !covered.has(s.name))
    if (rest.length) out.push({axis: null, onlyRef: [], onlyCand: [], variables: rest.map((s) => s.name), message: `records on one side only: ${rest.map((s) => `${s.name} (${s.onlyRef} ref, ${s.onlyCand} cand)`).join(', ')}`})
  } else {
    for (const s of shared) {
      out.push({axis: null, onlyRef: [], onlyCand: [], variables: [s.name],
        message: `${s.name}: reference has ${s.inRef} record${s.inRef === 1 ? '' : 's'}, candidate ${s.inCand} (occurrences differ${s.unmatchedLoops.ref.concat(s.unmatchedLoops.cand).some((l) => l && Object.keys(l).length) ? `; unmatched at ${[...s.unmatchedLoops.ref, ...s.unmatchedLoops.cand].map(showLoop).join(' ')}` : ''})`})
    }
  }
  return out
}

export async function compareTraces(refIn: LoadedTrace | string, candIn: LoadedTrace | string, o: CompareOptions = {}): Promise<Report> {
  const t0 = Date.now()
  const cat = loadCatalogue()
  const {ref, cand} = await openSides(refIn, candIn, {format: o.refFormat, producer: o.refProducer}, {format: o.candFormat, producer: o.candProducer})
  const precision: PrecisionProfile = o.precision ?? (ref.header.producer.precision === 'float32' || cand.header.producer.precision === 'float32' ? 'f32' : 'f64')
  const tolerances = resolveTolerances(cat, {precision, rtol: o.rtol, atol: o.atol, ulps: o.ulps, perVariable: o.tol})
  const strictZero = o.strictZero ?? false

  const prov0 = compareHeaders(ref.header, cand.header)
  const provenance: Report['provenance'] = {...prov0, ignored: !!o.ignoreConfig && prov0.blocking}
  const tolerance: Report['tolerance'] = {
    precision, rtol: o.rtol ?? null, atol: o.atol ?? null, ulps: o.ulps ?? null,
    overrides: Object.fromEntries(o.tol ?? new Map()), strictZero,
  }
  const info = (s: Side, records: number): SideInfo => ({
    file: s.file, format: s.format, producer: `${s.header.producer.name} ${s.header.producer.version}`.trim(),
    precision: s.header.producer.precision, pixel: s.header.pixel, records, truncated: s.truncated ?? null,
  })

  if (prov0.blocking && !o.ignoreConfig) {
    const what = prov0.class === 'pixel'
      ? prov0.pixel.transposed ? `transposed pixel: reference (slow ${prov0.pixel.ref!.slow}, fast ${prov0.pixel.ref!.fast}), candidate (slow ${prov0.pixel.cand!.slow}, fast ${prov0.pixel.cand!.fast})` : `different pixels: reference ${JSON.stringify(prov0.pixel.ref)}, candidate ${JSON.stringify(prov0.pixel.cand)}`
      : `configuration differs (${[...prov0.config.map((c) => c.key), ...prov0.inputs.map((i) => `${i.role} file`)].join(', ')})`
    return {
      schema: 'nbtrace-compare-report', version: 1, status: 'mismatch',
      verdict: `MISMATCH (${prov0.class}): ${what}; numeric comparison not run (--ignore-config to force)`,
      ref: info(ref, 0), cand: info(cand, 0),
      alignment: {mode: ref.format === 'legacy' || cand.format === 'legacy' ? 'occurrence' : 'keyed', note: 'not run', maxPending: 0, textEqual: 0},
      tolerance, provenance, loopShape: [], unmatched: {onlyRef: [], onlyCand: []},
      firstDivergence: null, rootCauses: [],
      counts: {matched: 0, agree: 0, diverged: 0, onlyRef: 0, onlyCand: 0, cascade: 0, refRecords: 0, candRecords: 0},
      context: [], elapsedMs: Date.now() - t0,
    }
  }

  const res = align(ref, cand, {tolerances, strictZero})
  for (const [side, n, other] of [['reference', res.unstated.ref, cand], ['candidate', res.unstated.cand, ref]] as const) {
    if (n) provenance.notes.push(`${n} ${side} records at iterations the ${other === cand ? 'candidate' : 'reference'} log does not print (its producer's gating) were not compared`)
  }
  if (ref.truncated) provenance.notes.push(`reference trace ${ref.truncated}`)
  if (cand.truncated) provenance.notes.push(`candidate trace ${cand.truncated}`)
  const fr = frontier(res)
  const shapes = loopShape(res)
  const unmatched = {
    onlyRef: [...res.vars.values()].filter((s) => s.inRef > 0 && s.inCand === 0).map((s) => s.name),
    onlyCand: [...res.vars.values()].filter((s) => s.inCand > 0 && s.inRef === 0).map((s) => s.name),
  }

  let rootCauses: ReportRootCause[] = []
  let firstDivergence: Report['firstDivergence'] = null
  let context: ContextLine[] = []
  const diverged = res.counts.diverged > 0 || shapes.length > 0

  if (diverged) {
    // evidence pass: set-up values, series of root variables, the context window
    const rootNames = new Set<string>(fr.roots.map((r) => r.stat.def.name))
    const seriesNames = new Set<string>([...rootNames, ...SERIES_ALWAYS])
    if (res.mode === 'occurrence') for (const r of fr.roots) for (const d of cat.downstream(r.stat.def.name)) seriesNames.add(d)
    const ctx: EvidenceContext = {
      res, tolerances, headers: {ref: ref.header, cand: cand.header},
      setup: {ref: new Map(), cand: new Map()}, series: {ref: new Map(), cand: new Map()}, inputsOf: fr.inputsOf,
    }
    const K = o.contextRecords ?? 3
    const firstIdx = res.first?.refIndex ?? -1
    const ctxRef: ParsedRec[] = []
    const setupNames = new Set(SETUP_NEEDED)
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
    const occKey = (r: ParsedRec, occ: Map<string, number>, drop: boolean): string => {
      if (res.mode === 'keyed') return r.name + ':' + loopKey(r.loop ?? {})
      const l = drop || !r.loop || Object.keys(r.loop).length === 0 ? null : r.loop
      const base = display(r) + '|' + (r.def.loop.length === 0 ? '{}' : loopText(l))
      const n = occ.get(base) ?? 0
      occ.set(base, n + 1)
      return base + '#' + n
    }
    const occR = new Map<string, number>()
    const occC = new Map<string, number>()
    const dropR = res.mode === 'occurrence'
    const dropC = res.mode === 'occurrence'
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
      const k = occKey(r, occR, dropR)
      if (firstIdx >= 0 && r.index >= firstIdx - K && r.index <= firstIdx + K) {
        ctxRef.push(r)
        refKeys.set(k, ctxRef.length - 1)
      }
    }
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
    const refNames = new Set(ctxRef.map((r) => r.name))
    // canonical record text up to the value: `,"name":"X","loop":{...},"value":` finds the partners without parsing
    const prefixes = ctxRef.map((r) => `,"name":${JSON.stringify(r.name)},"loop":${encodeLoop(r.loop)},"value":`)
    const wantCtx = (n: string, text: string, rest: number): boolean => {
      if (!refNames.has(n)) return false
      if (rest < 0 || res.mode !== 'keyed') return true
      for (const p of prefixes) if (text.startsWith(p, rest)) return true
      return false
    }
    const wantCand: Want = (n, _i, text, rest) => res.mode === 'occurrence' || setupNames.has(n) || seriesNames.has(n) || wantCtx(n, text, rest)
    const visitCand = (r: ParsedRec): void => {
      collect('cand', r)
      const k = occKey(r, occC, dropC)
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
        const p = Math.max(e + 1, (res.first?.candIndex ?? 0) - K - CHECKPOINT_EVERY)
        if (p <= e + GAP) scanRange(cand, cps, e + 1, Number.POSITIVE_INFINITY, wantCand, visitCand, done)
        else {
          scanRange(cand, cps, p, Number.POSITIVE_INFINITY, wantCand, visitCand, done)
          if (!done()) scanRange(cand, cps, e + 1, p - 1, wantCand, visitCand, done)
        }
      }
    }
    ref.truncated = savedTruncated[0]
    cand.truncated = savedTruncated[1]
    context = ctxRef.map((r, i) => {
      const c = ctxCand.get(i)
      return {
        index: r.index, key: `${display(r)} ${showLoop(r.loop)}`, ref: recText(r), cand: c ? recText(c) : null,
        refLine: r.line, candLine: c?.line ?? null, divergent: r.index === firstIdx || (c ? recText(c) !== recText(r) && isDivergentAt(res, r) : false),
      }
    })

    const verdicts = new Map<RootCause, Verdict>()
    for (const r of fr.roots) verdicts.set(r, classify(r, ctx))
    rootCauses = fr.roots.map((r) => {
      const v = verdicts.get(r)!
      const d = r.detail ?? r.stat.details[0]
      return {...toDivergence(d, v), loop: r.loop ?? d.loop, evidence: v.evidence, iterations: r.iterations, cascade: r.cascade + r.ownCascade, downstream: r.downstream}
    })
    if (res.first) {
      const f = res.first
      const own = fr.roots.find((r) => r.stat === f.stat && r.refIndex === f.refIndex)
      let v: Verdict | null = own ? verdicts.get(own)! : null
      if (!v) {
        // a cascade first: take the class of the earliest root upstream of it
        const up = fr.roots.find((r) => cat.downstream(r.stat.def.name).has(f.stat.def.name)) ?? fr.roots[0]
        if (up) {
          const uv = verdicts.get(up)!
          v = {class: uv.class, label: uv.label, evidence: [`cascade of root cause ${up.stat.name} ${showLoop(up.loop)} (${uv.class})`]}
        }
      }
      firstDivergence = {...toDivergence(f, v), evidence: v?.evidence ?? []}
    }
  }

  // a truncated or aborted trace never "agrees": what is missing was never compared
  const cut = [ref.truncated && `reference trace ${ref.truncated}`, cand.truncated && `candidate trace ${cand.truncated}`].filter(Boolean).join('; ')
  const status: Status = diverged ? 'diverged' : cut ? 'mismatch' : 'agree'
  const counts = {...res.counts, cascade: fr.cascade, refRecords: res.refRecords, candRecords: res.candRecords}
  let verdict = makeVerdict(diverged ? 'diverged' : 'agree', firstDivergence, rootCauses, shapes, counts, provenance)
  if (cut) verdict = `TRUNCATED: ${cut}${diverged ? `; ${verdict}` : `; the ${counts.matched} records present agree`}`
  return {
    schema: 'nbtrace-compare-report', version: 1, status, verdict,
    ref: info(ref, res.refRecords), cand: info(cand, res.candRecords),
    alignment: {
      mode: res.mode,
      note: res.mode === 'keyed'
        ? 'aligned by (name, loop coordinates, occurrence), independent of emission order'
        : 'legacy log: aligned by name, stated loop coordinates (phi/source lines) and occurrence; loop coordinates otherwise unknown',
      maxPending: res.maxPending, textEqual: res.textEqual,
    },
    tolerance, provenance, loopShape: shapes, unmatched, firstDivergence, rootCauses, counts, context,
    elapsedMs: Date.now() - t0,
  }
}

function isDivergentAt(res: AlignResult, r: ParsedRec): boolean {
  const s = res.vars.get(display(r))
  if (!s) return false
  if (res.mode === 'keyed') return s.divKeys.has(loopKey(r.loop ?? {}))
  return s.diverged > 0
}

function makeVerdict(status: Status, first: Report['firstDivergence'], roots: ReportRootCause[], shapes: LoopShapeFinding[], counts: Report['counts'], prov: Report['provenance']): string {
  const mism = prov.blocking ? ` [provenance ${prov.class} ignored by --ignore-config]` : ''
  if (status === 'agree') return `AGREE: ${counts.matched} records match within tolerance${counts.onlyRef || counts.onlyCand ? ` (${counts.onlyRef + counts.onlyCand} unmatched)` : ''}${mism}`
  const parts: string[] = []
  if (shapes.length) parts.push(`loop shape differs (${shapes.map((s) => s.axis ?? s.variables.join(', ')).join('; ')})`)
  if (first) parts.push(`first divergence ${first.name} ${showLoop(first.loop)} [${first.class ?? '?'}${first.label ? `: ${first.label}` : ''}]`)
  if (roots.length) parts.push(`${roots.length} root cause${roots.length === 1 ? '' : 's'} (${[...new Set(roots.map((r) => r.class))].join(', ')}), ${counts.cascade} cascade record${counts.cascade === 1 ? '' : 's'}`)
  return `DIVERGED: ${parts.join('; ')}${mism}`
}

export {fmt}
