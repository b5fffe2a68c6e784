// Byte inputs of a trace: a regular file (read at offsets, so a reader can resume at a
// checkpoint), anything else that only streams (stdin as `-`, a FIFO, a character device), and
// gzip over either, inflated as it is read. Everything is synchronous: the alignment loop pulls
// records one at a time and must not pay for a promise per chunk.
import {createHash} from 'node:crypto'
import {closeSync, fstatSync, openSync, readSync, statSync} from 'node:fs'
import {constants as Z, createGunzip} from 'node:zlib'
import {InputError} from '../../util/errors.js'

/** What every input reads through. `position` is ignored by inputs that only stream. */
export interface ByteInput {
  /** the name errors give (the path as the user wrote it) */
  readonly file: string
  /** true when read(…, position) may jump: a regular, uncompressed file */
  readonly seekable: boolean
  readonly gzip: boolean
  /** reads up to `length` bytes into buf at `offset`; 0 at the end */
  read(buf: Buffer, offset: number, length: number, position: number): number
  close(): void
}

const STDIN = '-'

function errnoMessage(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory, expected a file'
    default:
      return `cannot read (${code ?? 'unknown error'})`
  }
}

/** An InputError for a failed system call on `file`. */
export function readError(file: string, e: unknown, line?: number): InputError {
  if (e instanceof InputError) return e
  const code = (e as NodeJS.ErrnoException).code
  return new InputError(code ? errnoMessage(code) : `cannot read: ${(e as Error).message}`, {file, line})
}

/** Throws the one-line error of an input that cannot be opened for reading. */
export function checkReadable(file: string): void {
  if (file === STDIN) return
  let st
  try {
    st = statSync(file)
  } catch (e) {
    throw readError(file, e)
  }
  if (st.isDirectory()) throw new InputError('is a directory, expected a file', {file})
}

function openFd(file: string): number {
  checkReadable(file)
  if (file === STDIN) {
    // a fresh open file description of stdin is blocking even when fd 0 was made non-blocking
    // (and seekable when stdin is a redirected regular file)
    try {
      return openSync('/dev/stdin', 'r')
    } catch {
      return 0
    }
  }
  try {
    return openSync(file, 'r')
  } catch (e) {
    throw readError(file, e)
  }
}

/** Sleeps without a timer (the reader is synchronous): for stdin left non-blocking by a parent. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

class FdInput implements ByteInput {
  readonly gzip = false
  private fd: number
  constructor(
    readonly file: string,
    fd: number,
    readonly seekable: boolean,
  ) {
    this.fd = fd
  }
  read(buf: Buffer, offset: number, length: number, position: number): number {
    if (this.fd < 0) return 0
    for (;;) {
      try {
        return readSync(this.fd, buf, offset, length, this.seekable ? position : null)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          pause(2)
          continue
        }
        if (code === 'EINTR') continue
        throw readError(this.file, e)
      }
    }
  }
  close(): void {
    if (this.fd > 2) closeSync(this.fd)
    this.fd = -1
  }
}

/** Bytes already read from an input (the magic-number peek of a stream), then the input. */
class Prefixed implements ByteInput {
  constructor(
    private readonly inner: ByteInput,
    private head: Buffer | null,
  ) {}
  get file(): string {
    return this.inner.file
  }
  get seekable(): boolean {
    return this.inner.seekable
  }
  get gzip(): boolean {
    return this.inner.gzip
  }
  read(buf: Buffer, offset: number, length: number, position: number): number {
    if (this.head && this.head.length) {
      const n = Math.min(length, this.head.length)
      this.head.copy(buf, offset, 0, n)
      this.head = n < this.head.length ? this.head.subarray(n) : null
      return n
    }
    return this.inner.read(buf, offset, length, position)
  }
  close(): void {
    this.inner.close()
  }
}

/** The zlib binding a gunzip stream drives: the same calls zlib's own *Sync functions make. */
interface ZlibHandle {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void
  onerror: (message: string, errno: number) => void
}

