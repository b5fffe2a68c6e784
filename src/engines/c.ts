// The C reference engine: runs instrumented-c/build/nanobragg-nbtrace (the faithful nanoBragg
// re-implementation with the nbtrace emitter compiled in) as a child process (src/util/child.ts:
// its own process group, killed on every exit path and on timeout).
// Its writes are atomic for nbtrace's users: the trace goes to a temporary sibling that is renamed
// onto the target only after the program exited 0, and the images' ".part" files (the program
// renames them itself when complete) are removed when a run is cut short.
import {existsSync, mkdtempSync, renameSync, rmSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {basename, dirname, join, resolve} from 'node:path'
import {runChild, tailLines} from '../util/child.js'
import {onCleanup} from '../util/cleanup.js'
import {EngineFailure, InputError} from '../util/errors.js'
import {checkReplaceable} from '../util/files.js'
import {cBinaryPath, ensureCBinary} from './c-binary.js'
import {loadFaults} from '../sim/quirks.js'
import type {Engine, EngineRunOptions, EngineRunResult, EngineSummary} from './engine.js'
import {nanoBraggFiles} from './files.js'

export {cBinaryPath} from './c-binary.js'

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
export function cArgs(opts: Pick<EngineRunOptions, 'args' | 'cwd' | 'tracePixel' | 'traceOut' | 'faults'>): string[] {
  const faults = opts.faults && opts.faults.length ? ['-nbtrace_faults', opts.faults.join(',')] : []
  if (!opts.tracePixel) return [...faults, ...opts.args]
  const out = resolve(opts.cwd, opts.traceOut ?? C_DEFAULT_TRACE)
  return ['-trace_pixel', String(opts.tracePixel.slow), String(opts.tracePixel.fast), '-trace_out', out, '-trace_only', ...faults, ...opts.args]
}

/** The planted faults the C engine has (schemas/faults.json "engines"). */
export function cFaults(): string[] {
  return loadFaults()
    .faults.filter((f) => f.engines?.includes('c'))
    .map((f) => f.id)
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
  const lines = s
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
  return lines.length ? lines[lines.length - 1].trim() : ''
}

export const cEngine: Engine = {
  name: 'c',

  unavailableReason(): string | null {
    return ensureCBinary()
  },

  async run(opts: EngineRunOptions): Promise<EngineRunResult> {
    const reason = cEngine.unavailableReason()
    if (reason) throw new InputError(reason)
    const missing = (opts.faults ?? []).filter((f) => !cFaults().includes(f))
    if (missing.length)
      throw new InputError(
        `the C engine is the faithful reference and has only the planted faults ${cFaults().join(', ')}: --inject ${missing.join(',')} needs --engine ts`,
      )
    if (opts.fixes && opts.fixes.length)
      throw new InputError(`the C engine reproduces the reference quirks and has no --fix switches (${opts.fixes.join(',')}); use --engine ts`)
    const target = opts.tracePixel ? resolve(opts.cwd, opts.traceOut ?? C_DEFAULT_TRACE) : null
    if (target) checkReplaceable(target, '--trace-out')
    // the trace is written in a private folder next to the target, under the target's own name
    // (the header records the path it was given), and moved onto the target once complete
    const tmpDir = target ? mkdtempSync(join(dirname(target), `.${basename(target)}.nbtrace-tmp-`)) : null
    const tmp = target && tmpDir ? join(tmpDir, basename(target)) : null
    // everything the program may leave half-written if it is cut short
    const partial = tmpDir ? [tmpDir] : nanoBraggFiles(opts.args, opts.cwd).images.map((f) => `${f.path}.part`)
    const removePartial = (): void => {
      for (const p of partial) rmSync(p, {force: true, recursive: true})
    }
    const disposeCleanup = onCleanup(removePartial)
    const env = {...process.env}
    if (opts.onProgress) env.NBTRACE_PROGRESS = '1'
    if (opts.threads) env.NBTRACE_THREADS = String(opts.threads)
    let pending = ''
    const outputs: string[] = []
    const warnings: string[] = []
    let summary: EngineSummary | null = null
    const onLine = (line: string): void => {
      if (line.startsWith('NBTRACE_OUTPUT ')) outputs.push(resolve(opts.cwd, line.slice(15).trim()))
      else if (line.startsWith('NBTRACE_SUMMARY ')) summary = parseSummary(line.slice(16))
      else if (line.startsWith('NBTRACE_PROGRESS ')) opts.onProgress?.(Number(line.slice(17)))
      else if (/WARNING/.test(line)) warnings.push(line.trim())
    }
    try {
      const r = await runChild(cBinaryPath(), cArgs({...opts, traceOut: tmp ?? undefined}), {
        cwd: opts.cwd,
        env,
        timeoutMs: opts.timeoutMs,
        stdout: {
          onData: (d: Buffer) => {
            // the program's chatter is not kept beyond what a line needs (bounded memory)
            const text = pending + d.toString()
            const lines = text.split('\n')
            pending = (lines.pop() ?? '').slice(-65536)
            for (const l of lines) onLine(l)
          },
        },
      })
      if (pending) onLine(pending)
      for (const l of r.stderr.split('\n')) if (/WARNING/.test(l)) warnings.push(l.trim())
      const tail = tailLines(r.stderr)
      if (r.startError) throw new EngineFailure(`C engine could not start ${cBinaryPath()}: ${r.startError}`, tail)
      if (r.timedOut) throw new EngineFailure(`C engine timed out after ${(opts.timeoutMs ?? 0) / 1000} s and was killed`, tail)
      if (r.code === 2) {
        // exit 2 is the binary's refusal of its input (as nbtrace's own): bad input, not a failed
        // engine; its traced pixel is nbtrace's --trace-pixel
        const why = (lastLine(r.stderr) || 'refused its input').replace(/^nanobragg-nbtrace: /, '')
        const m = /^-trace_pixel [^:]*: (.*)$/.exec(why)
        if (m && opts.tracePixel)
          throw new InputError(`pixel ${opts.tracePixel.slow},${opts.tracePixel.fast} ${m[1].replace(/^pixel /, '')}`, {field: '--trace-pixel'})
        throw new InputError(why)
      }
      if (r.code !== 0) {
        const why = lastLine(r.stderr) || `exit ${r.code}`
        throw new EngineFailure(`C engine failed: ${why.replace(/^nanobragg-nbtrace: /, '')}`, tail)
      }
      if (target && tmp) {
        if (!existsSync(tmp)) throw new EngineFailure(`C engine exited 0 but wrote no trace`, tail)
        checkReplaceable(target, '--trace-out')
        renameSync(tmp, target)
        const i = outputs.indexOf(tmp)
        if (i >= 0) outputs[i] = target
        else outputs.push(target)
      }
      opts.onProgress?.(1)
      return {outputs, summary, warnings}
    } finally {
      removePartial()
      disposeCleanup()
    }
  },
}
