// Tracing many pixels on both sides at once. One slot per available core is shared by both
// sides; each traced pixel takes a slot for as long as its producer runs.
//  * TypeScript engine: worker threads that build the side's model once and trace pixel after
//    pixel (one set-up per worker, not per pixel).
//  * C engine and external command templates: one process per pixel (these producers trace one
//    pixel per run; their set-up is repeated, which for the C engine costs milliseconds).
import type {Worker} from 'node:worker_threads'
import type {Pixel} from '../trace/records.js'
import {InputError} from '../util/errors.js'
import {startModuleWorker} from '../util/worker.js'
import {traceOnSide} from './ports.js'
import type {SideSpec} from '../workflow/sides.js'
import type {TsTraceReply, TsWorkerData} from './ts-worker.js'

/** A counting semaphore: at most `n` holders at a time. */
export class Slots {
  private free: number
  private readonly waiting: (() => void)[] = []
  constructor(readonly n: number) {
    this.free = n
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--
    else await new Promise<void>((res) => this.waiting.push(res))
    try {
      return await fn()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.free++
    }
  }
}

export interface SideTracer {
  trace(pixel: Pixel, out: string): Promise<void>
  close(): Promise<void>
}

export interface TracerContext {
  args: string[]
  cwd: string
  timeoutMs: number
  slots: Slots
}

/** A TypeScript-engine side: up to `maxWorkers` worker threads, each with the model built once. */
class TsSide implements SideTracer {
  private readonly idle: Worker[] = []
  private readonly live = new Set<Worker>()
  private readonly waiters: ((w: Worker) => void)[] = []
  private readonly pending = new Map<number, {worker: Worker; resolve: () => void; reject: (e: Error) => void}>()
  private next = 0
  private closing = false
  constructor(
    private readonly spec: SideSpec,
    private readonly ctx: TracerContext,
    private readonly maxWorkers: number,
  ) {}

  private spawn(): Worker {
    const data: TsWorkerData = {args: this.ctx.args, cwd: this.ctx.cwd, fixes: this.spec.fixes, faults: this.spec.faults}
    const w = startModuleWorker(import.meta.url, './ts-worker', data)
    w.on('message', (r: TsTraceReply) => {
      const p = this.pending.get(r.id)
      if (!p) return
      this.pending.delete(r.id)
      if (r.ok) p.resolve()
      else p.reject(r.input ? new InputError(r.message, {field: `--${this.spec.role}-engine`}) : new Error(r.message))
    })
    // a worker that dies takes its pixel with it; the next pixel gets a fresh worker
    const dead = (e: Error): void => {
      this.live.delete(w)
      const i = this.idle.indexOf(w)
      if (i >= 0) this.idle.splice(i, 1)
      for (const [id, p] of this.pending) {
        if (p.worker !== w) continue
        this.pending.delete(id)
        p.reject(e)
      }
      if (!this.closing && this.waiters.length && this.live.size < this.maxWorkers) this.waiters.shift()!(this.spawn())
    }
    w.on('error', dead)
    w.on('exit', (code) => dead(new Error(`TypeScript engine worker exited (${code})`)))
    this.live.add(w)
    return w
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop()
    if (w) return Promise.resolve(w)
    if (this.live.size < this.maxWorkers) return Promise.resolve(this.spawn())
    return new Promise((res) => this.waiters.push(res))
  }

  private release(w: Worker): void {
    if (!this.live.has(w)) return
    const waiter = this.waiters.shift()
    if (waiter) waiter(w)
    else this.idle.push(w)
  }

  trace(pixel: Pixel, out: string): Promise<void> {
    return this.ctx.slots.run(async () => {
      const w = await this.acquire()
      const id = this.next++
      try {
        await new Promise<void>((resolve, reject) => {
          this.pending.set(id, {worker: w, resolve, reject})
          w.postMessage({id, slow: pixel.slow, fast: pixel.fast, out})
        })
      } finally {
        this.release(w)
      }
    })
  }

  async close(): Promise<void> {
    this.closing = true
    const all = [...this.live]
    this.live.clear()
    await Promise.all(all.map((w) => w.terminate()))
  }
}

/** The C engine or an external command: one run per pixel. */
class ProcessSide implements SideTracer {
  constructor(
    private readonly spec: SideSpec,
    private readonly ctx: TracerContext,
  ) {}
  trace(pixel: Pixel, out: string): Promise<void> {
    return this.ctx.slots.run(() => traceOnSide(this.spec, this.ctx.args, this.ctx.cwd, pixel, out, this.ctx.timeoutMs))
  }
  async close(): Promise<void> {}
}

export function openSideTracer(spec: SideSpec, ctx: TracerContext, tsSides: number): SideTracer {
  if (spec.engine === 'ts') return new TsSide(spec, ctx, Math.max(1, Math.floor(ctx.slots.n / Math.max(1, tsSides))))
  return new ProcessSide(spec, ctx)
}
