// The matching key of a spilled record as the in-memory tables see it, and its hash (which partition it goes to).
import type {Loop, LoopName} from '../../trace/records.js'
import {loopKey, type LoopKey} from '../keys.js'

const U32 = 0x100000000

export /**
 * Whether the in-memory path keeps a record in a compact table (pending.ts: by name and the
 * coordinates of the variable's axes as 32-bit integers), and if so, the key of those coordinates;
 * else (coordinates beyond 32 bits) it matches on name[comp] and the whole loop key (align.ts).
 */
function tableKey(axes: readonly string[], loop: Loop | null): LoopKey | undefined {
  if (loop === null) return undefined
  const l = loop as Record<string, number>
  let whole = true
  for (const a of axes) {
    const v = l[a]
    if (!(v >= 0 && v < U32)) return undefined
    if (v !== Math.floor(v)) whole = false
  }
  if (whole) return loopKey(loop, axes as LoopName[])
  // a Uint32Array truncates: the table sees these coordinates as their integer parts
  const t: Record<string, number> = {}
  for (const a of axes) t[a] = l[a] >>> 0
  return loopKey(t as Loop, axes as LoopName[])
}

export function mixKey(group: number, inner: LoopKey): number {
  let h = Math.imul(group + 0x9e3779b9, 0x85ebca6b)
  if (typeof inner === 'number') {
    h = Math.imul(h ^ (inner >>> 0), 0xc2b2ae35)
    h = Math.imul(h ^ Math.floor(inner / U32), 0x85ebca6b)
  } else h = Math.imul(h ^ hashText(inner), 0xc2b2ae35)
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  return (h ^ (h >>> 12)) >>> 0
}

function hashText(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  return (h ^ (h >>> 12)) >>> 0
}
