// The interface the alignment consumes: a Side per trace, Cursors over its value records, and
// each record parsed and checked (ParsedRec). A side is a contract trace file read in chunks
// (contract.ts) or a trace held in memory (memory.ts: legacy logs, programmatic callers).
import type {VariableDef} from '../../catalogue/catalogue.js'
import type {LoadedTrace} from '../reader.js'
import type {FooterRecord, HeaderRecord, Loop} from '../records.js'

export type Role = 'ref' | 'cand'

export interface ParsedRec {
  name: string
  def: VariableDef
  /** component of a vector printed alone (legacy: k_frac → hkl_frac[k]) */
  comp: string | undefined
  loop: Loop | null
  value: unknown
  line: number
  /** ordinal of the value record in its trace (0-based) */
  index: number
  /** significant digits a legacy log printed the value with, when fewer than its producer's usual */
  digits?: number
}

/** Where a cursor can resume: the state before reading record `index` (file sides). */
export interface Checkpoint {
  /** byte offset of the next line to read */
  offset: number
  /** lines read before it */
  line: number
  index: number
  lastSeq: number
}

/** records between two checkpoints of a file cursor */
export const CHECKPOINT_EVERY = 8192

export interface Cursor {
  /** advances to the next value record; false at the end */
  next(): boolean
  /** text of the current record line ('' for in-memory records) */
  text: string
  /** offset in text just after the seq number (the `,"name":...` part); -1 when not canonical */
  rest: number
  line: number
  index: number
  /** the current record, parsed and checked */
  rec(): ParsedRec
  /** resume points recorded while reading (file sides, every CHECKPOINT_EVERY records) */
  checkpoints: Checkpoint[]
  /** releases the file before the end was reached */
  close(): void
}

export interface Side {
  role: Role
  file: string
  header: HeaderRecord
  format: 'nbtrace' | 'legacy'
  footer: FooterRecord | undefined
  truncated?: string
  /** in-memory records, when the side was loaded (legacy logs, LoadedTrace inputs) */
  memory: LoadedTrace | null
  /** a cursor from the first record, or resuming at a checkpoint of an earlier cursor */
  open(from?: Checkpoint): Cursor
}

/** How every canonical value line starts (the writer's encoding). */
export const VALUE_PREFIX = '{"type":"value","seq":'

/** Catalogue name inside a canonical value line (at `rest`), or undefined. */
export function nameAt(text: string, rest: number): string | undefined {
  // rest points at `,"name":"`
  if (text.charCodeAt(rest + 1) !== 34 || !text.startsWith(',"name":"', rest)) return undefined
  const start = rest + 9
  const end = text.indexOf('"', start)
  return end < 0 ? undefined : text.slice(start, end)
}
