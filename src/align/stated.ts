// What a legacy log states of a record's loop coordinates. A log whose producer's gating is not
// fully known prints some coordinates of some variables (TRACE_C_SOURCE2's source, a per-phi
// line's phi_tic, a sub-pixel block) and none of others. Occurrence alignment pairs records on
// the coordinates both sides state for that variable, and by occurrence within them: the other
// side's records are projected onto those axes, never the log's stated coordinates dropped.
import {LOOP_NAMES, type LoopName} from '../catalogue/catalogue.js'
import type {Loop} from '../trace/records.js'
import type {ParsedRec, Side} from '../trace/source/index.js'
import {loopText} from './keys.js'

export type StatedAxes = Map<string, LoopName[]>

const display = (name: string, comp: string | undefined): string => (comp ? `${name}[${comp}]` : name)

/** Per display name, the axes every record of an in-memory legacy side states (null: a contract side states all). */
function statedBy(s: Side): StatedAxes | null {
  if (s.format !== 'legacy' || !s.memory) return null
  const out: StatedAxes = new Map()
  for (const v of s.memory.values) {
    const n = display(v.name, v.origin?.component)
    const have = v.loop ? LOOP_NAMES.filter((a) => v.loop![a] !== undefined) : []
    const prev = out.get(n)
    out.set(n, prev ? prev.filter((a) => have.includes(a)) : have)
  }
  return out
}

/** The axes both sides state, per display name (names one side lacks are absent). */
export function statedAxes(ref: Side, cand: Side): StatedAxes {
  const a = statedBy(ref)
  const b = statedBy(cand)
  if (a && b) return new Map([...a].filter(([n]) => b.has(n)).map(([n, ax]) => [n, ax.filter((x) => b.get(n)!.includes(x))]))
  return a ?? b ?? new Map()
}

function project(loop: Loop | null, axes: readonly LoopName[] | undefined): Loop | null {
  if (!loop) return null
  if (!axes) return Object.keys(loop).length ? loop : null
  const out: Loop = {}
  for (const a of axes) if (loop[a] !== undefined) out[a] = loop[a]
  return Object.keys(out).length ? out : null
}

/** Occurrence-alignment key of a record before its occurrence number: `name|coordinates both state`. */
export function occurrenceBase(r: ParsedRec, axes: StatedAxes): string {
  const n = display(r.name, r.comp)
  return n + '|' + (r.def.loop.length === 0 ? '{}' : loopText(project(r.loop, axes.get(n))))
}
