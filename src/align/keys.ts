// Alignment keys: (name, loop coordinates, occurrence). Loop coordinates pack into one small
// number when they fit (no per-record string churn on the hot path), else a canonical string.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {Loop, LoopName} from '../trace/records.js'

const cat = loadCatalogue()
/** the loop axes, outermost first (catalogue loopOrder) */
const LOOP_NAMES: readonly LoopName[] = cat.loopOrder
/** bits per axis in a packed key (catalogue loops keyBits; 52 in all, within a double's 53) */
const BITS = Object.fromEntries(cat.loops.map((l) => [l.name, l.keyBits])) as Record<LoopName, number>
const MULT: Record<LoopName, number> = {} as Record<LoopName, number>
{
  let m = 1
  for (let i = LOOP_NAMES.length - 1; i >= 0; i--) {
    const k = LOOP_NAMES[i]
    MULT[k] = m
    m *= 2 ** BITS[k]
  }
  if (m > 2 ** 53) throw new Error('catalogue: loop keyBits exceed 53 bits')
}
const LIMIT: Record<LoopName, number> = Object.fromEntries(LOOP_NAMES.map((k) => [k, 2 ** BITS[k]])) as Record<LoopName, number>

export type LoopKey = number | string

/** Key of loop coordinates restricted to `axes` (all present axes when omitted). */
export function loopKey(loop: Loop, axes?: readonly LoopName[]): LoopKey {
  let k = 0
  const list = axes ?? LOOP_NAMES
  for (let i = 0; i < list.length; i++) {
    const a = list[i]
    const v = loop[a]
    if (v === undefined) continue
    if (v >= LIMIT[a] || v < 0) return loopText(loop, axes)
    k += v * MULT[a]
  }
  return k
}

/** Canonical text of (a projection of) loop coordinates, e.g. `thick=0 subS=1 source=2`. */
export function loopText(loop: Loop | null, axes?: readonly LoopName[]): string {
  if (loop === null) return 'null'
  const parts: string[] = []
  for (const a of axes ?? LOOP_NAMES) if (loop[a] !== undefined) parts.push(`${a}=${loop[a]}`)
  return parts.length ? parts.join(' ') : '{}'
}

/** Inverse of loopKey for the axes of a scope. */
export function unpackKey(key: LoopKey, axes: readonly LoopName[]): Loop {
  const out: Loop = {}
  if (typeof key === 'string') {
    if (key === '{}' || key === 'null') return out
    for (const part of key.split(' ')) {
      const [a, v] = part.split('=')
      out[a as LoopName] = Number(v)
    }
    return out
  }
  for (const a of LOOP_NAMES) {
    if (!axes.includes(a)) continue
    out[a] = Math.floor(key / MULT[a]) % LIMIT[a]
  }
  return out
}

/** Loop coordinates as a compact display string: `{}` or `{thick:0,subS:1,...}`. */
export function showLoop(loop: Loop | null | undefined): string {
  if (loop === null || loop === undefined) return '(no loop)'
  const parts: string[] = []
  for (const a of LOOP_NAMES) if (loop[a] !== undefined) parts.push(`${a}:${loop[a]}`)
  return '{' + parts.join(',') + '}'
}
