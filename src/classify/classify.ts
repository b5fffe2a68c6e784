// Classification of a root cause: the evidence every verdict starts with (the values, what its
// inputs do), then the first rule of the table (rules.ts) that applies. The rules look at values
// (ratios, differences, neighbouring iterations, per-source behaviour), never at the producers'
// declared faults.
import type {RootCause} from '../align/frontier.js'
import {fmt} from '../util/numbers.js'
import type {EvidenceContext, Verdict} from './context.js'
import {RULES, selects, type Case} from './rules.js'

export function classify(root: RootCause, ctx: EvidenceContext): Verdict {
  const s = root.stat
  const def = s.def
  const d = root.detail ?? s.details[0]
  if (!d) return {class: 'configuration', evidence: ['no divergent values kept']}
  const ratio = d.diff.ratio
  const rel = d.diff.relDiff ?? Number.NaN
  const ev: string[] = []
  if (rel === rel && Number.isFinite(ratio ?? NaN))
    ev.push(`${s.name}: reference ${fmt(d.ref)}, candidate ${fmt(d.cand)} (ratio ${fmt(ratio)}, relative difference ${fmt(rel)})`)
  else ev.push(`${s.name}: reference ${fmt(d.ref)}, candidate ${fmt(d.cand)}`)
  const traced = ctx.inputsOf(def.name)
  if (root.forced) ev.push(root.forced)
  else if (root.amplified) ev.push(root.amplified)
  else if (traced.length) ev.push(`its inputs traced on both sides agree at these coordinates (${traced.join(', ')})`)
  else if (def.inputs.length) ev.push(`none of its inputs (${def.inputs.join(', ')}) is traced on both sides`)

  const c: Case = {root, d, def, name: s.name, details: s.details.filter((x) => root.iterations > 1 || x.refIndex === root.refIndex), ratio, rel, ctx}
  for (const r of RULES) {
    if (!selects(r.when, def)) continue
    const t = r.test(c)
    if (t === undefined) continue
    return {class: typeof r.class === 'string' ? r.class : r.class(c, t), evidence: [...ev, ...r.evidence(c, t)], label: r.label?.(c, t)}
  }
  throw new Error('classify: the rule table has no final rule')
}
