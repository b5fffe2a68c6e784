// Worker thread for --threads: takes chunks of rows from the shared counter and renders them into
// the shared image, each from the start state the main thread computed (see threads.ts).
import {parentPort, workerData} from 'node:worker_threads'
import {renderChunks, type SharedRender} from './threads.js'

renderChunks(workerData as SharedRender)
parentPort!.postMessage('done')
