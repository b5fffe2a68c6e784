// --threads N: worker_threads over contiguous row chunks, bit-identical to the serial loop.
//
// Two pieces of state cross pixel boundaries in the reference's serial loop (quirks Q3 and Q8, docs/ts-engine.md#order-dependent-state-threads-and-single-pixel-traces);
// each chunk starts from exactly the state serial execution has at its first pixel:
//  * phi carry-over (quirk Q3): ap/bp/cp at a pixel are a0/b0/c0 if no earlier pixel evaluated a
//    source, else the rotation by the last non-zero phi of the phi list (render.ts carryAt);
//  * sticky interpolation fallback (quirk Q8): the main thread finds, once, the pixel where the
//    fallback fires in serial order (a scan of the loop without F_cell); chunks starting after
//    it begin with interpolate = 0, the chunk containing it fires it itself at the same term.
// Each pixel is written exactly once, so the float32 accumulation is order independent.
import {createRequire} from 'node:module'
import {availableParallelism} from 'node:os'
import {pathToFileURL} from 'node:url'
import {Worker} from 'node:worker_threads'
import type {Model} from './model.js'
import {carryAt, fallbackPixel} from './render.js'

/** A worker running worker.js (compiled) or worker.ts (from source, through tsx's ESM API). */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), {workerData})
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
  const target = new URL('./worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}) })`
  return new Worker(boot, {eval: true, workerData})
}

export async function renderThreaded(m: Model, threads: number, onProgress?: (f: number) => void): Promise<Float32Array> {
  const k = m.kernel
  const img = new Float32Array(k.fpixels * k.spixels)
  const nThreads = Math.max(1, Math.min(threads, k.spixels, availableParallelism() * 2))
  const fallbackAt = k.interpolate === 1 && k.hkl !== null ? fallbackPixel(k, Infinity) : -1
  // chunks: several per worker for load balance
  const nChunks = Math.min(k.spixels, nThreads * 8)
  const chunks: {row0: number; row1: number}[] = []
  for (let i = 0; i < nChunks; i++) {
    const row0 = Math.floor((i * k.spixels) / nChunks)
    const row1 = Math.floor(((i + 1) * k.spixels) / nChunks)
    if (row1 > row0) chunks.push({row0, row1})
  }
  let next = 0
  let done = 0
  const workers: Worker[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (w: Worker): void => {
        if (next >= chunks.length) {
          w.postMessage(null)
          return
        }
        const c = chunks[next++]
        const st = carryAt(k, c.row0, 0, fallbackAt)
        w.postMessage({row0: c.row0, row1: c.row1, ap: st.ap, interpolate: st.interpolate})
      }
      for (let i = 0; i < nThreads; i++) {
        const w = startWorker({kernel: k})
        workers.push(w)
        w.on('message', (msg: {row0: number; row1: number; img: Float32Array}) => {
          img.set(msg.img, msg.row0 * k.fpixels)
          done++
          if (onProgress) onProgress(done / chunks.length)
          if (done === chunks.length) resolve()
          else send(w)
        })
        w.on('error', reject)
        send(w)
      }
    })
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return img
}
