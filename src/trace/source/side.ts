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
  /** `bytes` as a DataView */
  view: DataView
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

export {NO_BYTES, NO_VIEW} from './lines.js'

/** True when two canonical record lines are the same text after their seq numbers (name, loop and value digits). */
export function sameRecordText(a: Cursor, b: Cursor): boolean {
  const from = a.start + a.rest
  const len = a.end - from
  return len === b.end - b.start - b.rest && equalViews(a.view, from, b.view, b.start + b.rest, len)
}

/** x[i, i+len) equals y[j, j+len): a plain loop, cheaper than Buffer.compare's argument checks for a few bytes. */
export function equalBytes(x: Uint8Array, i: number, y: Uint8Array, j: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (x[i + k] !== y[j + k]) return false
  return true
}

/**
 * equalBytes over DataViews, four bytes at a time: about three times faster than the byte loop
 * on a record's ~130 bytes, and this runs once per agreeing record pair.
 */
export function equalViews(x: DataView, i: number, y: DataView, j: number, len: number): boolean {
  let k = 0
  for (; k + 4 <= len; k += 4) if (x.getUint32(i + k, true) !== y.getUint32(j + k, true)) return false
  for (; k < len; k++) if (x.getUint8(i + k) !== y.getUint8(j + k)) return false
  return true
}

/** True when the canonical line of `c` continues with `text` (ASCII bytes) just after its seq number. */
export function restStartsWith(c: Cursor, text: Buffer): boolean {
  const from = c.start + c.rest
  return c.rest >= 0 && c.end - from >= text.length && equalBytes(c.bytes, from, text, 0, text.length)
}

const NAME_CACHE_MAX = 4096
const NAME_KEY_VIEW = new DataView(NAME_KEY.buffer, NAME_KEY.byteOffset, NAME_KEY.length)

interface NameEntry {
  bytes: Buffer
  view: DataView
  name: string
  /** the name that followed this one last time (a trace repeats its names in a cycle) */
  next: NameEntry | null
}

/**
 * Names read from line bytes, each decoded once: a trace has a few dozen names read millions of
 * times. The name that followed the previous one last time is tried first (one comparison of a
 * few bytes: traces cycle through their names); otherwise a hash of the bytes finds the entry,
 * confirmed byte for byte.
 */
export class NameCache {
  private readonly byHash = new Map<number, NameEntry[]>()
  private size = 0
  private last: NameEntry | null = null

  /** The catalogue name of a canonical line at `rest` (`,"name":"X"`), or undefined. */
  at(b: Buffer, view: DataView, start: number, end: number, rest: number): string | undefined {
    if (rest < 0) return undefined
    const from = start + rest + NAME_KEY.length
    if (from > end || !equalViews(view, start + rest, NAME_KEY_VIEW, 0, NAME_KEY.length)) return undefined
    // cached names hold no quote or backslash: the guess matches exactly when the hash path would find it
    const g = this.last?.next
    if (g && from + g.bytes.length < end && b[from + g.bytes.length] === 34 && equalViews(view, from, g.view, 0, g.bytes.length)) {
      this.last = g
      return g.name
    }
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
    let list = this.byHash.get(h)
    let e: NameEntry | undefined
    if (list) {
      for (const x of list) if (x.bytes.length === len && equalBytes(b, from, x.bytes, 0, len)) e = x
    }
    if (!e) {
      const name = b.toString('utf8', from, i)
      if (this.size >= NAME_CACHE_MAX) return name
      this.size++
      const bytes = Buffer.from(b.subarray(from, i))
      e = {bytes, view: new DataView(bytes.buffer, bytes.byteOffset, len), name, next: null}
      if (list) list.push(e)
      else this.byHash.set(h, (list = [e]))
    }
    if (this.last) this.last.next = e
    this.last = e
    return e.name
  }
}
