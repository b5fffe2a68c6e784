// Differences between the two sides as text: the digits that differ highlighted, and a unified
// diff (jsdiff) of the aligned records around the first divergence.
import type {ChalkInstance} from 'chalk'
import {createTwoFilesPatch} from 'diff'
import type {Report} from '../compare/report.js'

const NUM = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|"?(?:NaN|-?Infinity)"?/g

function tokens(s: string): {text: string; num: boolean}[] {
  const out: {text: string; num: boolean}[] = []
  let last = 0
  for (const m of s.matchAll(NUM)) {
    if (m.index! > last) out.push({text: s.slice(last, m.index), num: false})
    out.push({text: m[0], num: true})
    last = m.index! + m[0].length
  }
  if (last < s.length) out.push({text: s.slice(last), num: false})
  return out
}

/** Both texts with the digits that differ highlighted (ref red, cand green). */
export function highlightPair(a: string, b: string, chalk: ChalkInstance): [string, string] {
  const ta = tokens(a)
  const tb = tokens(b)
  if (ta.length !== tb.length) return [chalk.red(a), chalk.green(b)]
  let oa = ''
  let ob = ''
  for (let i = 0; i < ta.length; i++) {
    const x = ta[i].text
    const y = tb[i].text
    if (x === y) {
      oa += x
      ob += y
      continue
    }
    let p = 0
    while (p < x.length && p < y.length && x[p] === y[p]) p++
    oa += x.slice(0, p) + chalk.red.bold(x.slice(p))
    ob += y.slice(0, p) + chalk.green.bold(y.slice(p))
  }
  return [oa, ob]
}

/** Unified diff (jsdiff) of the aligned records around the first divergence; empty when there is none. */
export function contextPatch(r: Report): string {
  if (!r.context.length) return ''
  const a = r.context.map((c) => c.ref ?? '').join('\n') + '\n'
  const b = r.context.map((c) => c.cand ?? '(missing)').join('\n') + '\n'
  return createTwoFilesPatch(r.ref.file, r.cand.file, a, b, 'reference', 'candidate', {context: 3})
}
