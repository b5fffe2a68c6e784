// Compact store of pending (out-of-order) records for keyed alignment of contract trace files.
//
// One table per variable and side. A row holds the record's loop coordinates (Uint32, in the
// catalogue's axis order), its numeric value components (Float64; NaN/±Infinity stand for the
// contract's "NaN"/"Infinity"/"-Infinity" strings, so values come back exactly as JSON.parse gave
// them), its ordinal and line number (Uint32). Rows are found through an open-addressing hash of
// the coordinates (linear probing, backward-shift deletion) and chained for duplicate keys (FIFO);
// freed rows are reused. About 60-70 bytes per pending vec3 record instead of ~1.4 KB of objects.
// A record that does not fit (an enum, a component record, a non-finite number, loop keys out of
// canonical order, an ordinal beyond 2^32) keeps its parsed form in a side map, in the same row.
import type {VariableDef} from '../catalogue/catalogue.js'
import type {Loop} from '../trace/records.js'
import type {ParsedRec} from '../trace/source/side.js'

const U32 = 0x100000000

function valueSlots(def: VariableDef): number {
  switch (def.shape) {
    case 'scalar':
    case 'int':
      return 1
    case 'vec3':
    case 'ivec3':
      return 3
    case 'mat3':
      return 9
    default:
      return 0
  }
}

function enc(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined
  if (x === 'NaN') return Number.NaN
  if (x === 'Infinity') return Number.POSITIVE_INFINITY
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY
  return undefined
}

function dec(x: number): number | string {
  if (Number.isFinite(x)) return x
  return x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'
}

export class VarPending {
  readonly axes: readonly string[]
  readonly stride: number
  readonly vlen: number
  private cap = 0
  private coords = new Uint32Array(0)
  private vals = new Float64Array(0)
  private idx = new Uint32Array(0)
  private line = new Uint32Array(0)
  private next = new Int32Array(0)
  private objs: Map<number, ParsedRec> | null = null
  private used = 0
  private free = -1
  private hash = new Int32Array(16).fill(-1)
  private keys = 0
  /** live rows */
  size = 0

  constructor(readonly def: VariableDef) {
    this.axes = def.loop
    this.stride = def.loop.length
    this.vlen = valueSlots(def)
  }

  /** bytes held by the typed arrays (capacity, not use) */
  get bytes(): number {
    return this.coords.byteLength + this.vals.byteLength + this.idx.byteLength + this.line.byteLength + this.next.byteLength + this.hash.byteLength
  }

  private grow(): void {
    const cap = Math.max(64, Math.ceil(this.cap * 1.5))
    const g = <T extends Uint32Array | Float64Array | Int32Array>(a: T, per: number, C: new (n: number) => T): T => {
      const b = new C(cap * per)
      b.set(a)
      return b
    }
    this.coords = g(this.coords, this.stride, Uint32Array)
    this.vals = g(this.vals, this.vlen, Float64Array)
    this.idx = g(this.idx, 1, Uint32Array)
    this.line = g(this.line, 1, Uint32Array)
    this.next = g(this.next, 1, Int32Array)
    this.cap = cap
  }

  private hashOf(c: Uint32Array, at: number): number {
    let h = 0x9e3779b9 | 0
    for (let a = 0; a < this.stride; a++) {
      h = Math.imul(h ^ c[at + a], 0x85ebca6b)
      h ^= h >>> 13
    }
    h = Math.imul(h, 0xc2b2ae35)
    return (h ^ (h >>> 16)) >>> 0
  }

  /** slot of the chain for coordinates `key` (a scratch array of `stride` values), or the empty slot where it would go (negative: -slot-1) */
  private find(key: Uint32Array): number {
    const mask = this.hash.length - 1
    const st = this.stride
    const c = this.coords
    let i = this.hashOf(key, 0) & mask
    for (;;) {
      const row = this.hash[i]
      if (row === -1) return -i - 1
      let eq = true
      const o = row * st
      for (let a = 0; a < st; a++) {
        if (c[o + a] !== key[a]) {
          eq = false
          break
        }
      }
      if (eq) return i
      i = (i + 1) & mask
    }
  }

  private rehash(size: number): void {
    const old = this.hash
    this.hash = new Int32Array(size).fill(-1)
    const mask = size - 1
    for (let j = 0; j < old.length; j++) {
      const row = old[j]
      if (row === -1) continue
      let i = this.hashOf(this.coords, row * this.stride) & mask
      while (this.hash[i] !== -1) i = (i + 1) & mask
      this.hash[i] = row
    }
  }

