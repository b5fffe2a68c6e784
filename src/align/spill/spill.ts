// Pending records beyond a memory budget, on disk (keyed alignment of two contract files).
//
// Why: two files in different orders (a candidate written variable by variable against a
// reference in loop order) leave up to half the records pending at once; the compact tables
// (pending.ts) hold them at ~70-110 B each, so memory grew with the trace (+57 MiB per million
// records). Once the tables pass the budget, alignment goes on with no pending state in memory:
//
// 1. Spill. The pending rows and every record that would have gone through the pending tables
//    from then on are written, encoded compactly (ordinal, line, name, loop, value), to one of P
//    partitions chosen by a hash of the matching key (name and loop coordinates), so that all
//    the records of a key, on both sides, are in one partition. Pairs of records whose keys meet
//    in the lockstep (no pending involved) are written to a stream of their own.
// 2. Replay, partition by partition (one partition in memory at a time): the records in the
//    order the lockstep met them, each matched with the oldest pending partner of its key (FIFO,
//    as the tables do) or made pending. Out come, in that order, the events (a record made
//    pending, a match with both records) and, per side, the records left unmatched in trace order.
// 3. Merge. The partitions' event runs and the pair stream are merged by the time the lockstep
//    would have met them, so the comparison sees every pair in exactly the order, with exactly
//    the values, of the in-memory path (divergences are kept in detection order, the first
//    details per variable, the near-tolerance keys up to their cap), and the pending count
//    follows the same curve (maxPending). The unmatched records are merged in trace order.
//
// The lockstep reads one record of each side per step and the two files' ordinals count the
// steps, so a record's time is 2·ordinal (+1 for the candidate): no clock is stored.
//
// The temporary files live in a private folder of os.tmpdir() and are unlinked as soon as they
// are open: the kernel frees them when the process ends however it ends (an error, SIGINT,
// SIGKILL), and a signal keeps its default action (no handler delays it, see util/cleanup.ts).
// Where an open file cannot be unlinked (Windows), they are removed at dispose() or at exit.
import {closeSync, mkdtempSync, rmSync, unlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {VariableDef} from '../../catalogue/catalogue.js'
import type {Loop} from '../../trace/records.js'
import type {ParsedRec} from '../../trace/source/side.js'
import {onCleanup} from '../../util/cleanup.js'
import {loopKey, type LoopKey} from '../keys.js'
import {Enc} from './encoder.js'
import {Heap} from './heap.js'
import {mixKey, tableKey} from './partition-key.js'
import {RunReader, TempFile} from './temp-file.js'

const U32 = 0x100000000
/** bytes a partition's writer buffers before writing a block */
const BLOCK = 1 << 15

const F_CAND = 1
const F_PRE = 2
const E_PEND = 1
const E_MATCH = 2
const E_PAIR = 3

export interface ReplaySink {
  /** a matched pair (or a pair met in the lockstep), in the in-memory path's detection order */
  compare(r: ParsedRec, c: ParsedRec): void
}

export class Spill {
  private readonly dir: string
  private readonly files: TempFile[] = []
  private readonly paths: string[] = []
  private undo: (() => void) | null = null
  private readonly rows: TempFile
  private readonly events: TempFile
  private readonly pairs: TempFile
  private readonly left: {ref: TempFile; cand: TempFile}
  /** per partition: its blocks in the rows file, [offset, length] pairs, and the bytes buffered */
  private readonly blocks: number[][]
  private readonly pbuf: Buffer[]
  private readonly plen: Int32Array
  private readonly enc = new Enc()
  private readonly defs: {name: string; def: VariableDef}[] = []
  /** per name id: its table group (the first id of that name: the tables go by name) */
  private readonly tableGroup: number[] = []
  /** object-map groups by name[comp] (numbered after the table groups' range) */
  private readonly mapGroups = new Map<string, number>()
  /** the group of the last key() */
  private group = 0
  private readonly defId = new Map<VariableDef, Map<string, number>>()
  private readonly comps: string[] = []
  private readonly axes: string[] = []
  private readonly pairBuf = new Enc()
  /** runs of the events and leftover files, per partition: [from, to) */
  private readonly eventRuns: [number, number][] = []
  private readonly leftRuns: {ref: [number, number][]; cand: [number, number][]} = {ref: [], cand: []}
  /** records written (spilled rows, pairs) */
  spilled = 0

  /** `parts`: the number of partitions (a replayed partition must fit the budget). */
  constructor(readonly parts: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'nbtrace-pending-'))
    const open = (name: string): TempFile => {
      const p = join(this.dir, name)
      const f = new TempFile(p)
      this.files.push(f)
      this.paths.push(p)
      return f
    }
    try {
      this.rows = open('rows')
      this.events = open('events')
      this.pairs = open('pairs')
      this.left = {ref: open('only-ref'), cand: open('only-cand')}
    } catch (e) {
      this.dispose()
      throw e
    }
    let unlinked = true
    for (const p of this.paths) {
      try {
        unlinkSync(p)
      } catch {
        unlinked = false
      }
    }
    if (unlinked) {
      try {
        rmSync(this.dir, {recursive: true, force: true})
      } catch {
        unlinked = false
      }
    }
    if (!unlinked) this.undo = onCleanup(() => this.dispose())
    this.blocks = Array.from({length: parts}, () => [])
    this.pbuf = Array.from({length: parts}, () => Buffer.allocUnsafe(0))
    this.plen = new Int32Array(parts)
  }

  /** Closes and removes the temporary files (safe to call twice). */
  dispose(): void {
    for (const f of this.files.splice(0)) {
      try {
        closeSync(f.fd)
      } catch {
        /* closed already */
      }
    }
    rmSync(this.dir, {recursive: true, force: true})
    const u = this.undo
    this.undo = null
    u?.()
  }

  // ---- encoding ----

  private intern(list: string[], s: string): number {
    let i = list.indexOf(s)
    if (i < 0) {
      if (list.length >= 250) throw new Error(`spill: more than 250 distinct loop axes or components`)
      i = list.push(s) - 1
    }
    return i
  }

  private value(e: Enc, v: unknown): void {
    if (typeof v === 'number') {
      e.u8(1)
      e.f64(v)
    } else if (typeof v === 'string') {
      e.u8(2)
      e.text(v)
    } else if (Array.isArray(v)) {
      e.u8(3)
      e.u32(v.length)
      for (const x of v) this.value(e, x)
    } else if (v === null) e.u8(0)
    else if (v === true) e.u8(4)
    else if (v === false) e.u8(5)
    else if (v === undefined) e.u8(7)
    else {
      e.u8(6)
      e.text(JSON.stringify(v))
    }
  }

  /** Appends the blob of a record: ordinal, line, name, component, loop (keys in their order), digits, value. */
  private idOf(r: ParsedRec): number {
    let m = this.defId.get(r.def)
    if (!m) this.defId.set(r.def, (m = new Map()))
    let id = m.get(r.name)
    if (id === undefined) {
      if (this.defs.length >= 0xffff) throw new Error('spill: too many variable names')
      id = this.defs.push({name: r.name, def: r.def}) - 1
      m.set(r.name, id)
      const same = this.defs.findIndex((d) => d.name === r.name)
      this.tableGroup.push(same)
    }
    return id
  }

  /** The match key of a record: sets this.group, returns the key within the group. */
  private key(id: number, comp: string | undefined, loop: Loop | null): LoopKey {
    const d = this.defs[id]
    const t = tableKey(d.def.loop, loop)
    if (t !== undefined) {
      this.group = this.tableGroup[id]
      return t
    }
    const display = comp ? `${d.name}[${comp}]` : d.name
    let g = this.mapGroups.get(display)
    if (g === undefined) this.mapGroups.set(display, (g = 0x10000 + this.mapGroups.size))
    this.group = g
    return loop ? loopKey(loop) : 0
  }

  /** A hash of the match key (the coordinates themselves in the tables' case: no key to build). */
  private partitionOf(id: number, r: ParsedRec): number {
    const axes = this.defs[id].def.loop
    const l = r.loop as Record<string, number> | null
    if (l !== null) {
      let h = Math.imul(this.tableGroup[id] + 0x9e3779b9, 0x85ebca6b)
      let a = 0
      for (; a < axes.length; a++) {
        const v = l[axes[a]]
        if (!(v >= 0 && v < U32)) break
        h = Math.imul(h ^ (v >>> 0), 0xc2b2ae35)
        h ^= h >>> 13
      }
      if (a === axes.length) {
        h = Math.imul(h, 0x2c1b3c6d)
        return (h ^ (h >>> 16)) >>> 0
      }
    }
    const inner = this.key(id, r.comp, r.loop)
    return mixKey(this.group, inner)
  }

  /** The match key of a blob at b[at] (reads its name, component and loop only): sets this.group. */
  private keyAt(b: Buffer, at: number): LoopKey {
    const id = b.readUInt16LE(at + 16)
    const ci = b[at + 18]
    return this.key(id, ci === 0 ? undefined : this.comps[ci - 1], this.loopAt(b, at + 19, {at: 0}))
  }

  /** The loop coordinates encoded at b[p] (a count, 255 for null, then axis id and value per coordinate); o.at: where they end. */
  private loopAt(b: Buffer, p: number, o: {at: number}): Loop | null {
    const nl = b[p++]
    let loop: Record<string, number> | null = null
    if (nl !== 255) {
      loop = {}
      for (let i = 0; i < nl; i++) {
        loop[this.axes[b[p]]] = b.readDoubleLE(p + 1)
        p += 9
      }
    }
    o.at = p
    return loop as Loop | null
  }

  private blob(e: Enc, r: ParsedRec, id = this.idOf(r)): void {
    e.f64(r.index)
    e.f64(r.line)
    e.u16(id)
    e.u8(r.comp === undefined ? 0 : 1 + this.intern(this.comps, r.comp))
    if (r.loop === null) e.u8(255)
    else {
      const ks = Object.keys(r.loop)
      e.u8(ks.length)
      for (const k of ks) {
        e.u8(this.intern(this.axes, k))
        e.f64((r.loop as Record<string, number>)[k])
      }
    }
    if (r.digits === undefined) e.u8(0)
    else {
      e.u8(1)
      e.f64(r.digits)
    }
    this.value(e, r.value)
  }

  private decodeValue(b: Buffer, o: {at: number}): unknown {
    const tag = b[o.at++]
    switch (tag) {
      case 1: {
        const x = b.readDoubleLE(o.at)
        o.at += 8
        return x
      }
      case 2:
      case 6: {
        const len = b.readUInt32LE(o.at)
        const s = b.toString('utf8', o.at + 4, o.at + 4 + len)
        o.at += 4 + len
        return tag === 2 ? s : JSON.parse(s)
      }
      case 3: {
        const n = b.readUInt32LE(o.at)
        o.at += 4
        const a = new Array<unknown>(n)
        for (let i = 0; i < n; i++) a[i] = this.decodeValue(b, o)
        return a
      }
      case 0:
        return null
      case 4:
        return true
      case 5:
        return false
      default:
        return undefined
    }
  }

  /** The record a blob at b[at] holds (o.at: where it ends). */
  private decode(b: Buffer, at: number, o = {at: 0}): ParsedRec {
    const index = b.readDoubleLE(at)
    const line = b.readDoubleLE(at + 8)
    const {name, def} = this.defs[b.readUInt16LE(at + 16)]
    const ci = b[at + 18]
    const comp = ci === 0 ? undefined : this.comps[ci - 1]
    const loop = this.loopAt(b, at + 19, o)
    let p = o.at
    const hasDigits = b[p++] === 1
    let digits: number | undefined
    if (hasDigits) {
      digits = b.readDoubleLE(p)
      p += 8
    }
    o.at = p
    const value = this.decodeValue(b, o)
    const rec: ParsedRec = {name, def, comp, loop, value, line, index}
    if (hasDigits) rec.digits = digits
    return rec
  }

  // ---- phase 1: spill ----

  private toPartition(p: number, e: Enc): void {
    let buf = this.pbuf[p]
    if (buf.length === 0) buf = this.pbuf[p] = Buffer.allocUnsafe(BLOCK)
    if (this.plen[p] + e.n > BLOCK) this.flushPartition(p)
    if (e.n > BLOCK) {
      this.blocks[p].push(this.rows.append(e.buf, 0, e.n), e.n)
      return
    }
    e.buf.copy(buf, this.plen[p], 0, e.n)
    this.plen[p] += e.n
  }

  private flushPartition(p: number): void {
    const n = this.plen[p]
    if (n === 0) return
    this.blocks[p].push(this.rows.append(this.pbuf[p], 0, n), n)
    this.plen[p] = 0
  }

  /**
   * A record that goes through the pending machinery: `pre` when it was pending already when
   * the spill began (its arrival was counted then).
   */
  record(r: ParsedRec, cand: boolean, pre = false): void {
    const e = this.enc
    e.n = 0
    e.u32(0)
    e.u8((cand ? F_CAND : 0) | (pre ? F_PRE : 0))
    const id = this.idOf(r)
    this.blob(e, r, id)
    e.buf.writeUInt32LE(e.n - 4, 0)
    this.toPartition(this.partitionOf(id, r) % this.parts, e)
    this.spilled++
  }

  /** A pair whose keys met in the lockstep (compared as met, at time 2·ordinal+1). */
  pair(r: ParsedRec, c: ParsedRec): void {
    const e = this.pairBuf
    const start = e.n
    e.u32(0)
    e.u8(E_PAIR)
    e.f64(2 * r.index + 1)
    const at = e.n
    e.u32(0)
    this.blob(e, r)
    e.buf.writeUInt32LE(e.n - at - 4, at)
    this.blob(e, c)
    e.buf.writeUInt32LE(e.n - start - 4, start)
    if (e.n >= BLOCK) {
      this.pairs.append(e.buf, 0, e.n)
      e.n = 0
    }
    this.spilled += 2
  }

  // ---- phase 2: replay each partition ----

  private replay(): void {
    if (this.pairBuf.n) this.pairs.append(this.pairBuf.buf, 0, this.pairBuf.n)
    this.pairBuf.n = 0
    const out = new Enc()
    const flushOut = (f: TempFile): void => {
      f.append(out.buf, 0, out.n)
      out.n = 0
    }
    for (let p = 0; p < this.parts; p++) {
      this.flushPartition(p)
      this.pbuf[p] = Buffer.allocUnsafe(0)
      const bl = this.blocks[p]
      let total = 0
      for (let i = 1; i < bl.length; i += 2) total += bl[i]
      const evFrom = this.events.size
      const lfFrom = {ref: this.left.ref.size, cand: this.left.cand.size}
      if (total > 0) {
        const data = Buffer.allocUnsafe(total)
        let at = 0
        for (let i = 0; i < bl.length; i += 2) {
          this.rows.read(data, at, bl[i + 1], bl[i])
          at += bl[i + 1]
        }
        // rows: offset of each blob, its time
        const offs: number[] = []
        const lens: number[] = []
        for (let o = 0; o < total;) {
          const len = data.readUInt32LE(o)
          offs.push(o + 4)
          lens.push(len)
          o += 4 + len
        }
        const n = offs.length
        const time = new Float64Array(n)
        for (let i = 0; i < n; i++) {
          const o = offs[i]
          time[i] = 2 * data.readDoubleLE(o + 1) + (data[o] & F_CAND)
        }
        const order = Array.from({length: n}, (_, i) => i).sort((a, b) => time[a] - time[b])
        // FIFO queues of pending rows per side, group and key (a row, or rows of a duplicate key)
        const waiting = [new Map<number, Map<LoopKey, number | number[]>>(), new Map<number, Map<LoopKey, number | number[]>>()]
        for (const i of order) {
          const o = offs[i]
          const side = data[o] & F_CAND
          const k = this.keyAt(data, o + 1)
          const g = this.group
          const theirs = waiting[1 - side].get(g)
          const q = theirs?.get(k)
          out.u32(0)
          const start = out.n - 4
          if (q !== undefined) {
            let j: number
            if (typeof q === 'number') {
              j = q
              theirs!.delete(k)
            } else {
              j = q.shift()!
              if (q.length === 0) theirs!.delete(k)
            }
            const [ri, ci] = side ? [j, i] : [i, j]
            out.u8(E_MATCH)
            out.f64(time[i])
            out.u32(lens[ri] - 1)
            out.bytes(data, offs[ri] + 1, offs[ri] + lens[ri])
            out.bytes(data, offs[ci] + 1, offs[ci] + lens[ci])
          } else {
            let mine = waiting[side].get(g)
            if (!mine) waiting[side].set(g, (mine = new Map()))
            const own = mine.get(k)
            if (own === undefined) mine.set(k, i)
            else if (typeof own === 'number') mine.set(k, [own, i])
            else own.push(i)
            if (data[o] & F_PRE) {
              out.n = start
              continue
            }
            out.u8(E_PEND)
            out.f64(time[i])
          }
          out.buf.writeUInt32LE(out.n - start - 4, start)
          if (out.n >= BLOCK) flushOut(this.events)
        }
        flushOut(this.events)
        // left unmatched: per side, in trace order
        for (const side of [0, 1]) {
          const ids: number[] = []
          for (const m of waiting[side].values())
            for (const q of m.values()) {
              if (typeof q === 'number') ids.push(q)
              else for (const j of q) ids.push(j)
            }
          ids.sort((a, b) => time[a] - time[b])
          const f = side ? this.left.cand : this.left.ref
          for (const i of ids) {
            out.u32(lens[i] - 1)
            out.bytes(data, offs[i] + 1, offs[i] + lens[i])
            if (out.n >= BLOCK) flushOut(f)
          }
          flushOut(f)
        }
      }
      this.eventRuns.push([evFrom, this.events.size])
      this.leftRuns.ref.push([lfFrom.ref, this.left.ref.size])
      this.leftRuns.cand.push([lfFrom.cand, this.left.cand.size])
    }
  }

  // ---- phase 3: merge ----

  /**
   * Replays every spilled pair into `sink` in detection order; returns the largest pending count
   * at the end of a lockstep step, starting from `pending` records pending when the spill began.
   */
  finish(sink: ReplaySink, pending: number, maxPending: number): number {
    this.replay()
    const runs = [...this.eventRuns, [0, this.pairs.size] as [number, number]]
    const files = runs.map((_, i) => (i === runs.length - 1 ? this.pairs : this.events))
    const readers = runs.map(([a, b], i) => new RunReader(files[i], a, b))
    const key = new Float64Array(runs.length)
    const heap = new Heap(key)
    readers.forEach((r, i) => {
      if (r.next()) {
        key[i] = r.data.readDoubleLE(r.at + 1)
        heap.push(i)
      }
    })
    let n = pending
    let max = maxPending
    let step = -1
    const o = {at: 0}
    while (heap.size) {
      const i = heap.top()
      const r = readers[i]
      const b = r.data
      const t = key[i]
      const s = Math.floor(t / 2)
      if (s !== step) {
        if (n > max) max = n
        step = s
      }
      const kind = b[r.at]
      if (kind === E_PEND) n++
      else {
        const refLen = b.readUInt32LE(r.at + 9)
        const ref = this.decode(b, r.at + 13, o)
        const cand = this.decode(b, r.at + 13 + refLen, o)
        if (kind === E_MATCH) n--
        sink.compare(ref, cand)
      }
      if (r.next()) {
        key[i] = r.data.readDoubleLE(r.at + 1)
        heap.fix(false)
      } else heap.fix(true)
    }
    if (n > max) max = n
    return max
  }

  /** The records of one side that found no partner, in trace order. */
  *leftovers(side: 'ref' | 'cand'): Generator<ParsedRec> {
    const f = this.left[side]
    const readers = this.leftRuns[side].map(([a, b]) => new RunReader(f, a, b))
    const key = new Float64Array(readers.length)
    const heap = new Heap(key)
    readers.forEach((r, i) => {
      if (r.next()) {
        key[i] = r.data.readDoubleLE(r.at)
        heap.push(i)
      }
    })
    while (heap.size) {
      const i = heap.top()
      const r = readers[i]
      yield this.decode(r.data, r.at)
      if (r.next()) {
        key[i] = r.data.readDoubleLE(r.at)
        heap.fix(false)
      } else heap.fix(true)
    }
  }
}
