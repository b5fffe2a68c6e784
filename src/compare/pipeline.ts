// compareTraces: open both sides → provenance → align → causal frontier → evidence → classify →
// verdict. Each step is a module of its own; this file only passes their results along.
import {loadCatalogue} from '../catalogue/catalogue.js'
import {align} from '../align/align.js'
import {frontier} from '../align/frontier.js'
import {explainShapes, loopShape} from '../align/shape.js'
import {resolveTolerances, type PrecisionProfile} from '../align/tolerance.js'
import type {Producer} from '../trace/legacy/index.js'
import type {LoadedTrace} from '../trace/reader.js'
import {openSides, type Side} from '../trace/source/index.js'
import {gatherEvidence} from './evidence.js'
import {printingFindings, withoutPrinting} from '../classify/printing.js'
import {compareHeaders, permutedPixel} from './provenance.js'
import type {Report, SideInfo, Status} from './report.js'
import {finalValue, findings, firstOutside, mismatchLine, verdictLine} from './verdict.js'

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
  file: s.file,
  format: s.format,
  producer: `${s.header.producer.name} ${s.header.producer.version}`.trim(),
  precision: s.header.producer.precision,
  pixel: s.header.pixel,
  records,
  truncated: s.truncated ?? null,
})

export async function compareTraces(refIn: LoadedTrace | string, candIn: LoadedTrace | string, o: CompareOptions = {}): Promise<Report> {
  const t0 = Date.now()
  const {ref, cand} = await openSides(refIn, candIn, {format: o.refFormat, producer: o.refProducer}, {format: o.candFormat, producer: o.candProducer})
  const precision: PrecisionProfile =
    o.precision ?? (ref.header.producer.precision === 'float32' || cand.header.producer.precision === 'float32' ? 'f32' : 'f64')
  const tolerances = resolveTolerances(loadCatalogue(), {precision, rtol: o.rtol, atol: o.atol, ulps: o.ulps, perVariable: o.tol})
  const strictZero = o.strictZero ?? false
  const tolerance: Report['tolerance'] = {
    precision,
    rtol: o.rtol ?? null,
    atol: o.atol ?? null,
    ulps: o.ulps ?? null,
    overrides: Object.fromEntries(o.tol ?? new Map()),
    strictZero,
  }

  const prov0 = compareHeaders(ref.header, cand.header)
  const provenance: Report['provenance'] = {...prov0, ignored: !!o.ignoreConfig && prov0.blocking}
  const base = {schema: 'nbtrace-compare-report' as const, version: 1 as const, tolerance, provenance}
  const mismatch = (records: {ref: number; cand: number}, alignment: Report['alignment'], counts: Report['counts']): Report => ({
    ...base,
    status: 'mismatch',
    verdict: mismatchLine(provenance),
    ref: sideInfo(ref, records.ref),
    cand: sideInfo(cand, records.cand),
    alignment,
    loopShape: [],
    unmatched: {onlyRef: [], onlyCand: []},
    printing: [],
    finalPixel: null,
    firstDivergence: null,
    rootCauses: [],
    counts,
    context: [],
    elapsedMs: Date.now() - t0,
  })
  if (prov0.blocking && !o.ignoreConfig) {
    return mismatch(
      {ref: 0, cand: 0},
      {mode: ref.format === 'legacy' || cand.format === 'legacy' ? 'occurrence' : 'keyed', note: 'not run', maxPending: 0, textEqual: 0},
      {matched: 0, agree: 0, diverged: 0, onlyRef: 0, onlyCand: 0, cascade: 0, refRecords: 0, candRecords: 0},
    )
  }

  const res = align(ref, cand, {tolerances, strictZero})
  const alignment: Report['alignment'] = {
    mode: res.mode,
    note:
      res.mode === 'keyed'
        ? 'aligned by (name, loop coordinates, occurrence), independent of emission order'
        : 'legacy log: aligned by name, the loop coordinates both sides state, and occurrence',
    maxPending: res.maxPending,
    textEqual: res.textEqual,
  }
  for (const [side, n, other] of [
    ['reference', res.unstated.ref, cand],
    ['candidate', res.unstated.cand, ref],
  ] as const) {
    if (n)
      provenance.notes.push(
        `${n} ${side} records at iterations the ${other === cand ? 'candidate' : 'reference'} log does not print (its producer's gating) were not compared`,
      )
  }
  if (ref.truncated) provenance.notes.push(`reference trace ${ref.truncated}`)
  if (cand.truncated) provenance.notes.push(`candidate trace ${cand.truncated}`)

  // two different pixels told from the values come before any number is a divergence
  const permuted = provenance.blocking ? undefined : permutedPixel(res)
  if (permuted) {
    Object.assign(provenance, {blocking: true, class: 'pixel', pixelFromValues: permuted, ignored: !!o.ignoreConfig})
    if (!o.ignoreConfig) {
      return mismatch({ref: res.refRecords, cand: res.candRecords}, alignment, {
        ...res.counts,
        cascade: 0,
        refRecords: res.refRecords,
        candRecords: res.candRecords,
      })
    }
  }

  // printed-unit differences whose consumers agree are findings of their own, never root causes
  const fr0 = frontier(res)
  const printing = printingFindings(res, fr0)
  const fr = withoutPrinting(fr0, printing)
  const first = firstOutside(res, printing.stats)
  const shapes = explainShapes(loopShape(res), res, fr)
  const unmatched = {
    onlyRef: [...res.vars.values()].filter((s) => s.inRef > 0 && s.inCand === 0).map((s) => s.name),
    onlyCand: [...res.vars.values()].filter((s) => s.inCand > 0 && s.inRef === 0).map((s) => s.name),
  }
  const diverged = res.counts.diverged - printing.records > 0 || shapes.length > 0
  let found: ReturnType<typeof findings> = {rootCauses: [], firstDivergence: null}
  let context: Report['context'] = []
  if (diverged) {
    const ev = gatherEvidence(ref, cand, res, fr, first, tolerances, o.contextRecords ?? 3)
    context = ev.context
    found = findings(res, fr, first, shapes, ev.ctx)
  }
  const finalPixel = finalValue(res)

  // a truncated or aborted trace never "agrees": what is missing was never compared
  const cut = [ref.truncated && `reference trace ${ref.truncated}`, cand.truncated && `candidate trace ${cand.truncated}`].filter(Boolean).join('; ')
  const status: Status = diverged ? 'diverged' : cut ? 'mismatch' : 'agree'
  const counts = {...res.counts, cascade: fr.cascade, refRecords: res.refRecords, candRecords: res.candRecords}
  // records of variables both sides trace that found no partner (a variable one side does not
  // trace at all is listed in `unmatched`, not counted here)
  const unmatchedShared = [...res.vars.values()].filter((s) => s.inRef > 0 && s.inCand > 0).reduce((a, s) => a + s.onlyRef + s.onlyCand, 0)
  let verdict = verdictLine(
    diverged ? 'diverged' : 'agree',
    found.firstDivergence,
    found.rootCauses,
    shapes,
    counts,
    provenance,
    printing.findings,
    finalPixel,
    unmatchedShared,
  )
  if (cut) verdict = `TRUNCATED: ${cut}${diverged ? `; ${verdict}` : `; the ${counts.matched} records present agree`}`
  return {
    ...base,
    status,
    verdict,
    ref: sideInfo(ref, res.refRecords),
    cand: sideInfo(cand, res.candRecords),
    alignment,
    loopShape: shapes,
    unmatched,
    printing: printing.findings,
    finalPixel,
    firstDivergence: found.firstDivergence,
    rootCauses: found.rootCauses,
    counts,
    context,
    elapsedMs: Date.now() - t0,
  }
}
