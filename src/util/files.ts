// The rules every input and output path obeys, in one place:
//  * an output replaces only a regular file (or is new): never a device, a FIFO, a socket or a
//    folder (`--png /dev/null` must not turn /dev/null into a plain file), and never a file the
//    same command reads (`parity a.bin cand.bin --png cand.bin`, `convert c.log -o c.log`);
//  * an input is read only when it is a regular file whose size is known and under a limit, and
//    that size is checked before any memory is allocated (`--ledger /dev/zero` used to grow to
//    12 GB). Opening uses O_NONBLOCK so that a FIFO is refused instead of blocking forever.
// Every refusal is an InputError (exit 2, one line) raised before any work is done.
import {closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {InputError} from './errors.js'

export function kindOf(st: Stats): string {
  if (st.isFile()) return 'regular file'
  if (st.isDirectory()) return 'directory'
  if (st.isFIFO()) return 'FIFO'
  if (st.isCharacterDevice()) return 'character device'
  if (st.isBlockDevice()) return 'block device'
  if (st.isSocket()) return 'socket'
  return 'special file'
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new InputError(`cannot inspect: ${errnoText(e)}`, {file: path})
  }
}

/** A short reason for an fs error (ENOENT → "no such file", ...), never a stack or a raw errno line. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  switch (err.code) {
    case 'ENOENT':
      return 'no such file'
    case 'EISDIR':
      return 'is a directory'
    case 'ENOTDIR':
      return 'a parent is not a directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'read-only file system'
    case 'ENOSPC':
      return 'no space left on device'
    case 'EEXIST':
      return 'already exists'
    default:
      return (err.message ?? String(e)).split('\n')[0]
  }
}

export interface PathRole {
  path: string
  /** the flag or argument that named it (for the error line) */
  field: string
}

/** An output may be created or may replace a regular file; its folder must exist. */
export function checkReplaceable(path: string, field?: string): void {
  const st = statOrNull(path)
  if (st && !st.isFile()) {
    throw new InputError(`is a ${kindOf(st)}: an output replaces only a regular file (or creates a new one)`, {file: path, field})
  }
  if (!st) {
    const dir = statOrNull(dirname(resolve(path)))
    if (!dir) throw new InputError(`folder ${dirname(resolve(path))} does not exist`, {file: path, field})
    if (!dir.isDirectory()) throw new InputError(`${dirname(resolve(path))} is not a folder`, {file: path, field})
  }
}

/**
 * Checks a command's outputs before it does any work: each replaceable (see checkReplaceable),
 * none the same file as one of its inputs (by device and inode, so links and other spellings
 * count), no two outputs the same file.
 */
export function checkOutputs(outputs: PathRole[], inputs: PathRole[] = []): void {
  const seen = new Map<string, PathRole>()
  for (const i of inputs) {
    const st = statOrNull(i.path)
    if (st) seen.set(`${st.dev}:${st.ino}`, i)
  }
  const byName = new Map<string, PathRole>()
  for (const o of outputs) {
    checkReplaceable(o.path, o.field)
    const st = statOrNull(o.path)
    const clash = st ? seen.get(`${st.dev}:${st.ino}`) : byName.get(resolve(o.path))
    if (clash) {
      const what = inputs.includes(clash)
        ? `is also the input given as ${clash.field}: an output never replaces its own input`
        : `is also the output given as ${clash.field}`
      throw new InputError(what, {file: o.path, field: o.field})
    }
    if (st) seen.set(`${st.dev}:${st.ino}`, o)
    byName.set(resolve(o.path), o)
  }
}

export const MiB = 1024 * 1024

/** Reads a whole regular file of at most maxBytes; anything else is refused before allocating. */
export function readBounded(path: string, o: {maxBytes: number; what: string; field?: string}): Buffer {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (e) {
    throw new InputError(`cannot read ${o.what}: ${errnoText(e)}`, {file: path, field: o.field})
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new InputError(`cannot read ${o.what}: is a ${kindOf(st)}, not a regular file`, {file: path, field: o.field})
    if (st.size > o.maxBytes) {
      throw new InputError(`${o.what} is ${st.size} bytes, over the limit of ${o.maxBytes} bytes (${Math.round(o.maxBytes / MiB)} MiB)`, {
        file: path,
        field: o.field,
      })
    }
    const buf = Buffer.allocUnsafe(st.size)
    let got = 0
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got)
      if (n === 0) break
      got += n
    }
    // a file that grows while read is read as it was when opened; one that shrinks, as it is now
    return got === st.size ? buf : buf.subarray(0, got)
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`cannot read ${o.what}: ${errnoText(e)}`, {file: path, field: o.field})
  } finally {
    closeSync(fd)
  }
}
