// Writing contract traces. TraceWriter is a TraceSink: simulators call value() at each trace
// point; records are numbered, encoded exactly and streamed through a temporary file that is
// renamed into place on close (nothing half-written is ever left at the target path).
import {AtomicStream} from '../util/atomic.js'
import {loadCatalogue, LOOP_NAMES} from '../catalogue/catalogue.js'
import {encodeJson, encodeNumber} from './numbers.js'
import type {FooterRecord, HeaderRecord, Loop, TraceRecord, TraceSink, TraceValue, ValueRecord} from './records.js'

/** Text of a loop object with keys in canonical loop order. */
export function encodeLoop(loop: Loop | null): string {
  if (loop === null) return 'null'
  let s = ''
  for (let i = 0; i < LOOP_NAMES.length; i++) {
    const v = loop[LOOP_NAMES[i]]
    if (v !== undefined) s += (s === '' ? '{' : ',') + LOOP_KEYS[i] + v
  }
  return s === '' ? '{}' : s + '}'
}
// `"name":` of each loop axis, made once: the loop object is encoded for every record.
const LOOP_KEYS = LOOP_NAMES.map((k) => JSON.stringify(k) + ':')

// JSON text of each record name seen; a trace has a few dozen names and millions of records.
const nameText = new Map<string, string>()
function encodeName(name: string): string {
  let t = nameText.get(name)
  if (t === undefined) nameText.set(name, (t = JSON.stringify(name)))
  return t
}

export function encodeRecord(r: TraceRecord): string {
  if (r.type === 'value') {
    const v = r.value
    let s = `{"type":"value","seq":${r.seq},"name":${encodeName(r.name)},"loop":${encodeLoop(r.loop)},"value":${typeof v === 'number' ? encodeNumber(v) : encodeJson(v)}`
    if (r.origin) s += `,"origin":${encodeJson(r.origin)}`
    return s + '}'
  }
  return encodeJson(r)
}

/** Collects records in memory (tests, in-process comparison). */
export class MemorySink implements TraceSink {
  readonly values: ValueRecord[] = []
  value(name: string, loop: Loop, value: TraceValue): void {
    this.values.push({type: 'value', seq: this.values.length, name, loop: {...loop}, value: Array.isArray(value) ? [...value] : value})
  }
}

export class TraceWriter implements TraceSink {
  private readonly out: AtomicStream
  private seq = 0
  private readonly known = loadCatalogue().byName
  constructor(
    readonly target: string,
    header: HeaderRecord,
  ) {
    this.out = new AtomicStream(target)
    this.out.write(encodeRecord(header) + '\n')
  }
  value(name: string, loop: Loop, value: TraceValue): void {
    if (!this.known.has(name)) throw new Error(`trace point ${name} is not in the catalogue`)
    this.out.write(encodeRecord({type: 'value', seq: this.seq++, name, loop, value}) + '\n')
  }
  get count(): number {
    return this.seq
  }
  /** Writes the footer and renames the file into place. */
  async close(status: FooterRecord['status'] = 'complete', reason?: string): Promise<void> {
    const f: FooterRecord = {type: 'footer', count: this.seq, status}
    if (reason !== undefined) f.reason = reason
    this.out.write(encodeRecord(f) + '\n')
    await this.out.commit()
  }
  /** Drops the partial file (nothing is left at the target). */
  async abort(): Promise<void> {
    await this.out.abort()
  }
}

/** Writes a complete trace (header, values, footer) atomically. */
export async function writeTrace(target: string, header: HeaderRecord, values: ValueRecord[], footer?: FooterRecord): Promise<void> {
  const out = new AtomicStream(target)
  try {
    out.write(encodeRecord(header) + '\n')
    // waiting for the stream to drain keeps the encoded text of a long trace out of memory
    for (const v of values) if (!out.write(encodeRecord(v) + '\n')) await out.drained()
    out.write(encodeRecord(footer ?? {type: 'footer', count: values.length, status: 'complete'}) + '\n')
    await out.commit()
  } catch (e) {
    await out.abort()
    throw e
  }
}
