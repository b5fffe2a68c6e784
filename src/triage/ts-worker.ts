// Worker thread of a TypeScript-engine side: builds the model once (the side's set-up: cell,
// structure factors, sources, mosaic domains, geometry) and traces every pixel it is sent into
// a contract trace file, so N traced pixels cost one set-up, not N.
import {parentPort, workerData} from 'node:worker_threads'
import {buildModel} from '../sim/model.js'
import {traceHeader, tracePixel} from '../sim/trace.js'
import {TraceWriter} from '../trace/writer.js'
import {InputError} from '../util/errors.js'

export interface TsWorkerData {
  args: string[]
  cwd: string
  fixes: string[]
  faults: string[]
}

export interface TsTraceRequest {
  id: number
  slow: number
  fast: number
  out: string
}

export type TsTraceReply = {id: number; ok: true} | {id: number; ok: false; message: string; input: boolean}

const data = workerData as TsWorkerData
let model: ReturnType<typeof buildModel> | null = null
let setupError: {message: string; input: boolean} | null = null
try {
  model = buildModel(data.args, {cwd: data.cwd, fixes: data.fixes, faults: data.faults})
} catch (e) {
  setupError = {message: e instanceof InputError ? e.oneLine() : (e as Error).message, input: e instanceof InputError}
}

parentPort!.on('message', async (msg: TsTraceRequest | null) => {
  if (msg === null) {
    parentPort!.close()
    return
  }
  const reply = (r: TsTraceReply): void => parentPort!.postMessage(r)
  if (!model) return reply({id: msg.id, ok: false, ...setupError!})
  const k = model.kernel
  if (!(msg.slow >= 0 && msg.slow < k.spixels && msg.fast >= 0 && msg.fast < k.fpixels)) {
    return reply({id: msg.id, ok: false, message: `pixel ${msg.slow},${msg.fast} is outside the ${k.spixels}x${k.fpixels} detector (slow,fast)`, input: true})
  }
  const w = new TraceWriter(msg.out, traceHeader(model, {slow: msg.slow, fast: msg.fast}, data.fixes, data.faults))
  try {
    tracePixel(model, msg.slow, msg.fast, w)
    await w.close()
    reply({id: msg.id, ok: true})
  } catch (e) {
    await w.abort()
    reply({id: msg.id, ok: false, message: (e as Error).message, input: false})
  }
})