  private unslot(i: number): void {
    const h = this.hash
    const mask = h.length - 1
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const row = h[j]
      if (row === -1) break
      const k = this.hashOf(this.coords, row * this.stride) & mask
      // move the entry at j back to the hole at i unless its home slot k lies cyclically in (i, j]
      if (i <= j ? k <= i || k > j : k <= i && k > j) {
        h[i] = row
        i = j
      }
    }
    h[i] = -1
    this.keys--
  }

  /** Fills `key` with the coordinates of a loop; false when one does not fit in 32 bits. */
  coordsOf(loop: Loop, key: Uint32Array): boolean {
    const l = loop as Record<string, number>
    for (let a = 0; a < this.stride; a++) {
      const v = l[this.axes[a]]
      if (!(v >= 0 && v < U32)) return false
      key[a] = v
    }
    return true
  }

  /** Stores a record whose coordinates are in `key`. */
  put(key: Uint32Array, r: ParsedRec): void {
    let row: number
    if (this.free !== -1) {
      row = this.free
      this.free = this.next[row]
    } else {
      if (this.used === this.cap) this.grow()
      row = this.used++
    }
    this.size++
    const st = this.stride
    for (let a = 0; a < st; a++) this.coords[row * st + a] = key[a]
    this.next[row] = -1
    if (!this.encode(row, r)) {
      if (!this.objs) this.objs = new Map()
      this.objs.set(row, r)
    }
    const s = this.find(key)
    if (s >= 0) {
      let t = this.hash[s]
      while (this.next[t] !== -1) t = this.next[t]
      this.next[t] = row
      return
    }
    this.hash[-s - 1] = row
    if (++this.keys * 2 > this.hash.length) this.rehash(this.hash.length * 2)
  }

  private encode(row: number, r: ParsedRec): boolean {
    if (r.comp !== undefined || r.index >= U32 || r.line >= U32 || this.vlen === 0) return false
    // loop keys in canonical order (the record comes back with its loop rebuilt)
    let i = 0
    for (const k in r.loop as object) if (k !== this.axes[i++]) return false
    const v = r.value
    const o = row * this.vlen
    if (this.vlen === 1) {
      const x = enc(v)
      if (x === undefined) return false
      this.vals[o] = x
    } else {
      if (!Array.isArray(v) || v.length !== this.vlen) return false
      for (let j = 0; j < this.vlen; j++) {
        const x = enc(v[j])
        if (x === undefined) return false
        this.vals[o + j] = x
      }
    }
    this.idx[row] = r.index
    this.line[row] = r.line
    return true
  }

  /** The record rebuilt from a row. */
  private record(row: number): ParsedRec {
    const obj = this.objs?.get(row)
    if (obj) return obj
    const loop: Record<string, number> = {}
    const st = this.stride
    for (let a = 0; a < st; a++) loop[this.axes[a]] = this.coords[row * st + a]
    const o = row * this.vlen
    let value: unknown
    if (this.def.shape === 'scalar' || this.def.shape === 'int') value = dec(this.vals[o])
    else {
      const arr = new Array<number | string>(this.vlen)
      for (let j = 0; j < this.vlen; j++) arr[j] = dec(this.vals[o + j])
      value = arr
    }
    return {name: this.def.name, def: this.def, comp: undefined, loop: loop as Loop, value, line: this.line[row], index: this.idx[row]}
  }

  private release(row: number): void {
    this.objs?.delete(row)
    this.next[row] = this.free
    this.free = row
    this.size--
  }

  /** Removes and returns the oldest pending record with coordinates `key`. */
  take(key: Uint32Array): ParsedRec | undefined {
    if (this.size === 0) return undefined
    const s = this.find(key)
    if (s < 0) return undefined
    const row = this.hash[s]
    const nx = this.next[row]
    if (nx !== -1) this.hash[s] = nx
    else this.unslot(s)
    const rec = this.record(row)
    this.release(row)
    return rec
  }

  /** Every pending record (order unspecified). */
  *records(): Generator<ParsedRec> {
    for (let s = 0; s < this.hash.length; s++) {
      for (let row = this.hash[s]; row !== -1; row = this.next[row]) yield this.record(row)
    }
  }
}
