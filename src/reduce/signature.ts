// The root-cause signature reduce holds fixed: the (variable, class) pairs of the report's root
// causes that no other root cause explains, without their loop coordinates (a reduced loop
// renumbers them). A root cause is explained by another when the catalogue says it follows from
// it: it is downstream of it in the dataflow, or the other is the count of a loop it iterates in
// (an extra source changes every running sum over sources). Precision-class causes (rounding, a
// few ulps) come and go with the number of terms summed, so they are held only when they are all
// there is. A divergence without a classified root cause is signed by its first divergence, or by
// its loop-shape findings.
import {loadCatalogue} from '../catalogue/catalogue.js'
import {DIMENSIONS} from './dimensions.js'
import type {Report} from './ports.js'

export interface Cause {
  name: string
  class: string
}

/** A legacy component line (`hkl_frac[k]`) counts as its variable. */
const base = (name: string): string => name.replace(/\[[^\]]*\]$/, '')

const PRECISION = 'precision'

/** Does root cause `b` follow from root cause `a` (catalogue dataflow, or a's loop count)? */
function explains(a: string, b: string): boolean {
  const cat = loadCatalogue()
  if (a === b) return false
  if (cat.downstream(a).has(b)) return true
  const da = cat.byName.get(a)
  const db = cat.byName.get(b)
  if (!da || !db) return false
  return DIMENSIONS.some((d) => da.roles.includes(d.role) && d.axes.some((x) => db.loop.includes(x)))
}

function sorted(list: Cause[]): Cause[] {
  return list.sort((a, b) => (a.name === b.name ? a.class.localeCompare(b.class) : a.name.localeCompare(b.name)))
}

/** Every root cause of the report, as (variable, class). */
export function allCauses(r: Report): Cause[] {
  const out: Cause[] = []
  const add = (c: Cause): void => {
    if (!out.some((x) => x.name === c.name && x.class === c.class)) out.push(c)
  }
  for (const rc of r.rootCauses) add({name: base(rc.name), class: rc.class})
  if (out.length === 0 && r.firstDivergence) add({name: base(r.firstDivergence.name), class: r.firstDivergence.class ?? 'unclassified'})
  if (out.length === 0) for (const f of r.loopShape) add({name: f.axis ? `loop ${f.axis}` : 'loop shape', class: 'loop-shape'})
  return sorted(out)
}

/** The signature: the root causes no other one explains (precision ones only when alone). */
export function signatureOf(r: Report): Cause[] {
  const all = allCauses(r)
  const real = all.filter((c) => c.class !== PRECISION)
  const pool = real.length ? real : all
  const core = pool.filter((c) => !pool.some((o) => explains(o.name, c.name)))
  return core.length ? core : pool
}

export function sameSignature(a: Cause[], b: Cause[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && c.class === b[i].class)
}

export function describeSignature(s: Cause[]): string {
  return s.map((c) => `${c.name} (${c.class})`).join(', ') || 'none'
}
