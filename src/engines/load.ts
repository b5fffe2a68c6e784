// The one way to get an engine by name: the C binary or the TypeScript simulator, refused in one
// line (naming the caller's flag) when it cannot run here.
import {InputError} from '../util/errors.js'
import type {Engine} from './engine.js'

export type EngineName = 'c' | 'ts'

export async function loadEngine(name: EngineName, field: string): Promise<Engine> {
  const engine = name === 'c' ? (await import('./c.js')).cEngine : (await import('./ts.js')).tsEngine
  const why = engine.unavailableReason()
  if (why) throw new InputError(why, {field})
  return engine
}
