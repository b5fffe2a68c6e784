// compareTraces: open both sides → provenance → align → causal frontier → evidence → classify →
// verdict. Each step is a module of its own; this file only passes their results along.
import {loadCatalogue} from '../catalogue/catalogue.js'
import {align} from '../align/align.js'
import {frontier} from '../align/frontier.js'
import {loopShape} from '../align/shape.js'
import {resolveTolerances, type PrecisionProfile} from '../align/tolerance.js'
import type {Producer} from '../trace/legacy/index.js'
import type {LoadedTrace} from '../trace/reader.js'
import {openSides, type Side} from '../trace/source/index.js'
import {gatherEvidence} from './evidence.js'
import {compareHeaders} from './provenance.js'
import type {Report, SideInfo, Status} from './report.js'
import {findings, mismatchLine, verdictLine} from './verdict.js'

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
  /** aligned records of context on each side of the first divergence */
  contextRecords?: number
}

const sideInfo = (s: Side, records: number): SideInfo => ({
  file: s.file, format: s.format, producer: `${s.header.producer.name} ${s.header.producer.version}`.trim(),
  precision: s.header.producer.precision, pixel: s.header.pixel, records, truncated: s.truncated ?? null,
})

export async function compareTraces(refIn: LoadedTrace | string, candIn: LoadedTrace | string, o: CompareOptions = {}): Promise<Report> {
  const t0 = Date.now()
  const {ref, cand} = await openSides(refIn, candIn, {format: o.refFormat, producer: o.refProducer}, {format: o.candFormat, producer: o.candProducer})
  const precision: PrecisionProfile = o.precision ?? (ref.header.producer.precision === 'float32' || cand.header.producer.precision === 'float32' ? 'f32' : 'f64')
  const tolerances = resolveTolerances(loadCatalogue(), {precision, rtol: o.rtol, atol: o.atol, ulps: o.ulps, perVariable: o.tol})
  const strictZero = o.strictZero ?? false
  const tolerance: Report['tolerance'] = {
    precision, rtol: o.rtol ?? null, atol: o.atol ?? null, ulps: o.ulps ?? null,
    overrides: Object.fromEntries(o.tol ?? new Map()), strictZero,
  }

  const prov0 = compareHeaders(ref.header, cand.header)
  const provenance: Report['provenance'] = {...prov0, ignored: !!o.ignoreConfig && prov0.blocking}
  if (prov0.blocking && !o.ignoreConfig) {
    return {
      schema: 'nbtrace-compare-report', version: 1, status: 'mismatch', verdict: mismatchLine(provenance),
      ref: sideInfo(ref, 0), cand: sideInfo(cand, 0),
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
  const diverged = res.counts.diverged > 0 || shapes.length > 0
  let found: ReturnType<typeof findings> = {rootCauses: [], firstDivergence: null}
  let context: Report['context'] = []
  if (diverged) {
    const ev = gatherEvidence(ref, cand, res, fr, tolerances, o.contextRecords ?? 3)
    context = ev.context
    found = findings(res, fr, ev.ctx)
  }

  // a truncated or aborted trace never "agrees": what is missing was never compared
  const cut = [ref.truncated && `reference trace ${ref.truncated}`, cand.truncated && `candidate trace ${cand.truncated}`].filter(Boolean).join('; ')
  const status: Status = diverged ? 'diverged' : cut ? 'mismatch' : 'agree'
  const counts = {...res.counts, cascade: fr.cascade, refRecords: res.refRecords, candRecords: res.candRecords}
  let verdict = verdictLine(diverged ? 'diverged' : 'agree', found.firstDivergence, found.rootCauses, shapes, counts, provenance)
  if (cut) verdict = `TRUNCATED: ${cut}${diverged ? `; ${verdict}` : `; the ${counts.matched} records present agree`}`
  return {
    schema: 'nbtrace-compare-report', version: 1, status, verdict,
    ref: sideInfo(ref, res.refRecords), cand: sideInfo(cand, res.candRecords),
    alignment: {
      mode: res.mode,
      note: res.mode === 'keyed'
        ? 'aligned by (name, loop coordinates, occurrence), independent of emission order'
        : 'legacy log: aligned by name, stated loop coordinates (phi/source lines) and occurrence; loop coordinates otherwise unknown',
      maxPending: res.maxPending, textEqual: res.textEqual,
    },
    tolerance, provenance, loopShape: shapes, unmatched, firstDivergence: found.firstDivergence, rootCauses: found.rootCauses, counts, context,
    elapsedMs: Date.now() - t0,
  }
}
