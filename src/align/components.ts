// Vectors printed one component at a time. A legacy log may print a single component of a
// catalogue vector (TRACE_C_PHI's k_frac is hkl_frac's k); the other side traces the whole
// vector. Alignment then compares component with component: each vector record of the other
// side also comes out as the components the log prints (name[comp]); the whole vector still
// meets the log's whole-vector lines where it prints those.
import type {Cursor, ParsedRec, Side} from '../trace/source/index.js'

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
  /** components the side prints alone itself (name[comp] at loop text): not added twice */
  own: Set<string>
}

const at = (name: string, comp: string, loop: unknown): string => `${name}[${comp}]@${JSON.stringify(loop)}`

/** For each side, the vectors to split (the components the other side prints alone); null when none. */
export function componentSplits(ref: Side, cand: Side): {ref: Split | null; cand: Split | null} {
  const of = (self: Side, other: Side): Split | null => {
    const m = printedComponents(other)
    if (!m.size) return null
    const own = new Set<string>()
    for (const v of self.memory?.values ?? []) if (v.origin?.component) own.add(at(v.name, v.origin.component, v.loop))
    return {comps: new Map([...m].map(([n, s]) => [n, [...s].sort((a, b) => INDEX[a] - INDEX[b])])), own}
  }
  return {ref: of(ref, cand), cand: of(cand, ref)}
}

/** A cursor whose vector records named in `split` come out as one record per listed component. */
export function splitCursor(c: Cursor, split: Split | null): Cursor {
  if (!split) return c
  const queue: ParsedRec[] = []
  let cur: ParsedRec | undefined
  const w: Cursor = {
    text: '',
    rest: -1,
    line: 0,
    index: -1,
    checkpoints: c.checkpoints,
    close: () => c.close(),
    next(): boolean {
      if (queue.length === 0) {
        if (!c.next()) return false
        const r = c.rec()
        const comps = r.comp === undefined && Array.isArray(r.value) ? split.comps.get(r.name) : undefined
        queue.push(r)
        if (comps) for (const comp of comps) if (!split.own.has(at(r.name, comp, r.loop))) queue.push({...r, comp, value: (r.value as unknown[])[INDEX[comp]]})
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