/**
 * Gzip inflated as it is read, synchronously and in bounded memory (one compressed and one
 * inflated chunk). Node has no public synchronous streaming inflate; its gunzip stream's handle
 * does exactly that (zlib's gunzipSync is built on it), so we drive the handle directly.
 * Concatenated gzip members are inflated in turn (zlib's gunzip mode does it).
 */
class GunzipInput implements ByteInput {
  readonly seekable = false
  readonly gzip = true
  private readonly stream = createGunzip()
  private readonly handle: ZlibHandle
  private readonly state: Uint32Array
  private readonly inBuf = Buffer.allocUnsafe(1 << 16)
  private inPos = 0
  private inLen = 0
  private inEnd = false
  private finished = false
  private error: string | null = null
  private rawPos = 0

  constructor(private readonly raw: ByteInput) {
    const s = this.stream as unknown as {_handle?: ZlibHandle; _writeState?: Uint32Array}
    if (!s._handle || typeof s._handle.writeSync !== 'function' || !s._writeState) {
      throw new InputError('cannot read gzip input with this Node.js (no synchronous zlib handle)', {file: raw.file})
    }
    this.handle = s._handle
    this.state = s._writeState
    this.handle.onerror = (message: string) => {
      this.error = message
    }
  }
  get file(): string {
    return this.raw.file
  }

  read(buf: Buffer, offset: number, length: number): number {
    while (!this.finished) {
      if (this.inPos === this.inLen && !this.inEnd) {
        this.inLen = this.raw.read(this.inBuf, 0, this.inBuf.length, this.rawPos)
        this.rawPos += this.inLen
        this.inPos = 0
        if (this.inLen === 0) this.inEnd = true
      }
      const availIn = this.inLen - this.inPos
      this.handle.writeSync(this.inEnd ? Z.Z_FINISH : Z.Z_NO_FLUSH, this.inBuf, this.inPos, availIn, buf, offset, length)
      if (this.error) throw new InputError(`cannot read gzip data: ${this.error}`, {file: this.file})
      const availOut = this.state[0]
      const leftIn = this.state[1]
      this.inPos += availIn - leftIn
      const produced = length - availOut
      // the end, or bytes after the last gzip member that zlib does not take (ignored, as gunzip does)
      if (produced === 0 && (leftIn === availIn || (this.inEnd && leftIn === 0))) this.finished = true
      if (produced > 0) return produced
    }
    return 0
  }
  close(): void {
    this.finished = true
    this.stream.close()
    this.raw.close()
  }
}

/**
 * Opens a trace input: a path, or `-` for stdin. Gzip is recognised by its magic bytes, on
 * streams too (the peeked bytes are handed back to the reader).
 */
export function openInput(path: string, name: string = path): ByteInput {
  let fd: number
  try {
    fd = openFd(path)
  } catch (e) {
    throw e instanceof InputError && e.file === path ? new InputError(e.message, {file: name}) : e
  }
  const file = name
  let seekable = false
  try {
    seekable = fstatSync(fd).isFile()
  } catch {
    seekable = false
  }
  const raw = new FdInput(file, fd, seekable)
  const magic = Buffer.alloc(2)
  let got = 0
  try {
    while (got < 2) {
      const n = raw.read(magic, got, 2 - got, got)
      if (n === 0) break
      got += n
    }
  } catch (e) {
    raw.close()
    throw e
  }
  const isGzip = got === 2 && magic[0] === 0x1f && magic[1] === 0x8b
  const base: ByteInput = seekable ? raw : new Prefixed(raw, magic.subarray(0, got))
  return isGzip ? new GunzipInput(base) : base
}

/** SHA-256 (hex) of a file's bytes as stored (compressed when it is gzip), read in chunks. */
export function hashFile(path: string, name: string = path): string {
  const h = createHash('sha256')
  const fd = openFd(path)
  const raw = new FdInput(name, fd, false)
  const buf = Buffer.allocUnsafe(1 << 20)
  try {
    for (let n = raw.read(buf, 0, buf.length, 0); n > 0; n = raw.read(buf, 0, buf.length, 0)) h.update(buf.subarray(0, n))
  } finally {
    raw.close()
  }
  return h.digest('hex')
}
