// Inputs that can be read only once (stdin `-`, a FIFO, a character device) are copied, as they
// stream, into a private temporary file, so that a side can be read again (compare reads each
// side more than once: header, alignment, evidence). The copy is bounded like every read: a
// line longer than MAX_LINE_BYTES stops it with the reader's own error.
import {closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {InputError} from '../../util/errors.js'
import {checkReadable, openInput} from './input.js'
import {MAX_LINE_BYTES} from './lines.js'

const spooled: string[] = []
let hooked = false

function cleanup(): void {
  for (const d of spooled.splice(0)) rmSync(d, {recursive: true, force: true})
  copies.clear()
}

/** True when `file` can be opened again and read from the start (a regular file). */
export function rereadable(file: string): boolean {
  if (file === '-') return false
  checkReadable(file)
  return statSync(file).isFile()
}

/** Spooled copies by the name they were read from: a read-once input is read once per process. */
const copies = new Map<string, string>()

/**
 * A path that reads like `file` as often as needed: `file` itself, or a spooled copy. Asking
 * again for the same read-once input returns the same copy (compare sniffs a side's format
 * before opening it: a second read of a FIFO would wait for a writer that is gone).
 */
export function reopenable(file: string): string {
  const known = copies.get(file)
  if (known) return known
  if (rereadable(file)) return file
  const dir = mkdtempSync(join(tmpdir(), 'nbtrace-spool-'))
  spooled.push(dir)
  if (!hooked) {
    hooked = true
    process.once('exit', cleanup)
  }
  const path = join(dir, 'input')
  const input = openInput(file)
  const out = openSync(path, 'wx', 0o600)
  const buf = Buffer.allocUnsafe(1 << 20)
  let line = 1
  let run = 0
  try {
    for (;;) {
      const n = input.read(buf, 0, buf.length, 0)
      if (n === 0) break
      // bytes since the last LF: the line-length limit applies while copying (gzip is copied inflated)
      let from = 0
      for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) {
        line++
        from = i + 1
        run = 0
      }
      run += n - from
      if (run > MAX_LINE_BYTES) throw new InputError(`line longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`, {file, line})
      writeSync(out, buf, 0, n)
    }
  } finally {
    closeSync(out)
    input.close()
  }
  copies.set(file, path)
  return path
}
