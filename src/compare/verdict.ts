// From classified root causes to the report's findings and its one-line verdict.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {AlignResult, Divergent, VarStat} from '../align/align.js'
import type {Frontier, RootCause} from '../align/frontier.js'
import {showLoop} from '../align/keys.js'
import type {LoopShapeFinding} from '../align/shape.js'
import {classify} from '../classify/classify.js'
import {ROLE, type EvidenceContext, type Verdict} from '../classify/context.js'
import type {PrintingFinding} from '../classify/printing.js'
import {kindClass} from '../classify/rules.js'
import {fmt} from '../util/numbers.js'
import {jsonNum, jsonValue, type FirstDivergence, type Report, type ReportDivergence, type ReportRootCause, type Status} from './report.js'

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

export interface Findings {
  rootCauses: ReportRootCause[]
  firstDivergence: FirstDivergence | null
}

/** The earliest divergent record of a variable outside `skip` (printing findings), in reference order. */
export function firstOutside(res: AlignResult, skip: Set<VarStat>): Divergent | null {
  if (skip.size === 0 || (res.first && !skip.has(res.first.stat))) return res.first
  let at = -1
  for (let i = 0; i < res.div.stat.length; i++) {
    if (skip.has(res.div.stat[i])) continue
    if (at < 0 || res.div.refIndex[i] < res.div.refIndex[at]) at = i
  }
  if (at < 0) return null
  const s = res.div.stat[at]
  return s.details.find((d) => d.refIndex === res.div.refIndex[at]) ?? s.details[0] ?? null
}

/** Whether the pixel's final value agrees, when both sides trace it. */
export function finalValue(res: AlignResult): Report['finalPixel'] {
  for (const def of loadCatalogue().byRole(ROLE.finalPixelValue)) {
    const s = res.vars.get(def.name)
    if (!s || s.inRef === 0 || s.inCand === 0) continue
    const agrees = s.diverged === 0 && s.onlyRef === 0 && s.onlyCand === 0
    return {name: def.name, agrees, relDiff: agrees ? 0 : jsonNum(s.details[0]?.diff.relDiff ?? null)}
  }
  return null
}

/** A root cause no divergent record made: the earliest divergent record, or a loop shape on an axis. */
function forcedRoots(res: AlignResult, fr: Frontier, first: Divergent | null, shapes: LoopShapeFinding[]): RootCause[] {
  const cat = loadCatalogue()
  if (first) {
    return [
      {
        stat: first.stat,
        key: first.key,
        refIndex: first.refIndex,
        loop: first.loop,
        iterations: 1,
        ownCascade: 0,
        cascade: Math.max(0, fr.cascade - 1),
        downstream: [],
        detail: first,
        forced:
          'every divergent record has an input that differs or is missing on one side at the same coordinates; the earliest divergent record is taken as the root',
      },
    ]
  }
  const out: RootCause[] = []
  for (const sh of shapes) {
    const name = sh.axis ? cat.loops.find((l) => l.name === sh.axis)?.count : sh.variables[0]
    const stat = [...res.vars.values()].find((v) => v.def.name === name) ?? res.vars.get(sh.variables[0])
    if (!stat) continue
    out.push({
      stat,
      key: 0,
      refIndex: stat.firstRef,
      loop: null,
      iterations: 1,
      ownCascade: 0,
      cascade: 0,
      downstream: sh.variables,
      detail: undefined,
      forced: sh.message,
    })
  }
  return out.slice(0, 1)
}

/** Each root cause classified; the first divergence with its own class, or its root's when it is cascade. */
export function findings(res: AlignResult, fr: Frontier, first: Divergent | null, shapes: LoopShapeFinding[], ctx: EvidenceContext): Findings {
  const cat = loadCatalogue()
  const roots = fr.roots.length ? fr.roots : forcedRoots(res, fr, first, shapes)
  const verdicts = new Map<RootCause, Verdict>()
  for (const r of roots) verdicts.set(r, r.detail || r.stat.details.length ? classify(r, ctx) : shapeVerdict(r))
  const rootCauses = roots.map((r): ReportRootCause => {
    const v = verdicts.get(r)!
    const d = r.detail ?? r.stat.details[0]
    if (!d) {
      return {
        name: r.stat.name,
        loop: null,
        class: v.class,
        ref: null,
        cand: null,
        absDiff: null,
        relDiff: null,
        ratio: null,
        ulps: null,
        refLine: 0,
        candLine: 0,
        evidence: v.evidence,
        iterations: 1,
        cascade: 0,
        downstream: r.downstream,
      }
    }
    return {
      ...toDivergence(d, v),
      class: v.class,
      loop: r.loop ?? d.loop,
      evidence: v.evidence,
      iterations: r.iterations,
      cascade: r.cascade + r.ownCascade,
      downstream: r.downstream,
    }
  })
  let firstDivergence: FirstDivergence | null = null
  if (first) {
    const f = first
    const own = roots.find((r) => r.stat === f.stat && r.refIndex === f.refIndex)
    let v: Verdict | null = own ? verdicts.get(own)! : null
    if (!v) {
      // a cascade first: take the class of the earliest root upstream of it
      const up = roots.find((r) => cat.downstream(r.stat.def.name).has(f.stat.def.name)) ?? roots[0]
      if (up) {
        const uv = verdicts.get(up)!
        v = {class: uv.class, label: uv.label, evidence: [`cascade of root cause ${up.stat.name} ${showLoop(up.loop)} (${uv.class})`]}
      }
    }
    firstDivergence = {...toDivergence(f, v), evidence: v?.evidence ?? []}
  }
  return {rootCauses, firstDivergence}
}

