// The spill's files: appended to, read back in runs of length-prefixed rows.
import {readSync, writeSync, openSync} from 'node:fs'

/** bytes of a run reader's buffer (grows for a longer row) */
const READ_BUF = 1 << 15

export /** A temporary file written by appending and read back at any offset. */
class TempFile {
  readonly fd: number
  size = 0
  constructor(path: string) {
    this.fd = openSync(path, 'w+', 0o600)
  }
  append(b: Buffer, from: number, to: number): number {
    const at = this.size
    let off = from
    while (off < to) {
      const w = writeSync(this.fd, b, off, to - off, this.size)
      off += w
      this.size += w
    }
    return at
  }
  read(b: Buffer, into: number, len: number, pos: number): void {
    let got = 0
    while (got < len) {
      const r = readSync(this.fd, b, into + got, len - got, pos + got)
      if (r === 0) throw new Error('spill file shorter than written')
      got += r
    }
  }
}

/** Sequential reader of length-prefixed rows in bytes [from, to) of a file. */
export class RunReader {
  private buf = Buffer.allocUnsafe(READ_BUF)
  private lo = 0
  private hi = 0
  private pos: number
  /** the current row: buf[at, at+len) */
  at = 0
  len = 0
  constructor(
    private readonly f: TempFile,
    from: number,
    private readonly to: number,
  ) {
    this.pos = from
  }
  private fill(k: number): void {
    if (this.hi - this.lo >= k) return
    if (k > this.buf.length) {
      const b = Buffer.allocUnsafe(Math.max(k, this.buf.length * 2))
      this.buf.copy(b, 0, this.lo, this.hi)
      this.buf = b
    } else this.buf.copy(this.buf, 0, this.lo, this.hi)
    this.hi -= this.lo
    this.lo = 0
    const want = Math.min(this.buf.length - this.hi, this.to - this.pos)
    this.f.read(this.buf, this.hi, want, this.pos)
    this.pos += want
    this.hi += want
  }
  get data(): Buffer {
    return this.buf
  }
  /** advances to the next row; false at the end of the run */
  next(): boolean {
    this.lo = this.at + this.len
    if (this.lo === this.hi && this.pos >= this.to) return false
    this.fill(4)
    const len = this.buf.readUInt32LE(this.lo)
    this.fill(4 + len)
    this.at = this.lo + 4
    this.len = len
    return true
  }
}
