// The one line reader of nbtrace: synchronous, in large chunks of bytes, in bounded memory,
// over any input (regular file, stdin `-`, FIFO, gzip inflated as it streams). Lines are split
// on LF bytes, so a multi-byte character is never cut by a chunk boundary; each chunk is checked
// to be valid UTF-8 before it is decoded (invalid bytes are refused, never turned into U+FFFD).
// A UTF-8 byte-order mark at the start is accepted and stripped; CRLF is read as LF.
import {isUtf8} from 'node:buffer'
import {InputError} from '../../util/errors.js'
import {openInput, readError, type ByteInput} from './input.js'

export {checkReadable} from './input.js'

export const MAX_LINE_BYTES = 4 * 1024 * 1024
const CHUNK = 1 << 20

/** Byte offset in `b` of the first invalid UTF-8 sequence (b is known to hold one). */
function firstBadByte(b: Buffer): number {
  const s = b.toString('utf8')
  let at = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    // a decoded U+FFFD that is not the three bytes EF BF BD replaced an invalid sequence
    if (cp === 0xfffd && !(b[at] === 0xef && b[at + 1] === 0xbf && b[at + 2] === 0xbd)) return at
    at += len
  }
  return b.length
}

export interface LineReaderOptions {
  chunkBytes?: number
  /** the name errors give (default: the path); a spooled stdin is still `-` */
  name?: string
  /**
   * Invalid UTF-8: 'json' refuses it as invalid JSON (contract traces: JSON text is UTF-8),
   * 'mark' decodes the line with U+FFFD and sets `invalid` for it (legacy logs, whose program
   * chatter may hold binary bytes: such a line is never read as a value).
   */
  invalidUtf8?: 'json' | 'mark'
}

/** Reads the lines of one input in order; `next()` returns each without its terminator. */
export class LineReader {
  private input: ByteInput | null
  private readonly buf: Buffer
  private chunk = ''
  private pos = 0
  private carry: Buffer | null = null
  private eof = false
  /** bytes of the input read into buf so far */
  private readPos = 0
  /** byte offset of chunk[0], and whether chunk characters map one to one onto bytes */
  private chunkByte = 0
  private oneToOne = true
  private started = false
  /** line numbers of the current chunk that hold invalid UTF-8 ('mark' mode) */
  private badLines: Map<number, number> | null = null
  lineNo = 0
  /** the line just returned held invalid UTF-8 ('mark' mode) */
  invalid = false

  /** the name errors give */
  readonly file: string

  private readonly mode: 'json' | 'mark'

  constructor(path: string, opts: LineReaderOptions = {}) {
    this.file = opts.name ?? path
    this.mode = opts.invalidUtf8 ?? 'json'
    this.input = openInput(path, this.file)
    this.buf = Buffer.allocUnsafe(opts.chunkBytes ?? CHUNK)
  }

  /** True when the reader can resume at a byte offset (a regular, uncompressed file). */
  get seekable(): boolean {
    return this.input?.seekable ?? false
  }

  private decode(bytes: Buffer, at: number): string {
    this.badLines = null
    if (!isUtf8(bytes)) {
      // which lines of the chunk hold the invalid bytes, and where: reported (json) or marked
      // when the reader reaches that line, so earlier lines are read first
      this.badLines = new Map()
      let line = this.lineNo + 1
      for (let from = 0; from < bytes.length; line++) {
        let to = bytes.indexOf(10, from)
        if (to < 0) to = bytes.length
        const sub = bytes.subarray(from, to)
        if (!isUtf8(sub)) this.badLines.set(line, at + from + firstBadByte(sub))
        from = to + 1
      }
    }
    return bytes.toString('utf8')
  }

  private take(bytes: Buffer, at: number): void {
    let s = this.decode(bytes, at)
    let start = at
    if (!this.started) {
      this.started = true
      if (s.charCodeAt(0) === 0xfeff) {
        s = s.slice(1)
        start += 3
      }
    }
    this.chunk = s
    this.chunkByte = start
    this.oneToOne = s.length === bytes.length - (start - at)
    this.pos = 0
  }

  private read(at: number): number {
    try {
      return this.input ? this.input.read(this.buf, 0, this.buf.length, at) : 0
    } catch (e) {
      throw readError(this.file, e, this.lineNo + 1)
    }
  }

  private fill(): boolean {
    while (!this.eof) {
      const at = this.readPos
      const n = this.read(at)
      this.readPos += n
      if (n === 0) {
        this.eof = true
        this.close()
        if (this.carry && this.carry.length) {
          const carry = this.carry
          this.carry = null
          this.take(carry, at - carry.length)
          if (!this.chunk.endsWith('\n')) this.chunk += '\n'
          return true
        }
        return false
      }
      const last = this.buf.lastIndexOf(10, n - 1)
      if (last === -1) {
        this.carry = this.carry ? Buffer.concat([this.carry, this.buf.subarray(0, n)]) : Buffer.from(this.buf.subarray(0, n))
        if (this.carry.length > MAX_LINE_BYTES) {
          throw new InputError(`line longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`, {file: this.file, line: this.lineNo + 1})
        }
        continue
      }
      const carried = this.carry ? this.carry.length : 0
      const head = this.carry ? Buffer.concat([this.carry, this.buf.subarray(0, last + 1)]) : this.buf.subarray(0, last + 1)
      this.carry = last + 1 < n ? Buffer.from(this.buf.subarray(last + 1, n)) : null
      this.take(head, at - carried)
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
    this.invalid = this.badLines !== null && this.badLines.has(this.lineNo)
    if (this.invalid && this.mode === 'json') {
      throw new InputError(`invalid JSON: invalid UTF-8 at byte offset ${this.badLines!.get(this.lineNo)} (JSON text is UTF-8)`, {
        file: this.file,
        line: this.lineNo,
      })
    }
    return s
  }

  /** Byte offset of the next line to read; -1 when unknown (not seekable, or multi-byte characters in the chunk). */
  nextOffset(): number {
    return this.seekable && this.oneToOne ? this.chunkByte + this.pos : -1
  }

  /** Continues reading at a byte offset (the start of a line) that follows `lineNo` lines. */
  seek(offset: number, lineNo: number): void {
    if (!this.seekable) throw new Error(`${this.file}: seek on an input that only streams`)
    this.readPos = offset
    this.chunk = ''
    this.pos = 0
    this.carry = null
    this.chunkByte = offset
    this.oneToOne = true
    this.started = offset > 0
    this.lineNo = lineNo
  }

  close(): void {
    if (this.input) {
      this.input.close()
      this.input = null
    }
  }
}

/** Yields [lineNumber, text, invalid UTF-8] for each line (1-based), without the line terminator. */
export function* readLines(file: string, opts: LineReaderOptions = {}): Generator<[number, string, boolean]> {
  const r = new LineReader(file, opts)
  try {
    for (;;) {
      const s = r.next()
      if (s === null) return
      yield [r.lineNo, s, r.invalid]
    }
  } finally {
    r.close()
  }
}
