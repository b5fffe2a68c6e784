// Record-by-record validation of a trace stream: JSON Schema first, then the rules a schema
// cannot say (header first, strictly increasing seq, catalogue names/shapes/loop scopes, footer
// count, nothing after the footer, duplicate object keys).
import {loadCatalogue, LOOP_SET, type VariableDef} from '../catalogue/catalogue.js'
import {InputError} from '../util/errors.js'
import {configHash} from './header.js'
import {decodeNumber} from './numbers.js'
import type {FooterRecord, HeaderRecord, TraceRecord, ValueRecord} from './records.js'
import {explainAjvError, validatorFor} from './schema.js'

/** Finds a repeated key in any object of a JSON text (JSON.parse silently keeps the last one). */
export function findDuplicateKey(text: string): string | undefined {
  const stack: Set<string>[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 0x7b /* { */) {
      stack.push(new Set())
      i++
    } else if (c === 0x7d /* } */) {
      stack.pop()
      i++
    } else if (c === 0x22 /* " */) {
      let j = i + 1
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === 0x5c) j += 2
        else if (d === 0x22) break
        else j++
      }
      let str = text.slice(i + 1, j)
      // a key spelled with escapes ("na\u006de") is the same key as its decoded text
      if (str.includes('\\')) {
        try {
          str = JSON.parse(text.slice(i, j + 1)) as string
        } catch {
          /* not a valid string: JSON.parse of the line reports it */
        }
      }
      let k = j + 1
      while (k < n && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09)) k++
      if (k < n && text.charCodeAt(k) === 0x3a /* : */ && stack.length) {
        const keys = stack[stack.length - 1]
        if (keys.has(str)) return str
        keys.add(str)
      }
      i = j + 1
    } else i++
  }
  return undefined
}

/** Deepest nesting of arrays/objects allowed in a record (a trace needs 3: header objects). */
export const MAX_DEPTH = 32

/** Nesting depth of a JSON text (brackets outside strings), scanning no further than needed. */
function depthOver(text: string, limit: number): boolean {
  let depth = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/** More than `k` occurrences of a character (the cheap pre-check of the depth scan). */
function moreThan(text: string, ch: string, k: number): boolean {
  let i = -1
  for (let n = 0; n <= k; n++) {
    i = text.indexOf(ch, i + 1)
    if (i === -1) return false
  }
  return true
}

/** A number slot that JSON.parse turned into ±Infinity: a literal such as 1e400 that overflows a double. */
function overflowed(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v)
  if (Array.isArray(v)) return v.some((x) => typeof x === 'number' && !Number.isFinite(x))
  return false
}

/** Turns the "NaN"/"Infinity"/"-Infinity" strings of a numeric value into doubles. */
export function decodeValueInPlace(r: ValueRecord): void {
  const v = r.value
  if (typeof v === 'string') r.value = decodeNumber(v) ?? v
  else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') v[i] = decodeNumber(v[i]) as number
  }
}

/** Number of object keys in a parsed JSON value (all depths). */
function countKeys(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0
  let n = 0
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === 'object') n += countKeys(x)
    return n
  }
  for (const k in v as Record<string, unknown>) {
    n++
    const x = (v as Record<string, unknown>)[k]
    if (x !== null && typeof x === 'object') n += countKeys(x)
  }
  return n
}

/** Occurrences of `":` in a JSON text: an upper bound of its keys (equal unless a string holds `":`). */
function countKeyMarks(text: string): number {
  let n = 0
  let i = text.indexOf('":')
  while (i !== -1) {
    n++
    i = text.indexOf('":', i + 2)
  }
  return n
}

const VALUE_KEYS = new Set(['type', 'seq', 'name', 'loop', 'value', 'origin'])
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/** The value-record schema, hand-written for the hot path; anything unusual goes to ajv for its message. */
function fastValueShapeOk(r: ValueRecord): boolean {
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq) || r.seq < 0) return false
  if (typeof r.name !== 'string' || !NAME_RE.test(r.name)) return false
  if (r.value === undefined || r.origin !== undefined) return false
  for (const k in r) if (!VALUE_KEYS.has(k)) return false
  const loop = r.loop as Record<string, unknown> | null | undefined
  if (loop === undefined) return false
  if (loop !== null) {
    if (typeof loop !== 'object' || Array.isArray(loop)) return false
    for (const k in loop) {
      const x = loop[k]
      if (!LOOP_SET.has(k) || typeof x !== 'number' || !Number.isInteger(x) || x < 0) return false
    }
  }
  return true
}

/** What a value of this catalogue shape must be, or undefined when it is one. */
export function shapeOk(def: VariableDef, v: unknown): string | undefined {
  const isNum = (x: unknown): boolean => decodeNumber(x) !== undefined
  switch (def.shape) {
    case 'scalar':
      return isNum(v) ? undefined : 'a number'
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? undefined : 'an integer'
    case 'vec3':
      return Array.isArray(v) && v.length === 3 && v.every(isNum) ? undefined : 'a vec3 [x, y, z]'
    case 'ivec3':
      return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isInteger(x)) ? undefined : 'an integer vec3'
    case 'mat3':
      return Array.isArray(v) && v.length === 9 && v.every(isNum) ? undefined : 'a 3x3 matrix of 9 numbers (row-major)'
    case 'enum':
      return typeof v === 'string' && (!def.enum || def.enum.includes(v)) ? undefined : `one of ${JSON.stringify(def.enum)}`
  }
}

