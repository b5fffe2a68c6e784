// --threads N: the main thread and N-1 worker_threads over small chunks of rows, bit-identical to
// the serial loop.
//
// Two pieces of state cross pixel boundaries in the reference's serial loop (quirks Q3 and Q8, docs/ts-engine.md#order-dependent-state-threads-and-single-pixel-traces);
// each chunk starts from exactly the state serial execution has at its first pixel, computed once
// for all chunks from one order scan (render.ts orderScan/chunkStart):
//  * phi carry-over (quirk Q3): ap/bp/cp at a pixel are a0/b0/c0 if no earlier pixel evaluated a
//    source, else the rotation by the last non-zero phi of the phi list;
//  * sticky interpolation fallback (quirk Q8): the pixel where the fallback fires in serial order
//    (a scan of the loop without F_cell); chunks starting after it begin with interpolate = 0,
//    the chunk containing it fires it itself at the same term.
// Each pixel is written exactly once, so the float32 accumulation is order independent.
//
// Load balance: chunks of CHUNK_ROWS rows are taken from an Atomics counter in shared memory by
// whichever thread is free (a core busy with another process only slows its own chunks), and
// every thread writes straight into the shared image: no per-chunk messages or copies. The main
// thread renders too instead of waiting, so N threads cost N-1 worker start-ups.
import {availableParallelism} from 'node:os'
import type {Worker} from 'node:worker_threads'
import {startModuleWorker} from '../util/worker.js'
import type {KernelModel, Model} from './model.js'
import {chunkStart, orderScan, renderRows} from './render.js'

/** Rows per chunk: small enough to balance 2-8 threads on 1024 rows, large enough that taking one costs nothing. */
export const CHUNK_ROWS = 16
/** Per chunk in the shared start-state table: ap/bp/cp (9 numbers), then interpolate. */
const STATE_STRIDE = 10

/** What every rendering thread shares (all typed arrays are views of SharedArrayBuffers). */
export interface SharedRender {
  kernel: KernelModel
  image: Float32Array
  /** chunk start states, STATE_STRIDE numbers per chunk */
  states: Float64Array
  /** [0]: next chunk to take, [1]: chunks finished */
  counters: Int32Array
  chunkRows: number
  nChunks: number
}

/** A worker running worker.js (compiled) or worker.ts (from source, through tsx's ESM API). */
function startWorker(workerData: SharedRender): Worker {
  return startModuleWorker(import.meta.url, './worker', workerData)
}

/** Takes chunks from the shared counter and renders them until none is left (main thread and workers alike). */
export function renderChunks(sh: SharedRender, onChunk?: () => void): void {
  const k = sh.kernel
  for (;;) {
    const c = Atomics.add(sh.counters, 0, 1)
    if (c >= sh.nChunks) return
    const row0 = c * sh.chunkRows
    const row1 = Math.min(k.spixels, row0 + sh.chunkRows)
    const o = c * STATE_STRIDE
    const st = {ap: sh.states.slice(o, o + 9), interpolate: sh.states[o + 9], fallbackFired: false}
    renderRows(k, sh.image, row0, row1, st)
    Atomics.add(sh.counters, 1, 1)
    if (onChunk) onChunk()
  }
}

export async function renderThreaded(m: Model, threads: number, onProgress?: (f: number) => void): Promise<Float32Array> {
  const k = m.kernel
  const nThreads = Math.max(1, Math.min(threads, k.spixels, availableParallelism() * 2))
  const nChunks = Math.ceil(k.spixels / CHUNK_ROWS)
  const sh: SharedRender = {
    kernel: k,
    image: new Float32Array(new SharedArrayBuffer(k.fpixels * k.spixels * 4)),
    states: new Float64Array(new SharedArrayBuffer(nChunks * STATE_STRIDE * 8)),
    counters: new Int32Array(new SharedArrayBuffer(8)),
    chunkRows: CHUNK_ROWS,
    nChunks,
  }
  const scan = orderScan(k)
  for (let c = 0; c < nChunks; c++) {
    const st = chunkStart(k, scan, c * CHUNK_ROWS * k.fpixels)
    sh.states.set(st.ap, c * STATE_STRIDE)
    sh.states[c * STATE_STRIDE + 9] = st.interpolate
  }
  const workers: Worker[] = []
  try {
    const finished: Promise<void>[] = []
    for (let i = 1; i < nThreads; i++) {
      const w = startWorker(sh)
      workers.push(w)
      finished.push(
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve())
          w.once('error', reject)
          w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`render worker exited with code ${code}`))))
        }),
      )
    }
    // a worker's error surfaces after the main thread's share, when it is awaited
    for (const f of finished) f.catch(() => undefined)
    renderChunks(sh, onProgress ? () => onProgress(Math.min(1, Atomics.load(sh.counters, 1) / nChunks)) : undefined)
    await Promise.all(finished)
    if (Atomics.load(sh.counters, 1) !== nChunks) throw new Error('internal error: not every chunk of rows was rendered')
    if (onProgress) onProgress(1)
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  // a plain (unshared) image, as the serial path returns
  return new Float32Array(sh.image)
}
