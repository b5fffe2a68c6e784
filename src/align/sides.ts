// The two sides of a comparison. A side is either an in-memory trace (legacy logs, programmatic
// callers) or a contract trace file read synchronously in large chunks: no per-line promises, no
// object per agreeing record (identical record texts are compared as text, see align.ts).
import {closeSync, openSync, readFileSync, readSync} from 'node:fs'
import {gunzipSync} from 'node:zlib'
import {loadCatalogue, type VariableDef} from '../catalogue/catalogue.js'
import {checkReadable, MAX_LINE_BYTES} from '../trace/lines.js'
import type {LoadedTrace} from '../trace/reader.js'
import type {FooterRecord, HeaderRecord, Loop, LoopName} from '../trace/records.js'
import {shapeOk, TraceValidator} from '../trace/validate.js'
import {InputError} from '../util/errors.js'

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

export const VALUE_PREFIX = '{"type":"value","seq":'

// -------------------------------------------------------------------------------------------------
// In-memory side

export function memorySide(role: Role, t: LoadedTrace): Side {
  const cat = loadCatalogue()
  return {
    role,
    file: t.file,
    header: t.header,
    format: t.header.format,
    footer: t.footer,
    truncated: t.truncated?.reason,
    memory: t,
    open(from?: Checkpoint): Cursor {
      let i = from ? from.index - 1 : -1
      const c: Cursor = {
        text: '',
        rest: -1,
        line: 0,
        index: -1,
        checkpoints: [],
        close(): void {},
        next(): boolean {
          i++
          if (i >= t.values.length) return false
          c.index = i
          c.line = t.lines[i] ?? i + 2
          return true
        },
        rec(): ParsedRec {
          const v = t.values[i]
          const def = cat.byName.get(v.name)
          if (!def) throw new InputError(`expected a catalogue variable name, found unknown name ${JSON.stringify(v.name)}`, {file: t.file, line: c.line, field: '/name'})
          return {name: v.name, def, comp: v.origin?.component, loop: v.loop, value: v.value, line: c.line, index: i}
        },
      }
      return c
    },
  }
}

// -------------------------------------------------------------------------------------------------
// Contract trace file side

/** Synchronous chunked line reader (plain or gzip). */
export class LineReader {
  private fd = -1
  private data: Buffer | null = null
  private dataPos = 0
  private readonly buf: Buffer
  private chunk = ''
  private pos = 0
  private carry: Buffer | null = null
  private eof = false
  /** bytes of the file (or of the decompressed data) read into buf so far */
  private readPos = 0
  /** byte offset of chunk[0], and whether chunk characters map one to one onto bytes */
  private chunkByte = 0
  private oneToOne = true
  lineNo = 0

  constructor(readonly file: string, chunkBytes = 1 << 20) {
    checkReadable(file)
    this.buf = Buffer.allocUnsafe(chunkBytes)
    const fd = openSync(file, 'r')
    const magic = Buffer.alloc(2)
    const n = readSync(fd, magic, 0, 2, 0)
    if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      closeSync(fd)
      try {
        this.data = gunzipSync(readFileSync(file))
      } catch (e) {
        throw new InputError(`cannot read: ${(e as Error).message}`, {file})
      }
    } else this.fd = fd
  }

  private fill(): boolean {
    while (!this.eof) {
      let n: number
      const at = this.readPos
      if (this.data) {
        n = Math.min(this.buf.length, this.data.length - this.dataPos)
        this.data.copy(this.buf, 0, this.dataPos, this.dataPos + n)
        this.dataPos += n
      } else {
        n = readSync(this.fd, this.buf, 0, this.buf.length, at)
      }
      this.readPos += n
      if (n === 0) {
        this.eof = true
        this.close()
        if (this.carry && this.carry.length) {
          this.chunk = this.carry.toString('utf8')
          this.chunkByte = at - this.carry.length
          this.oneToOne = this.chunk.length === this.carry.length
          this.pos = 0
          this.carry = null
          if (!this.chunk.endsWith('\n')) this.chunk += '\n'
          return true
        }
        return false
      }
      const last = this.buf.lastIndexOf(10, n - 1)
      if (last === -1) {
        this.carry = this.carry ? Buffer.concat([this.carry, this.buf.subarray(0, n)]) : Buffer.from(this.buf.subarray(0, n))
        if (this.carry.length > MAX_LINE_BYTES) throw new InputError(`line longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`, {file: this.file, line: this.lineNo + 1})
        continue
      }
      const head = this.buf.toString('utf8', 0, last + 1)
      const carried = this.carry ? this.carry.length : 0
      this.chunk = this.carry ? this.carry.toString('utf8') + head : head
      this.chunkByte = at - carried
      this.oneToOne = this.chunk.length === carried + last + 1
      this.carry = last + 1 < n ? Buffer.from(this.buf.subarray(last + 1, n)) : null
      this.pos = 0
      return true
    }
    return false
  }

  /** The next line without its terminator, or null at the end. */
  next(): string | null {
    let nl = this.chunk.indexOf('\n', this.pos)
    if (nl === -1) {
      if (!this.fill()) return null
      nl = this.chunk.indexOf('\n', this.pos)
    }
    let end = nl
    if (end > this.pos && this.chunk.charCodeAt(end - 1) === 13) end--
    const s = this.chunk.slice(this.pos, end)
    this.pos = nl + 1
    this.lineNo++
    return s
  }

  /** Byte offset of the next line to read; -1 when unknown (multi-byte characters in the chunk). */
  nextOffset(): number {
    return this.oneToOne ? this.chunkByte + this.pos : -1
  }

  /** Continues reading at a byte offset (the start of a line) that follows `lineNo` lines. */
  seek(offset: number, lineNo: number): void {
    this.readPos = offset
    if (this.data) this.dataPos = offset
    this.chunk = ''
    this.pos = 0
    this.carry = null
    this.chunkByte = offset
    this.oneToOne = true
    this.lineNo = lineNo
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd)
      this.fd = -1
    }
  }
}

