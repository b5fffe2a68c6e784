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
  /**
   * The current record line: bytes[start, end) (file sides; empty for in-memory records). The
   * bytes are the reader's buffer, valid until next(): agreeing records are compared as bytes
   * and never become strings.
   */
  bytes: Buffer
  start: number
  end: number
  /** offset from `start` just after the seq number (the `,"name":...` part); -1 when not canonical */
  rest: number
  /** the catalogue name of a canonical line, read without parsing; undefined when not canonical */
  name(): string | undefined
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
const NAME_KEY = Buffer.from(',"name":"')

export {NO_BYTES} from './lines.js'

/** True when two canonical record lines are the same text after their seq numbers (name, loop and value digits). */
export function sameRecordText(a: Cursor, b: Cursor): boolean {
  const from = a.start + a.rest
  const len = a.end - from
  return len === b.end - b.start - b.rest && equalBytes(a.bytes, from, b.bytes, b.start + b.rest, len)
}

/** x[i, i+len) equals y[j, j+len): a plain loop, cheaper than Buffer.compare's argument checks for a record's length. */
export function equalBytes(x: Uint8Array, i: number, y: Uint8Array, j: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (x[i + k] !== y[j + k]) return false
  return true
}

/** True when the canonical line of `c` continues with `text` (ASCII bytes) just after its seq number. */
export function restStartsWith(c: Cursor, text: Buffer): boolean {
  const from = c.start + c.rest
  return c.rest >= 0 && c.end - from >= text.length && equalBytes(c.bytes, from, text, 0, text.length)
}

const NAME_CACHE_MAX = 4096

/**
 * Names read from line bytes, each decoded once: a trace has a few dozen names read millions of
 * times. Keyed by a hash of the bytes, confirmed byte for byte.
 */
export class NameCache {
  private readonly byHash = new Map<number, {bytes: Buffer; name: string}[]>()
  private size = 0

  /** The catalogue name of a canonical line at `rest` (`,"name":"X"`), or undefined. */
  at(b: Buffer, start: number, end: number, rest: number): string | undefined {
    if (rest < 0) return undefined
    const from = start + rest + NAME_KEY.length
    if (from > end || !equalBytes(b, start + rest, NAME_KEY, 0, NAME_KEY.length)) return undefined
    let h = 0x811c9dc5
    let i = from
    for (; i < end; i++) {
      const ch = b[i]
      if (ch === 34) break
      // an escaped name is not canonical: the parser reads it
      if (ch === 92) return undefined
      h = Math.imul(h ^ ch, 0x01000193)
    }
    if (i >= end) return undefined
    const len = i - from
    const list = this.byHash.get(h)
    if (list) {
      for (const e of list) if (e.bytes.length === len && equalBytes(b, from, e.bytes, 0, len)) return e.name
    }
    const name = b.toString('utf8', from, i)
    if (this.size < NAME_CACHE_MAX) {
      this.size++
      if (list) list.push({bytes: Buffer.from(b.subarray(from, i)), name})
      else this.byHash.set(h, [{bytes: Buffer.from(b.subarray(from, i)), name}])
    }
    return name
  }
}
