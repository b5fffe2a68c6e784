// A contract trace file as a side: read synchronously in large chunks, with no per-line promise
// and no object or string per agreeing record (identical record texts are compared as the
// bytes of the reader's buffer, never decoded, see align/align.ts). The header is validated in full; value records get a light check on the hot
// path (the canonical line prefix, a strictly increasing seq) and the full check of
// TraceValidator when they are parsed (rec()), so the rules live in one place (../validate.ts).
import {InputError} from '../../util/errors.js'
import type {FooterRecord, HeaderRecord} from '../records.js'
import {TraceValidator} from '../validate.js'
import {LineReader} from './lines.js'
import {
  CHECKPOINT_EVERY,
  equalViews,
  NameCache,
  NO_BYTES,
  NO_VIEW,
  VALUE_PREFIX,
  type Checkpoint,
  type Cursor,
  type ParsedRec,
  type Role,
  type Side,
} from './side.js'

const PREFIX = Buffer.from(VALUE_PREFIX)
const PREFIX_VIEW = new DataView(PREFIX.buffer, PREFIX.byteOffset, PREFIX.length)

/** True when bytes[start, end) hold only JSON whitespace (as String.trim() sees it). */
function blank(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const ch = b[i]
    if (ch >= 0x80) return b.toString('utf8', start, end).trim() === ''
    if (ch !== 32 && ch !== 9 && ch !== 13 && ch !== 10 && ch !== 11 && ch !== 12) return false
  }
  return true
}

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
      const names = new NameCache()
      /** the name of the last record, saved before the reader leaves the chunk that holds its bytes */
      let lastName: string | undefined
      let nameSavedFor = -1
      const saveName = (): void => {
        if (nameSavedFor === c.index || c.index < 0) return
        nameSavedFor = c.index
        lastName = c.name()
      }
      const c: Cursor = {
        bytes: NO_BYTES,
        view: NO_VIEW,
        start: 0,
        end: 0,
        rest: -1,
        line: 0,
        index: -1,
        checkpoints: [],
        name(): string | undefined {
          return names.at(c.bytes, c.view, c.start, c.end, c.rest)
        },
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
            // the next line may be read over the current record's bytes
            if (lr.chunkDone) saveName()
            if (!lr.nextLine()) {
              if (!footerSeen) {
                const last = c.index >= 0 ? ` (last record seen: seq ${lastSeq}${c.rest >= 0 ? ` ${lastName ?? ''}` : ''}, line ${c.line})` : ''
                side.truncated = `no footer after ${count} value records${last} (truncated)`
              }
              return false
            }
            const line = lr.lineNo
            if (line <= headerLine) continue
            const b = lr.bytes
            const start = lr.start
            const end = lr.end
            if (end === start) continue
            if (footerSeen) {
              if (blank(b, start, end)) continue
              throw new InputError('expected end of trace after the footer, found another line', {file, line, field: '/type'})
            }
            let rest = -1
            if (end - start > PREFIX.length && equalViews(lr.view, start, PREFIX_VIEW, 0, PREFIX.length)) {
              let j = start + PREFIX.length
              let seq = 0
              let ch = b[j]
              while (ch >= 48 && ch <= 57 && j < end) {
                seq = seq * 10 + (ch - 48)
                ch = b[++j]
              }
              if (j === start + PREFIX.length || j >= end || ch !== 44 || seq <= lastSeq) {
                precise(
                  lr.text(),
                  line,
                  '/seq',
                  `expected seq > ${lastSeq} (strictly increasing), found ${b.toString('utf8', start + PREFIX.length, j) || 'nothing'}`,
                )
              }
              lastSeq = seq
              rest = j - start
            } else {
              if (blank(b, start, end)) continue
              const s = lr.text()
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
            }
            c.bytes = b
            c.view = lr.view
            c.start = start
            c.end = end
            c.rest = rest
            c.line = line
            c.index = count++
            return true
          }
        },
        rec(): ParsedRec {
          const r = check.valueLine(c.bytes.toString('utf8', c.start, c.end), c.line)
          const def = check.defOf(r.name)
          return {name: r.name, def, comp: r.origin?.component, loop: r.loop, value: r.value, line: c.line, index: c.index}
        },
      }
      return c
    },
  }
  return side
}
