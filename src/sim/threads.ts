// placeholder: replaced below
import type {Model} from './model.js'
export async function renderThreaded(_m: Model, _threads: number, _onProgress?: (f: number) => void): Promise<Float32Array> {
  throw new Error('threads not implemented yet')
}
