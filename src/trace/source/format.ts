// Which kind of trace a file holds: a contract trace (its first non-blank line is a JSON
// header) or a legacy log (anything else: TRACE_C/TRACE_PY lines, free-form port logs).
import {LineReader} from './lines.js'

export type Format = 'nbtrace' | 'legacy'

export function detectFormat(path: string, name: string = path): Format {
  const r = new LineReader(path, {chunkBytes: 1 << 16, name, invalidUtf8: 'mark'})
  try {
    for (;;) {
      const s = r.next()
      if (s === null) return 'legacy'
      if (!s.trim()) continue
      return s.trimStart().startsWith('{') ? 'nbtrace' : 'legacy'
    }
  } finally {
    r.close()
  }
}