const LOOP_SET = new Set<string>(['thick', 'subS', 'subF', 'source', 'phi', 'mosaic'])

/**
 * Opens a contract trace file as a side: the header is validated against the schema; value
 * records get a light check on the hot path (the line prefix and a catalogue name for records
 * whose text equals the other side's; full JSON parse, name, loop scope and shape otherwise).
 * Problems are re-checked with the schema validator for the precise one-line message.
 */
export function fileSide(role: Role, file: string): Side {
  const cat = loadCatalogue()
  const r = new LineReader(file, 1 << 16)
  let headerText: string | null = null
  let headerLine = 0
  for (;;) {
    const s = r.next()
    if (s === null) break
    if (s.trim() === '') continue
    headerText = s
    headerLine = r.lineNo
    break
  }
  r.close()
  if (headerText === null) throw new InputError('empty trace: expected a header line', {file, line: 1})
  const validator = new TraceValidator({file})
  const rec = validator.line(headerText, headerLine)
  if (rec.type !== 'header') throw new InputError('expected a header on the first line', {file, line: headerLine, field: '/type'})
  const header = rec
  const side: Side = {
    role,
    file,
    header,
    format: header.format,
    footer: undefined,
    memory: null,
    open(from?: Checkpoint): Cursor {
      const lr = new LineReader(file)
      let lastSeq = -1
      let count = 0
      let footerSeen = false
      if (from) {
        lr.seek(from.offset, from.line)
        lastSeq = from.lastSeq
        count = from.index
      }
      let nextCheckpoint = count
      const precise = (text: string, line: number, field: string | undefined, message: string): never => {
        const v = new TraceValidator({file})
        v.line(headerText!, headerLine)
        v.line(text, line) // throws the schema's own message when it has one
        throw new InputError(message, {file, line, field})
      }
      const c: Cursor = {
        text: '',
        rest: -1,
        line: 0,
        index: -1,
        checkpoints: [],
        close(): void {
          lr.close()
        },
        next(): boolean {
          if (count === nextCheckpoint && !footerSeen) {
            const offset = lr.nextOffset()
            if (offset >= 0) c.checkpoints.push({offset, line: lr.lineNo, index: count, lastSeq})
            nextCheckpoint += CHECKPOINT_EVERY
          }
          for (;;) {
            const s = lr.next()
            if (s === null) {
              if (!footerSeen) {
                const last = c.text ? ` (last record seen: seq ${lastSeq}${c.rest >= 0 ? ` ${nameAt(c.text, c.rest) ?? ''}` : ''}, line ${c.line})` : ''
                side.truncated = `no footer after ${count} value records${last} (truncated)`
              }
              return false
            }
            const line = lr.lineNo
            if (line <= headerLine) continue
            if (s.length === 0) continue
            if (footerSeen) {
              if (s.trim() === '') continue
              throw new InputError('expected end of trace after the footer, found another line', {file, line, field: '/type'})
            }
            if (s.startsWith(VALUE_PREFIX)) {
              let j = VALUE_PREFIX.length
              let seq = 0
              let ch = s.charCodeAt(j)
              while (ch >= 48 && ch <= 57) {
                seq = seq * 10 + (ch - 48)
                ch = s.charCodeAt(++j)
              }
              if (j === VALUE_PREFIX.length || ch !== 44 || seq <= lastSeq) {
                precise(s, line, '/seq', `expected seq > ${lastSeq} (strictly increasing), found ${s.slice(VALUE_PREFIX.length, j) || 'nothing'}`)
              }
              lastSeq = seq
              c.rest = j
            } else {
              if (s.trim() === '') continue
              let o: {type?: unknown}
              try {
                o = JSON.parse(s) as {type?: unknown}
              } catch {
                precise(s, line, undefined, 'invalid JSON')
              }
              if (o!.type === 'footer') {
                const f = o! as FooterRecord
                if (typeof f.count !== 'number' || (f.status !== 'complete' && f.status !== 'aborted')) precise(s, line, '/status', 'bad footer')
                if (f.count !== count) throw new InputError(`expected count ${count} (value records seen), found ${f.count}`, {file, line, field: '/count'})
                side.footer = f
                if (f.status === 'aborted') side.truncated = `aborted: ${f.reason ?? ''}`
                footerSeen = true
                continue
              }
              if (o!.type !== 'value') precise(s, line, '/type', `expected "value" or "footer", found ${JSON.stringify(o!.type)}`)
              const seq = (o! as {seq?: unknown}).seq
              if (typeof seq !== 'number' || seq <= lastSeq) precise(s, line, '/seq', `expected seq > ${lastSeq} (strictly increasing), found ${JSON.stringify(seq)}`)
              lastSeq = seq as number
              c.rest = -1
            }
            c.text = s
            c.line = line
            c.index = count++
            return true
          }
        },
        rec(): ParsedRec {
          const s = c.text
          let o: {name?: unknown; loop?: unknown; value?: unknown; origin?: {component?: string}}
          try {
            o = JSON.parse(s) as typeof o
          } catch {
            return precise(s, c.line, undefined, 'invalid JSON')
          }
          const name = o.name
          const def = typeof name === 'string' ? cat.byName.get(name) : undefined
          if (!def) return precise(s, c.line, '/name', `expected a catalogue variable name, found ${JSON.stringify(name)}`)
          const loop = o.loop
          if (loop === null) {
            if (header.format !== 'legacy') precise(s, c.line, '/loop', 'expected loop coordinates (null is only allowed in legacy traces), found null')
          } else if (typeof loop !== 'object' || Array.isArray(loop) || loop === undefined) {
            precise(s, c.line, '/loop', 'expected a loop object')
          } else {
            const keys = Object.keys(loop as object)
            const l = loop as Record<string, unknown>
            let ok = header.format === 'legacy' ? keys.every((k) => LOOP_SET.has(k)) : keys.length === def.loop.length && def.loop.every((k) => k in l)
            for (const k of keys) if (!Number.isInteger(l[k]) || (l[k] as number) < 0) ok = false
            if (!ok) precise(s, c.line, '/loop', `expected loop keys {${def.loop.join(', ')}} for ${def.name}, found {${keys.join(', ')}}`)
          }
          const comp = o.origin?.component
          if (comp === undefined) {
            const bad = shapeOk(def, o.value)
            if (bad) precise(s, c.line, '/value', `expected ${bad} for ${def.name} (${def.shape}), found ${JSON.stringify(o.value)}`)
          }
          return {name: def.name, def, comp, loop: loop as Loop | null, value: o.value, line: c.line, index: c.index}
        },
      }
      return c
    },
  }
  return side
}

/** Catalogue name inside a canonical value line (at `rest`), or undefined. */
export function nameAt(text: string, rest: number): string | undefined {
  // rest points at `,"name":"`
  if (text.charCodeAt(rest + 1) !== 34 || !text.startsWith(',"name":"', rest)) return undefined
  const start = rest + 9
  const end = text.indexOf('"', start)
  return end < 0 ? undefined : text.slice(start, end)
}

export const LOOP_AXES: readonly LoopName[] = ['thick', 'subS', 'subF', 'source', 'phi', 'mosaic']
