// The one line reader of nbtrace: synchronous, in large chunks of bytes, in bounded memory,
// over any input (regular file, stdin `-`, FIFO, gzip inflated as it streams). Lines are found
// as byte ranges (LF bytes), so a multi-byte character is never cut by a chunk boundary and a
// caller that only compares or scans bytes (the alignment of two contract traces, whose agreeing
// records are identical text) never makes a string of them: nextLine() gives the range, next()
// decodes it. Each chunk is checked to be valid UTF-8 before its lines are used (invalid bytes are
// refused, never turned into U+FFFD). A UTF-8 byte-order mark at the start is accepted and
// skipped; CRLF is read as LF.
import {isUtf8} from 'node:buffer'
import {InputError} from '../../util/errors.js'
import {openInput, readError, type ByteInput} from './input.js'

export {checkReadable} from './input.js'

export const MAX_LINE_BYTES = 4 * 1024 * 1024
const CHUNK = 1 << 20
/** no bytes: the line of a reader (or cursor) before its first line */
export const NO_BYTES = Buffer.alloc(0)
/** a view of NO_BYTES */
export const NO_VIEW = new DataView(NO_BYTES.buffer, NO_BYTES.byteOffset, 0)

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

/** Reads the lines of one input in order; `nextLine()` finds each as bytes, `next()` as text. */
export class LineReader {
  private input: ByteInput | null
  private buf: Buffer
  /** the lines being read: whole lines, the last one ending in LF (or the input's end) */
  private chunk: Buffer = NO_BYTES
  private chunkView: DataView = NO_VIEW
  private pos = 0
  /** the partial line after the last LF of the last read: buf[tailAt, tailAt + tailLen) */
  private tailAt = 0
  private tailLen = 0
  private eof = false
  /** bytes of the input read into buf so far */
  private readPos = 0
  /** byte offset in the input of chunk[0] */
  private chunkByte = 0
  private started = false
  /** line numbers of the current chunk that hold invalid UTF-8, with the offset of the bad byte */
  private badLines: Map<number, number> | null = null
  lineNo = 0
  /** the line just read held invalid UTF-8 ('mark' mode) */
  invalid = false
  /**
   * The line just read is bytes[start, end), without its terminator. The bytes are the reader's
   * own buffer: valid until the next call, so a caller that keeps a line copies or decodes it.
   */
  bytes: Buffer = NO_BYTES
  /** `bytes` as a DataView (made once per chunk): equal lines are compared four bytes at a time */
  view: DataView = NO_VIEW
  start = 0
  end = 0

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

  /** Makes `bytes` (whole lines, read from input offset `at`) the chunk to read lines from. */
  private take(bytes: Buffer, at: number): void {
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
    this.chunk = bytes
    this.chunkView = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
    this.chunkByte = at
    this.pos = 0
    if (!this.started) {
      this.started = true
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.pos = 3
    }
  }

  private read(into: number, at: number): number {
    try {
      return this.input ? this.input.read(this.buf, into, this.buf.length - into, at) : 0
    } catch (e) {
      throw readError(this.file, e, this.lineNo + 1)
    }
  }

  private fill(): boolean {
    while (!this.eof) {
      // the partial line left at the end of the last read moves to the front of the buffer and
      // the read continues after it: no chunk is copied whole to join a line cut in two
      const keep = this.tailLen
      if (keep > 0 && this.tailAt > 0) this.buf.copyWithin(0, this.tailAt, this.tailAt + keep)
      this.tailAt = 0
      if (keep === this.buf.length) {
        // a line longer than the buffer (never past the cap: the partial line is checked below)
        const bigger = Buffer.allocUnsafe(Math.min(2 * this.buf.length, MAX_LINE_BYTES + 2))
        this.buf.copy(bigger, 0, 0, keep)
        this.buf = bigger
      }
      const at = this.readPos
      const n = this.read(keep, at)
      this.readPos += n
      const filled = keep + n
      if (n === 0) {
        this.eof = true
        this.close()
        this.tailLen = 0
        if (keep > 0) {
          // the last line, without a terminator
          this.take(this.buf.subarray(0, keep), at - keep)
          return true
        }
        return false
      }
      const last = this.buf.lastIndexOf(10, filled - 1)
      if (last < keep) {
        // no line ends in what was read: keep reading (the partial line grows)
        this.tailLen = filled
        if (filled > MAX_LINE_BYTES) {
          throw new InputError(`line longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`, {file: this.file, line: this.lineNo + 1})
        }
        continue
      }
      this.tailAt = last + 1
      this.tailLen = filled - (last + 1)
      this.take(this.buf.subarray(0, last + 1), at - keep)
      return true
    }
    return false
  }

  /** True when the lines read so far used up the chunk: the next nextLine() reads over `bytes`. */
  get chunkDone(): boolean {
    return this.pos >= this.chunk.length
  }

  /** Finds the next line (bytes, start, end); false at the end of the input. */
  nextLine(): boolean {
    let chunk = this.chunk
    if (this.pos >= chunk.length) {
      if (!this.fill()) return false
      chunk = this.chunk
    }
    let nl = chunk.indexOf(10, this.pos)
    // only the input's last line can lack its LF
    if (nl === -1) nl = chunk.length
    let end = nl
    if (end > this.pos && chunk[end - 1] === 13) end--
    this.bytes = chunk
    this.view = this.chunkView
    this.start = this.pos
    this.end = end
    this.pos = nl + 1
    this.lineNo++
    this.invalid = this.badLines !== null && this.badLines.has(this.lineNo)
    if (this.invalid && this.mode === 'json') {
      throw new InputError(`invalid JSON: invalid UTF-8 at byte offset ${this.badLines!.get(this.lineNo)} (JSON text is UTF-8)`, {
        file: this.file,
        line: this.lineNo,
      })
    }
    return true
  }

  /** The line just found by nextLine(), as text. */
  text(): string {
    return this.bytes.toString('utf8', this.start, this.end)
  }

  /** The next line without its terminator, or null at the end. */
  next(): string | null {
    return this.nextLine() ? this.text() : null
  }

  /** Byte offset of the next line to read; -1 when the input only streams. */
  nextOffset(): number {
    return this.seekable ? this.chunkByte + this.pos : -1
  }

  /** Continues reading at a byte offset (the start of a line) that follows `lineNo` lines. */
  seek(offset: number, lineNo: number): void {
    if (!this.seekable) throw new Error(`${this.file}: seek on an input that only streams`)
    this.readPos = offset
    this.chunk = NO_BYTES
    this.pos = 0
    this.tailAt = 0
    this.tailLen = 0
    this.chunkByte = offset
    this.started = offset > 0
    this.eof = false
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
