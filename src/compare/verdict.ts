// From classified root causes to the report's findings and its one-line verdict.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {AlignResult, Divergent} from '../align/align.js'
import type {Frontier, RootCause} from '../align/frontier.js'
import {showLoop} from '../align/keys.js'
import type {LoopShapeFinding} from '../align/shape.js'
import {classify} from '../classify/classify.js'
import type {EvidenceContext, Verdict} from '../classify/context.js'
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

/** Each root cause classified; the first divergence with its own class, or its root's when it is cascade. */
export function findings(res: AlignResult, fr: Frontier, ctx: EvidenceContext): Findings {
  const cat = loadCatalogue()
  const verdicts = new Map<RootCause, Verdict>()
  for (const r of fr.roots) verdicts.set(r, classify(r, ctx))
  const rootCauses = fr.roots.map((r): ReportRootCause => {
    const v = verdicts.get(r)!
    const d = r.detail ?? r.stat.details[0]
    return {...toDivergence(d, v), class: v.class, loop: r.loop ?? d.loop, evidence: v.evidence, iterations: r.iterations, cascade: r.cascade + r.ownCascade, downstream: r.downstream}
  })
  let firstDivergence: FirstDivergence | null = null
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
  return {rootCauses, firstDivergence}
}

/** The verdict line of a comparison that ran (agree or diverged). */
export function verdictLine(status: Status, first: Report['firstDivergence'], roots: ReportRootCause[], shapes: LoopShapeFinding[], counts: Report['counts'], prov: Report['provenance']): string {
  const mism = prov.blocking ? ` [provenance ${prov.class} ignored by --ignore-config]` : ''
  if (status === 'agree') return `AGREE: ${counts.matched} records match within tolerance${counts.onlyRef || counts.onlyCand ? ` (${counts.onlyRef + counts.onlyCand} unmatched)` : ''}${mism}`
  const parts: string[] = []
  if (shapes.length) parts.push(`loop shape differs (${shapes.map((s) => s.axis ?? s.variables.join(', ')).join('; ')})`)
  if (first) parts.push(`first divergence ${first.name} ${showLoop(first.loop)} [${first.class ?? '?'}${first.label ? `: ${first.label}` : ''}]`)
  if (roots.length) parts.push(`${roots.length} root cause${roots.length === 1 ? '' : 's'} (${[...new Set(roots.map((r) => r.class))].join(', ')}), ${counts.cascade} cascade record${counts.cascade === 1 ? '' : 's'}`)
  return `DIVERGED: ${parts.join('; ')}${mism}`
}

/** The verdict line when provenance stops the comparison. */
export function mismatchLine(prov: Report['provenance']): string {
  const what = prov.class === 'pixel'
    ? prov.pixel.transposed ? `transposed pixel: reference (slow ${prov.pixel.ref!.slow}, fast ${prov.pixel.ref!.fast}), candidate (slow ${prov.pixel.cand!.slow}, fast ${prov.pixel.cand!.fast})` : `different pixels: reference ${JSON.stringify(prov.pixel.ref)}, candidate ${JSON.stringify(prov.pixel.cand)}`
    : `configuration differs (${[...prov.config.map((c) => c.key), ...prov.inputs.map((i) => `${i.role} file`)].join(', ')})`
  return `MISMATCH (${prov.class}): ${what}; numeric comparison not run (--ignore-config to force)`
}
