// The TypeScript simulator engine (src/sim/), in-process.
import type {Engine, EngineRunOptions, EngineRunResult} from './engine.js'
import {runTs} from '../sim/run.js'

export {runTs, simulate, traceInMemory, renderImage} from '../sim/run.js'
export {buildModel} from '../sim/model.js'

export const tsEngine: Engine = {
  name: 'ts',
  unavailableReason(): string | null {
    return null
  },
  run(opts: EngineRunOptions): Promise<EngineRunResult> {
    return runTs(opts)
  },
}
