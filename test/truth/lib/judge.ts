// Judging a report against a case's expectations. Only what a case states is checked; every
// difference is one line naming the field, what was expected and what the report says.
import type {Expect, Loop} from './cases.js'

interface Divergence {
  name: string
  class: string | null
  loop: Loop | null
}

export interface ReportLike {
  status: string
  verdict?: string
  firstDivergence: Divergence | null
  rootCauses: Divergence[]
  provenance?: {class?: string | null}
}

/** "F_latt[1]" (a legacy component line) → "F_latt". */
export const baseName = (n: string): string => n.replace(/\[.*\]$/, '')

const loopText = (l: Loop | null | undefined): string =>
  l
    ? `{${Object.entries(l)
        .map(([k, v]) => `${k}:${v}`)
        .join(',')}}`
    : ''

/** One line saying what the report concluded. */
export function summarize(r: ReportLike): string {
  const f = r.firstDivergence
  const first = f ? `first ${f.name}${loopText(f.loop)} [${f.class ?? '?'}]` : 'no first divergence'
  const roots = r.rootCauses.length ? r.rootCauses.map((x) => `${x.name} [${x.class ?? '?'}]`).join(', ') : 'none'
  const prov = r.provenance?.class ? `; provenance ${r.provenance.class}` : ''
  return `${r.status}; ${first}; roots: ${roots}${prov}; verdict: ${JSON.stringify(r.verdict ?? '')}`
}

export function judge(e: Expect, r: ReportLike, exitCode: number): string[] {
  const wrong: string[] = []
  const wantCode = r.status === 'agree' ? 0 : 1
  if (exitCode !== wantCode) wrong.push(`exit code ${exitCode} with status ${r.status} (expected ${wantCode})`)
  if (r.status !== e.status) wrong.push(`status: expected ${e.status}, got ${r.status}`)
  const f = r.firstDivergence
  if (e.first) {
    if (!f) wrong.push(`first divergence: expected ${e.first.name}, got none`)
    else {
      if (baseName(f.name) !== e.first.name) wrong.push(`first divergence: expected ${e.first.name}, got ${f.name}`)
      if (e.first.class !== undefined && f.class !== e.first.class) wrong.push(`first divergence class: expected ${e.first.class}, got ${f.class}`)
      if (e.first.loop) {
        for (const [axis, v] of Object.entries(e.first.loop)) {
          const got = f.loop?.[axis as keyof Loop]
          if (got !== v) wrong.push(`first divergence loop ${axis}: expected ${v}, got ${got ?? 'none'} ${loopText(f.loop)}`)
        }
      }
    }
  }
  const roots = r.rootCauses ?? []
  if (e.rootClasses) {
    const got = [...new Set(roots.map((x) => String(x.class)))].sort()
    const want = [...e.rootClasses].sort()
    if (got.join(',') !== want.join(',')) wrong.push(`root-cause classes: expected {${want.join(', ')}}, got {${got.join(', ')}}`)
  }
  const classes = new Set(roots.map((x) => String(x.class)))
  for (const k of e.rootClassesInclude ?? []) if (!classes.has(k)) wrong.push(`root-cause classes: expected ${k} among them, got {${[...classes].join(', ')}}`)
  const rootNames = new Set(roots.map((x) => baseName(x.name)))
  for (const n of e.roots ?? []) if (!rootNames.has(n)) wrong.push(`root causes: expected ${n} among them, got {${[...rootNames].join(', ')}}`)
  for (const n of e.notRoot ?? []) {
    if (rootNames.has(n)) wrong.push(`${n} must not be a root cause`)
    if (f && baseName(f.name) === n) wrong.push(`${n} must not be the first divergence`)
  }
  if (e.provenance !== undefined && r.provenance?.class !== e.provenance)
    wrong.push(`provenance class: expected ${e.provenance}, got ${r.provenance?.class ?? 'none'}`)
  for (const re of e.verdict ?? [])
    if (!new RegExp(re, 'i').test(r.verdict ?? '')) wrong.push(`verdict must match /${re}/i: ${JSON.stringify(r.verdict ?? '')}`)
  return wrong
}
