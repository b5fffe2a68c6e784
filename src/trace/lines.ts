// Streaming line reader: bounded memory, plain or gzip (detected by magic bytes), CRLF tolerated.
import {createReadStream, openSync, readSync, closeSync, statSync} from 'node:fs'
import {createGunzip} from 'node:zlib'
import {InputError} from '../util/errors.js'

export const MAX_LINE_BYTES = 4 * 1024 * 1024

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const b = Buffer.alloc(2)
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b
  } finally {
    closeSync(fd)
  }
}

export function checkReadable(path: string): void {
  let st
  try {
    st = statSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, {file: path})
  }
  if (st.isDirectory()) throw new InputError('is a directory, expected a file', {file: path})
}

/** Yields batches of lines (one batch per read chunk): firstLine is the 1-based number of texts[0]. */
export async function* readLineBatches(path: string): AsyncGenerator<{firstLine: number; texts: string[]}> {
  checkReadable(path)
  let stream: NodeJS.ReadableStream = createReadStream(path, {highWaterMark: 1 << 20})
  if (isGzip(path)) stream = stream.pipe(createGunzip())
  let rest = ''
  let n = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + chunk.toString('utf8')
      const parts = text.split('\n')
      rest = parts.pop()!
      if (rest.length > MAX_LINE_BYTES) {
        throw new InputError(`line longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`, {file: path, line: n + parts.length + 1})
      }
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i]
        if (p.length > 0 && p.charCodeAt(p.length - 1) === 13) parts[i] = p.slice(0, -1)
      }
      if (parts.length) {
        yield {firstLine: n + 1, texts: parts}
        n += parts.length
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`cannot read: ${(e as Error).message}`, {file: path, line: n + 1})
  }
  if (rest.length > 0) {
    if (rest.endsWith('\r')) rest = rest.slice(0, -1)
    yield {firstLine: n + 1, texts: [rest]}
  }
}

/** Yields [lineNumber, text] for each line (1-based), without the line terminator. */
export async function* readLines(path: string): AsyncGenerator<[number, string]> {
  for await (const {firstLine, texts} of readLineBatches(path)) {
    for (let i = 0; i < texts.length; i++) yield [firstLine + i, texts[i]]
  }
}
