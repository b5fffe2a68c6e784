// Vectors printed one component at a time. A legacy log may print a single component of a
// catalogue vector (TRACE_C_PHI's k_frac is hkl_frac's k); the other side traces the whole
// vector. Alignment then compares component with component: each vector record of the other
// side also comes out as the components the log prints (name[comp]); the whole vector still
// meets the log's whole-vector lines where it prints those.
import {NO_BYTES, NO_VIEW, type Cursor, type ParsedRec, type Side} from '../trace/source/index.js'

const INDEX: Record<string, number> = {h: 0, k: 1, l: 2, x: 0, y: 1, z: 2}

/** Components printed alone, per variable name, on an in-memory side. */
function printedComponents(s: Side): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const v of s.memory?.values ?? []) {
    const comp = v.origin?.component
    if (comp === undefined || INDEX[comp] === undefined) continue
    let set = out.get(v.name)
    if (!set) out.set(v.name, (set = new Set()))
    set.add(comp)
  }
  return out
}

export interface Split {
  /** per vector name, the components to add */
  comps: Map<string, string[]>
}

const at = (name: string, comp: string, loop: unknown): string => `${name}[${comp}]@${JSON.stringify(loop)}`

/** For each side, the vectors to split (the components the other side prints alone); null when none. */
export function componentSplits(ref: Side, cand: Side): {ref: Split | null; cand: Split | null} {
  const of = (other: Side): Split | null => {
    const m = printedComponents(other)
    if (!m.size) return null
    return {comps: new Map([...m].map(([n, s]) => [n, [...s].sort((a, b) => INDEX[a] - INDEX[b])]))}
  }
  return {ref: of(cand), cand: of(ref)}
}

/**
 * A cursor whose vector records named in `split` also come out as the listed components. A
 * component the side prints alone at coordinates where it printed the whole vector too (the C
 * log's k_frac on the phi-0 line) is the same value: it comes out once, at the earlier record.
 */
export function splitCursor(c: Cursor, split: Split | null): Cursor {
  if (!split) return c
  const queue: ParsedRec[] = []
  const emitted = new Map<string, unknown>()
  let cur: ParsedRec | undefined
  const w: Cursor = {
    bytes: NO_BYTES,
    view: NO_VIEW,
    start: 0,
    end: 0,
    rest: -1,
    name: () => undefined,
    line: 0,
    index: -1,
    checkpoints: c.checkpoints,
    close: () => c.close(),
    next(): boolean {
      while (queue.length === 0) {
        if (!c.next()) return false
        const r = c.rec()
        if (r.loop === null || (r.comp === undefined && !split.comps.has(r.name))) {
          // coordinates unknown (nothing to tell a repeat by), or nothing to split
          queue.push(r)
          if (r.comp === undefined && Array.isArray(r.value))
            for (const comp of split.comps.get(r.name) ?? []) queue.push({...r, comp, value: (r.value as unknown[])[INDEX[comp]]})
        } else if (r.comp !== undefined) {
          const k = at(r.name, r.comp, r.loop)
          if (emitted.has(k) && Object.is(emitted.get(k), r.value)) continue
          emitted.set(k, r.value)
          queue.push(r)
        } else {
          queue.push(r)
          const comps = Array.isArray(r.value) ? split.comps.get(r.name) : undefined
          for (const comp of comps ?? []) {
            const k = at(r.name, comp, r.loop)
            if (emitted.has(k)) continue
            const value = (r.value as unknown[])[INDEX[comp]]
            emitted.set(k, value)
            queue.push({...r, comp, value})
          }
        }
      }
      cur = queue.shift()!
      w.line = cur.line
      w.index = cur.index
      return true
    },
    rec: () => cur!,
  }
  return w
}
