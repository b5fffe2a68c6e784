// Worker thread for --threads: renders the row chunks it is sent, starting each chunk from the
// carried state the serial loop would have there (computed by the main thread, see threads.ts).
import {parentPort, workerData} from 'node:worker_threads'
import type {KernelModel} from './model.js'
import type {CarryState} from './pixel.js'
import {renderRows} from './render.js'

interface ChunkMsg {
  row0: number
  row1: number
  ap: Float64Array
  interpolate: number
}

const kernel = (workerData as {kernel: KernelModel}).kernel
parentPort!.on('message', (msg: ChunkMsg | null) => {
  if (msg === null) {
    parentPort!.close()
    return
  }
  const img = new Float32Array((msg.row1 - msg.row0) * kernel.fpixels)
  const st: CarryState = {ap: msg.ap, interpolate: msg.interpolate, fallbackFired: false}
  renderRows(kernel, img, msg.row0, msg.row1, st, undefined, msg.row0)
  parentPort!.postMessage({row0: msg.row0, row1: msg.row1, img}, [img.buffer])
})
