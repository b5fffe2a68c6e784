// Reading contract traces: a streaming record iterator (validated record by record) and a
// loader that keeps the value records of one trace in memory for alignment.
import {LineReader} from './source/lines.js'
import type {FooterRecord, HeaderRecord, TraceRecord, ValueRecord} from './records.js'
import {TraceValidator} from './validate.js'
import {InputError} from '../util/errors.js'

export interface ReadOptions {
  /** do not throw on a missing footer; the loaded trace has footer undefined */
  allowTruncated?: boolean
  skipDuplicateKeys?: boolean
}

export interface LoadedTrace {
  file: string
  header: HeaderRecord
  values: ValueRecord[]
  /** the line number of each value record (same index as values) */
  lines: number[]
  footer: FooterRecord | undefined
  /** set when the trace had no footer (truncated) or an aborted footer */
  truncated?: {afterSeq: number | null; lastName: string | null; reason: string}
}

const BATCH = 4096

/** Validated records of a contract trace, in file order (`-` reads stdin). */
export async function* readRecords(file: string, opts: ReadOptions = {}): AsyncGenerator<{rec: TraceRecord; line: number}> {
  const v = new TraceValidator({file, skipDuplicateKeys: opts.skipDuplicateKeys})
  const r = new LineReader(file)
  try {
    for (;;) {
      // a batch per yield: the caller's await costs once per BATCH lines, not per line
      const out: {rec: TraceRecord; line: number}[] = []
      let end = false
      let error: unknown
      try {
        while (out.length < BATCH) {
          const text = r.next()
          if (text === null) {
            end = true
            break
          }
          if (text.length === 0 || /^\s*$/.test(text)) continue
          out.push({rec: v.line(text, r.lineNo), line: r.lineNo})
        }
      } catch (e) {
        error = e
      }
      // the records before a bad line are still delivered, then its error
      for (const item of out) yield item
      if (error !== undefined) throw error
      if (end) break
    }
  } finally {
    r.close()
  }
  try {
    v.finish()
  } catch (e) {
    if (!(opts.allowTruncated && e instanceof InputError && v.header && !v.footer)) throw e
  }
}

export async function loadTrace(file: string, opts: ReadOptions = {}): Promise<LoadedTrace> {
  let header: HeaderRecord | undefined
  let footer: FooterRecord | undefined
  const values: ValueRecord[] = []
  const lines: number[] = []
  for await (const {rec, line} of readRecords(file, opts)) {
    if (rec.type === 'header') header = rec
    else if (rec.type === 'value') {
      values.push(rec)
      lines.push(line)
    } else footer = rec
  }
  if (!header) throw new InputError('empty trace: expected a header line', {file, line: 1})
  const t: LoadedTrace = {file, header, values, lines, footer}
  const last = values.at(-1)
  if (!footer) t.truncated = {afterSeq: last?.seq ?? null, lastName: last?.name ?? null, reason: 'no footer (truncated)'}
  else if (footer.status === 'aborted') t.truncated = {afterSeq: last?.seq ?? null, lastName: last?.name ?? null, reason: `aborted: ${footer.reason ?? ''}`}
  return t
}