/** The class of a loop-shape root: its count variable's kind (sources → source-weighting, …). */
function shapeVerdict(r: RootCause): Verdict {
  return {
    class: kindClass(r.stat.def),
    evidence: [r.forced ?? `${r.stat.name}: iterations on one side only`, `${r.stat.def.name} sets the extent of the loop whose iterations differ`],
  }
}

/** The verdict line of a comparison that ran (agree or diverged). */
export function verdictLine(
  status: Status,
  first: Report['firstDivergence'],
  roots: ReportRootCause[],
  shapes: LoopShapeFinding[],
  counts: Report['counts'],
  prov: Report['provenance'],
  printing: PrintingFinding[] = [],
  final: Report['finalPixel'] = null,
  unmatchedShared = counts.onlyRef + counts.onlyCand,
): string {
  const mism = prov.blocking ? ` [provenance ${prov.class} ignored by --ignore-config]` : ''
  const printed = printing.length
    ? `; ${printing.map((p) => `${[p.name, ...p.alsoPrinted].join(', ')} differ${p.alsoPrinted.length ? '' : 's'} only by a printed unit (×${fmt(p.factor)}) while ${p.consumers.join(', ')} agree${p.consumers.length === 1 ? 's' : ''}`).join('; ')}`
    : ''
  if (status === 'agree') {
    const label = printing.reduce((a, p) => a + p.records, 0)
    return `AGREE: ${counts.matched - label} records match within tolerance${unmatchedShared ? ` (${unmatchedShared} unmatched)` : ''}${printed}${mism}`
  }
  const parts: string[] = []
  if (shapes.length) {
    // axes whose extent is itself a divergent count follow from it: said once per count
    const causes = [...new Set(shapes.flatMap((s) => (s.cause ? [s.cause.count] : [])))]
    const from = causes.length ? ` from ${causes.join(', ')}` : ''
    parts.push(`loop shape differs (${shapes.map((s) => s.axis ?? s.variables.join(', ')).join('; ')})${from}`)
  }
  if (first) parts.push(`first divergence ${first.name} ${showLoop(first.loop)} [${first.class ?? '?'}${first.label ? `: ${first.label}` : ''}]`)
  if (roots.length)
    parts.push(
      `${roots.length} root cause${roots.length === 1 ? '' : 's'} (${[...new Set(roots.map((r) => r.class))].join(', ')}), ${counts.cascade} cascade record${counts.cascade === 1 ? '' : 's'}`,
    )
  if (final)
    parts.push(
      final.agrees
        ? `the final pixel value ${final.name} agrees`
        : `the final pixel value ${final.name} differs${typeof final.relDiff === 'number' ? ` (relative ${fmt(final.relDiff)})` : ''}`,
    )
  return `DIVERGED: ${parts.join('; ')}${printed}${mism}`
}

/** The verdict line when provenance stops the comparison. */
export function mismatchLine(prov: Report['provenance']): string {
  const px = (p: {slow: number; fast: number} | null) => (p ? `(slow ${p.slow}, fast ${p.fast})` : 'unknown')
  const what =
    prov.class === 'pixel'
      ? (prov.pixelFromValues ??
        `different pixels${prov.pixel.transposed ? ': slow/fast transposed?' : ':'} reference ${px(prov.pixel.ref)}, candidate ${px(prov.pixel.cand)}`)
      : `configuration differs (${[...prov.config.map((c) => c.key), ...prov.inputs.map((i) => `${i.role} file`)].join(', ')})`
  if (prov.pixelFromValues)
    return `MISMATCH (${prov.class}): ${what}; no number of one side is a divergence of the other (--ignore-config to compare them anyway)`
  return `MISMATCH (${prov.class}): ${what}; numeric comparison not run (--ignore-config to force)`
}
