// Starting a worker thread on a module next to the caller: the compiled .js under dist/, or the
// .ts source through tsx's ESM API when running from source (tests, bin/dev.js).
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'
import {Worker} from 'node:worker_threads'

/** A worker running `name` (without extension) resolved against `base` (the caller's import.meta.url). */
export function startModuleWorker(base: string, name: string, workerData: unknown): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`${name}.js`, base), {workerData})
  const api = pathToFileURL(createRequire(base).resolve('tsx/esm/api')).href
  const target = new URL(`${name}.ts`, base).href
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}) })`
  return new Worker(boot, {eval: true, workerData})
}
