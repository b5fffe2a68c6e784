// A contract trace file as a side: read synchronously in large chunks, with no per-line promise
// and no object per agreeing record (identical record texts are compared as text, see
// align/align.ts). The header is validated in full; value records get a light check on the hot
// path (the canonical line prefix, a strictly increasing seq) and the full check of
// TraceValidator when they are parsed (rec()), so the rules live in one place (../validate.ts).
import {InputError} from '../../util/errors.js'
import type {FooterRecord, HeaderRecord} from '../records.js'
import {TraceValidator} from '../validate.js'
import {LineReader} from './lines.js'
import {CHECKPOINT_EVERY, nameAt, VALUE_PREFIX, type Checkpoint, type Cursor, type ParsedRec, type Role, type Side} from './side.js'

/** The header line of a contract trace (the first non-blank line), validated. */
function readHeader(path: string, file: string): {header: HeaderRecord; text: string; line: number} {
  const r = new LineReader(path, {chunkBytes: 1 << 16, name: file})
  let text: string | null = null
  let line = 0
  try {
    for (;;) {
      const s = r.next()
      if (s === null) break
      if (s.trim() === '') continue
      text = s
      line = r.lineNo
      break
    }
  } finally {
    r.close()
  }
  if (text === null) throw new InputError('empty trace: expected a header line', {file, line: 1})
  const rec = new TraceValidator({file}).line(text, line)
  if (rec.type !== 'header') throw new InputError('expected a header on the first line', {file, line, field: '/type'})
  return {header: rec, text, line}
}

/** A contract trace at `path` (a file that can be read again), named `file` in messages. */
export function contractSide(role: Role, path: string, file: string = path): Side {
  const {header, text: headerText, line: headerLine} = readHeader(path, file)
  /** a validator that has seen the header: the full check of one line */
  const validator = (): TraceValidator => {
    const v = new TraceValidator({file})
    v.line(headerText, headerLine)
    return v
  }
  const side: Side = {
    role,
    file,
    header,
    format: header.format,
    footer: undefined,
    memory: null,
    open(from?: Checkpoint): Cursor {
      const lr = new LineReader(path, {name: file})
      const check = validator()
      let lastSeq = -1
      let count = 0
      let footerSeen = false
      if (from) {
        lr.seek(from.offset, from.line)
        lastSeq = from.lastSeq
        count = from.index
      }
      let nextCheckpoint = count
      /** the validator's own message for a bad line when it has one, else `message` */
      const precise = (text: string, line: number, field: string | undefined, message: string): never => {
        validator().line(text, line)
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
                const f: FooterRecord = check.footerLine(s, line, count)
                side.footer = f
                if (f.status === 'aborted') side.truncated = `aborted: ${f.reason ?? ''}`
                footerSeen = true
                continue
              }
              if (o!.type !== 'value') precise(s, line, '/type', `expected "value" or "footer", found ${JSON.stringify(o!.type)}`)
              const seq = (o! as {seq?: unknown}).seq
              if (typeof seq !== 'number' || seq <= lastSeq)
                precise(s, line, '/seq', `expected seq > ${lastSeq} (strictly increasing), found ${JSON.stringify(seq)}`)
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
          const r = check.valueLine(c.text, c.line)
          const def = check.defOf(r.name)
          return {name: r.name, def, comp: r.origin?.component, loop: r.loop, value: r.value, line: c.line, index: c.index}
        },
      }
      return c
    },
  }
  return side
}
