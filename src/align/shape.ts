// Loop-shape findings: variables traced on both sides whose iterations are not all on both sides
// (a missing source, an extra phi step, a different number of occurrences).
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {AlignResult} from './align.js'
import type {Frontier} from './frontier.js'
import {showLoop} from './keys.js'

export interface LoopShapeFinding {
  axis: string | null
  onlyRef: number[]
  onlyCand: number[]
  variables: string[]
  message: string
  /**
   * the divergent count variable the axis's extent comes from, and the root cause upstream of it:
   * the missing iterations are a consequence of that root, not a finding of their own
   */
  cause?: {count: string; root: string | null}
}

/**
 * The coordinates on one axis that one side has and the other lacks, from the unmatched records'
 * values there: those beyond the extent the other side states; for a log, those none of its
 * records has; otherwise the unmatched values when they are some of the axis's iterations only
 * (unmatched records spread over every iteration of an axis say nothing about that axis).
 */
function lacking(vals: Set<number> | undefined, own: number | undefined, other: number | undefined, otherPresent: Set<number> | undefined): number[] {
  const v = [...(vals ?? [])].sort((x, y) => x - y)
  if (other !== undefined && v.some((x) => x >= other)) return v.filter((x) => x >= other)
  if (otherPresent) return v.filter((x) => !otherPresent.has(x))
  const extent = own ?? other
  if (extent !== undefined && v.length >= extent && v.every((x) => x < extent)) return []
  return v
}

export function loopShape(res: AlignResult): LoopShapeFinding[] {
  const out: LoopShapeFinding[] = []
  const shared = [...res.vars.values()].filter((s) => s.inRef > 0 && s.inCand > 0 && (s.onlyRef > 0 || s.onlyCand > 0))
  if (shared.length === 0) return out
  if (res.mode === 'keyed') {
    const axes = new Set([...res.onlyAxes.ref.keys(), ...res.onlyAxes.cand.keys()])
    const covered = new Set<string>()
    for (const a of loadCatalogue().loopOrder) {
      if (!axes.has(a)) continue
      // coordinate values that appear on one side only (present in unmatched records, absent from matched ones)
      const vr = lacking(res.onlyAxes.ref.get(a), res.extents.ref.get(a), res.extents.cand.get(a), res.present.cand?.get(a))
      const vc = lacking(res.onlyAxes.cand.get(a), res.extents.cand.get(a), res.extents.ref.get(a), res.present.ref?.get(a))
      if (vr.length === 0 && vc.length === 0) continue
      const vars = shared.filter((s) => s.def.loop.includes(a)).map((s) => s.name)
      const parts: string[] = []
      if (vr.length) parts.push(`the reference has ${a} ${vr.join(', ')} that the candidate lacks`)
      if (vc.length) parts.push(`the candidate has ${a} ${vc.join(', ')} that the reference lacks`)
      vars.forEach((v) => covered.add(v))
      out.push({
        axis: a,
        onlyRef: vr,
        onlyCand: vc,
        variables: vars,
        message: `loop shape differs on ${a}: ${parts.join('; ')} (${vars.length} variable${vars.length === 1 ? '' : 's'})`,
      })
    }
    const rest = shared.filter((s) => !covered.has(s.name))
    if (rest.length)
      out.push({
        axis: null,
        onlyRef: [],
        onlyCand: [],
        variables: rest.map((s) => s.name),
        message: `records on one side only: ${rest.map((s) => `${s.name} (${s.onlyRef} ref, ${s.onlyCand} cand)`).join(', ')}`,
      })
  } else {
    for (const s of shared) {
      out.push({
        axis: null,
        onlyRef: [],
        onlyCand: [],
        variables: [s.name],
        message: `${s.name}: reference has ${s.inRef} record${s.inRef === 1 ? '' : 's'}, candidate ${s.inCand} (occurrences differ${s.unmatchedLoops.ref.concat(s.unmatchedLoops.cand).some((l) => l && Object.keys(l).length) ? `; unmatched at ${[...s.unmatchedLoops.ref, ...s.unmatchedLoops.cand].map(showLoop).join(' ')}` : ''})`,
      })
    }
  }
  return out
}

/**
 * Loop-shape findings whose axis's extent (its catalogue count variable) itself diverges: the
 * iterations one side lacks follow from that value (an auto-selected oversample that differs
 * because pix0 does), so the finding names it and the root cause upstream of it.
 */
export function explainShapes(shapes: LoopShapeFinding[], res: AlignResult, fr: Frontier): LoopShapeFinding[] {
  const cat = loadCatalogue()
  return shapes.map((f) => {
    const count = f.axis ? cat.loops.find((l) => l.name === f.axis)?.count : undefined
    const st = count ? [...res.vars.values()].find((s) => s.def.name === count && s.diverged > 0) : undefined
    if (!count || !st) return f
    const root = fr.roots.find((r) => r.stat.def.name === count) ?? fr.roots.find((r) => cat.downstream(r.stat.def.name).has(count))
    const d = st.details[0]
    const values = d ? ` (reference ${JSON.stringify(d.ref)}, candidate ${JSON.stringify(d.cand)})` : ''
    const why = root && root.stat.def.name !== count ? `, a cascade of root cause ${root.stat.name}` : ''
    return {...f, cause: {count, root: root ? root.stat.name : null}, message: `${f.message}: it follows from ${count}${values}${why}`}
  })
}
