// The C reference engine: runs instrumented-c/build/nanobragg-nbtrace (the faithful nanoBragg
// re-implementation with the nbtrace emitter compiled in) as a child process.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {hookCleanup} from '../util/atomic.js'
import {InputError} from '../util/errors.js'
import type {Engine, EngineRunOptions, EngineRunResult, EngineSummary} from './engine.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Path of the traced binary (override with NBTRACE_C_BINARY). */
export function cBinaryPath(): string {
  return process.env.NBTRACE_C_BINARY || join(ROOT, 'instrumented-c', 'build', 'nanobragg-nbtrace')
}

/** Threads the binary uses when not told (instrumented-c/src/threads.c reads the same):
 * NBTRACE_THREADS, else the leading count of OMP_NUM_THREADS, else every CPU. */
export function cDefaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const own = /^\d+$/.exec(env.NBTRACE_THREADS ?? '')
  if (own && Number(own[0]) >= 1) return Math.min(256, Number(own[0]))
  const omp = /^\d+/.exec(env.OMP_NUM_THREADS ?? '')
  if (omp && Number(omp[0]) >= 1) return Math.min(256, Number(omp[0]))
  return Math.min(256, availableParallelism())
}

/** Default trace file name when tracePixel is set without traceOut. */
export const C_DEFAULT_TRACE = 'trace_C.jsonl'

/** Arguments given to the binary: the trace flags for a traced pixel, then the nanoBragg ones.
 * The trace flags go first because upstream's substring parser lets a trailing `-misset_seed S`
 * swallow the next two arguments as misset angles (Q14). */
export function cArgs(opts: Pick<EngineRunOptions, 'args' | 'cwd' | 'tracePixel' | 'traceOut'>): string[] {
  if (!opts.tracePixel) return [...opts.args]
  const out = resolve(opts.cwd, opts.traceOut ?? C_DEFAULT_TRACE)
  return ['-trace_pixel', String(opts.tracePixel.slow), String(opts.tracePixel.fast), '-trace_out', out, '-trace_only', ...opts.args]
}

function parseSummary(line: string): EngineSummary | null {
  try {
    const o = JSON.parse(line) as Record<string, number | null>
    const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : Number.NaN)
    return {
      fpixels: num(o.fpixels),
      spixels: num(o.spixels),
      sources: num(o.sources),
      steps: num(o.steps),
      oversample: num(o.oversample),
      maxI: num(o.maxI),
      meanI: num(o.meanI),
    }
  } catch {
    return null
  }
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n').filter((l) => l.trim() !== '')
  return lines.length ? lines[lines.length - 1].trim() : ''
}

export const cEngine: Engine = {
  name: 'c',

  unavailableReason(): string | null {
    if (existsSync(cBinaryPath())) return null
    return 'C engine not built: no C compiler was found at install (run npm rebuild / make -C instrumented-c)'
  },

  run(opts: EngineRunOptions): Promise<EngineRunResult> {
    const reason = cEngine.unavailableReason()
    if (reason) return Promise.reject(new InputError(reason))
    if (opts.faults && opts.faults.length)
      return Promise.reject(
        new InputError(`the C engine is the faithful reference and has no planted faults (--inject ${opts.faults.join(',')}); use --engine ts`),
      )
    if (opts.fixes && opts.fixes.length)
      return Promise.reject(
        new InputError(`the C engine reproduces the reference quirks and has no --fix switches (${opts.fixes.join(',')}); use --engine ts`),
      )
    const args = cArgs(opts)
    return new Promise((resolvePromise, reject) => {
      const env = {...process.env}
      if (opts.onProgress) env.NBTRACE_PROGRESS = '1'
      if (opts.threads) env.NBTRACE_THREADS = String(opts.threads)
      const child = spawn(cBinaryPath(), args, {cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env})
      // interrupted (SIGINT/SIGTERM end through 'exit' once outputs are tracked): the binary must
      // not run on and write its images after nbtrace is gone
      hookCleanup()
      const killChild = (): void => {
        child.kill('SIGKILL')
      }
      process.once('exit', killChild)
      child.once('close', () => process.removeListener('exit', killChild))
      let stdout = ''
      let stderr = ''
      let pending = ''
      let timedOut = false
      const outputs: string[] = []
      const warnings: string[] = []
      let summary: EngineSummary | null = null
      const onLine = (line: string): void => {
        if (line.startsWith('NBTRACE_OUTPUT ')) outputs.push(resolve(opts.cwd, line.slice(15).trim()))
        else if (line.startsWith('NBTRACE_SUMMARY ')) summary = parseSummary(line.slice(16))
        else if (line.startsWith('NBTRACE_PROGRESS ')) opts.onProgress?.(Number(line.slice(17)))
        else if (/WARNING/.test(line)) warnings.push(line.trim())
      }
      child.stdout.on('data', (d: Buffer) => {
        const text = pending + d.toString()
        const lines = text.split('\n')
        pending = lines.pop() ?? ''
        for (const l of lines) onLine(l)
        if (stdout.length < 1 << 20) stdout += d.toString()
      })
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        if (stderr.length > 65536) stderr = stderr.slice(-32768)
      })
      const timer =
        opts.timeoutMs && opts.timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true
              child.kill('SIGKILL')
            }, opts.timeoutMs)
          : null
      child.on('error', (e) => {
        if (timer) clearTimeout(timer)
        reject(new Error(`C engine could not start ${cBinaryPath()}: ${e.message}`))
      })
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer)
        if (pending) onLine(pending)
        for (const l of stderr.split('\n')) if (/WARNING/.test(l)) warnings.push(l.trim())
        if (timedOut) return reject(new Error(`C engine timed out after ${(opts.timeoutMs ?? 0) / 1000} s and was killed`))
        if (code !== 0) {
          const why = lastLine(stderr) || `exit ${code ?? signal}`
          return reject(new Error(`C engine failed: ${why.replace(/^nanobragg-nbtrace: /, '')}`))
        }
        opts.onProgress?.(1)
        resolvePromise({outputs, summary, warnings})
      })
    })
  },
}