function found(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`
  return JSON.stringify(v)
}

export interface ValidatorOptions {
  file: string
  /** skip the duplicate-key scan (it is the costliest check) */
  skipDuplicateKeys?: boolean
}

/**
 * Stateful validator: feed it each line (text and parsed value) in order; it throws an
 * InputError naming file, line and JSON pointer at the first problem. finish() checks the end.
 */
export class TraceValidator {
  private readonly cat = loadCatalogue()
  private readonly vHeader = validatorFor('trace.schema.json#/$defs/header')
  private readonly vValue = validatorFor('trace.schema.json#/$defs/value')
  private readonly vFooter = validatorFor('trace.schema.json#/$defs/footer')
  header: HeaderRecord | undefined
  footer: FooterRecord | undefined
  values = 0
  private lastSeq = -1
  private lastLine = 0
  lastValue: ValueRecord | undefined

  constructor(private readonly opts: ValidatorOptions) {}

  private fail(line: number, field: string | undefined, message: string): never {
    throw new InputError(message, {file: this.opts.file, line, field})
  }

  /** Parses one line: a JSON object without duplicate keys. */
  private parse(text: string, line: number): Record<string, unknown> {
    this.lastLine = line
    if ((moreThan(text, '[', MAX_DEPTH) || moreThan(text, '{', MAX_DEPTH)) && depthOver(text, MAX_DEPTH)) {
      this.fail(line, undefined, `invalid record: arrays/objects nested deeper than ${MAX_DEPTH} levels`)
    }
    let obj: unknown
    try {
      obj = JSON.parse(text)
    } catch (e) {
      const bare = /(^|[^"\w])(-?Infinity|NaN)([^"\w]|$)/.test(text)
      const why = (e as Error).message.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      this.fail(line, undefined, bare ? 'invalid JSON: bare NaN/Infinity token (write "NaN", "Infinity", "-Infinity" as strings)' : `invalid JSON: ${why}`)
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) this.fail(line, '/', `expected a JSON object, found ${found(obj)}`)
    if (!this.opts.skipDuplicateKeys && countKeys(obj) !== countKeyMarks(text)) {
      const dup = findDuplicateKey(text)
      if (dup !== undefined) this.fail(line, `/${dup}`, `duplicate key "${dup}"`)
    }
    return obj as Record<string, unknown>
  }

  /** Parses and validates one line; returns the record. */
  line(text: string, line: number): TraceRecord {
    const obj = this.parse(text, line)
    const rec = obj as {type?: unknown}
    if (this.footer) this.fail(line, '/type', `expected end of trace after the footer, found a ${String(rec.type)} record`)
    switch (rec.type) {
      case 'header':
        return this.onHeader(obj, line)
      case 'value':
        return this.onValue(obj as unknown as ValueRecord, line)
      case 'footer':
        return this.onFooter(obj as unknown as FooterRecord, line)
      default:
        this.fail(line, '/type', `expected "header", "value" or "footer", found ${found(rec.type)}`)
    }
  }

  /**
   * Parses and checks one value line whose place in the stream (seq order, footer) the caller
   * has checked already: the contract-file side's cursor, which reads most lines without parsing.
   */
  valueLine(text: string, line: number): ValueRecord {
    const obj = this.parse(text, line)
    if (obj.type !== 'value') this.fail(line, '/type', `expected "value", found ${found(obj.type)}`)
    // values stay as written ("NaN" strings included): the comparison decodes them itself
    return this.checkValue(obj as unknown as ValueRecord, line, undefined, false)
  }

  /** The catalogue entry of a name valueLine() accepted. */
  defOf(name: string): VariableDef {
    return this.cat.byName.get(name)!
  }

  /** Checks a footer against the number of value records the caller has counted. */
  footerLine(text: string, line: number, values: number): FooterRecord {
    const obj = this.parse(text, line)
    if (obj.type !== 'footer') this.fail(line, '/type', `expected "value" or "footer", found ${found(obj.type)}`)
    this.values = values
    return this.onFooter(obj as unknown as FooterRecord, line)
  }

  private schemaCheck(v: ReturnType<typeof validatorFor>, obj: unknown, line: number): void {
    if (v(obj)) return
    const e = v.errors![0]
    const {pointer, message} = explainAjvError(e, obj)
    this.fail(line, pointer, message)
  }

  private onHeader(obj: unknown, line: number): HeaderRecord {
    if (this.header) this.fail(line, '/type', 'expected one header, found a second header')
    if (line !== 1 || this.values > 0) this.fail(line, '/type', 'expected the header on the first line')
    const o = obj as Record<string, unknown>
    if (Array.isArray(o.pixel)) this.fail(line, '/pixel', `expected {"slow": S, "fast": F}, found a bare array ${JSON.stringify(o.pixel)}`)
    this.schemaCheck(this.vHeader, obj, line)
    const h = obj as HeaderRecord
    for (const k of ['slow', 'fast'] as const) {
      const x = h.pixel?.[k]
      if (x !== undefined && !Number.isSafeInteger(x))
        this.fail(
          line,
          `/pixel/${k}`,
          `expected a pixel index (an integer below 2^53), found ${x === Infinity ? 'a number literal that overflows a double' : String(x)}`,
        )
    }
    if (h.config !== null && h.configHash !== null && typeof h.configHash === 'string') {
      const want = configHash(h.config)
      if (want !== h.configHash) this.fail(line, '/configHash', `expected ${want} (SHA-256 of the canonical config), found ${h.configHash}`)
    }
    this.header = obj as HeaderRecord
    return this.header
  }

  private onValue(r: ValueRecord, line: number): ValueRecord {
    this.checkValue(r, line, () => {
      if (r.seq <= this.lastSeq) this.fail(line, '/seq', `expected seq > ${this.lastSeq} (strictly increasing), found ${r.seq}`)
      this.lastSeq = r.seq
    })
    this.values++
    this.lastValue = r
    return r
  }

  /** Everything a value record must be on its own: schema, catalogue name, shape, loop scope. */
  private checkValue(r: ValueRecord, line: number, afterSchema?: () => void, decode = true): ValueRecord {
    if (!this.header) this.fail(line, '/type', 'expected a header before the first value record, found a value record')
    if (overflowed(r.value))
      this.fail(
        line,
        '/value',
        'expected a finite number (non-finite values are the strings "NaN", "Infinity", "-Infinity"), found a number literal that overflows a double',
      )
    const def0 = typeof r.name === 'string' ? this.cat.byName.get(r.name) : undefined
    if (def0 && r.value !== undefined && r.origin === undefined) {
      const bad = shapeOk(def0, r.value)
      if (bad) this.fail(line, '/value', `expected ${bad} for ${r.name} (${def0.shape}), found ${found(r.value)}`)
    }
    if (!fastValueShapeOk(r)) {
      this.schemaCheck(this.vValue, r, line)
      // JSON Schema's "integer" admits Infinity (1e400 parses to it): an index is a safe integer
      if (r.loop)
        for (const [k, x] of Object.entries(r.loop))
          if (!Number.isSafeInteger(x))
            this.fail(
              line,
              `/loop/${k}`,
              `expected a loop index (an integer below 2^53), found ${x === Infinity ? 'a number literal that overflows a double' : String(x)}`,
            )
    }
    afterSchema?.()
    const def = this.cat.byName.get(r.name)
    if (!def) this.fail(line, '/name', `expected a catalogue variable name, found unknown name ${JSON.stringify(r.name)}`)
    const legacy = this.header.format === 'legacy'
    if (r.origin?.component !== undefined) {
      if (!legacy) this.fail(line, '/origin/component', 'expected whole values (components are only allowed in legacy traces)')
      if (decodeNumber(r.value) === undefined) this.fail(line, '/value', `expected a number for one component of ${r.name}, found ${found(r.value)}`)
    } else {
      const bad = shapeOk(def, r.value)
      if (bad) this.fail(line, '/value', `expected ${bad} for ${r.name} (${def.shape}), found ${found(r.value)}`)
    }
    if (r.loop !== null) {
      const keys = Object.keys(r.loop)
      const want = def.loop
      const ok = legacy ? keys.every((k) => (want as string[]).includes(k)) : keys.length === want.length && want.every((k) => k in r.loop!)
      if (!ok) this.fail(line, '/loop', `expected loop keys {${want.join(', ')}} for ${r.name}, found {${keys.join(', ')}}`)
    } else if (!legacy) {
      this.fail(line, '/loop', 'expected loop coordinates (null is only allowed in legacy traces), found null')
    }
    if (decode && def.shape !== 'enum') decodeValueInPlace(r)
    return r
  }

  private onFooter(r: FooterRecord, line: number): FooterRecord {
    if (!this.header) this.fail(line, '/type', 'expected a header before the footer, found a footer')
    this.schemaCheck(this.vFooter, r, line)
    if (r.count !== this.values) this.fail(line, '/count', `expected count ${this.values} (value records seen), found ${r.count}`)
    this.footer = r
    return r
  }

  /** Checks the end of the stream: a trace without a footer is truncated. */
  finish(): void {
    if (!this.header) this.fail(Math.max(1, this.lastLine), undefined, this.lastLine === 0 ? 'empty trace: expected a header line' : 'expected a header')
    if (!this.footer) {
      const last = this.lastValue ? `; last record seen: seq ${this.lastValue.seq} ${this.lastValue.name}` : ''
      this.fail(this.lastLine + 1, undefined, `truncated trace: no footer after ${this.values} value records${last}`)
    }
  }
}
