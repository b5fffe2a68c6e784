// `nbtrace trace`: from nanoBragg arguments to evidence. Picks the pixel (given, or the one
// carrying the largest share of the image discrepancy), runs reference and candidate for that
// pixel at the same time, compares the traces, and stages every artifact (both traces,
// report.json, diff.patch, parity.json and heatmap.png when images were made, repro.sh) before
// moving them into the output folder in one step.
import {existsSync, statSync, writeFileSync} from 'node:fs'
import {relative, resolve} from 'node:path'
import type {Pixel} from '../trace/records.js'
import {InputError} from '../util/errors.js'
import {DEMO_ARGS, DEMO_PIXEL} from './demo.js'
import {loadEngine, runTemplate, SideFailure, type SideSpec, shellQuote} from './sides.js'
import {Stage} from './stage.js'

export interface CompareHook {
  /** Compares two trace files; returns the report object, its exit code and the unified diff text. */
  (ref: string, cand: string): Promise<{report: Record<string, unknown>; exitCode: 0 | 1; patch: string; text: string}>
}

export interface TraceJob {
  args: string[]
  cwd: string
  pixel: Pixel | 'auto' | null
  outDir: string
  ref: SideSpec
  cand: SideSpec
  refImage?: string
  candImage?: string
  size?: string
  timeoutMs: number
  compare: CompareHook
  /** the command line that reproduces this job (for repro.sh) */
  argvForRepro: string[]
  onStatus?: (line: string) => void
  /** progress (0..1) of the full images run by --pixel auto */
  onProgress?: (fraction: number) => void
}

export interface TraceJobResult {
  status: 'agree' | 'diverged' | 'mismatch' | 'failed'
  exitCode: 0 | 1
  pixel: Pixel
  pixelReason: string
  demo: boolean
  outDir: string
  artifacts: string[]
  report: Record<string, unknown> | null
  text: string
  parity: {pass: boolean; correlation: number | null; sumRatio: number | null} | null
  failure: {side: 'ref' | 'cand'; what: string; stderrTail: string} | null
}

const sideName = (s: SideSpec): string => (s.engine === 'cmd' ? 'external command' : s.engine === 'c' ? 'C engine' : 'TypeScript engine')

async function runSideImage(spec: SideSpec, args: string[], cwd: string, floatOut: string, stage: Stage, timeoutMs: number, onProgress?: (f: number) => void): Promise<void> {
  if (spec.engine === 'cmd') throw new InputError(`--pixel auto with --${spec.role}-cmd needs --${spec.role}-image (a float image of that side)`, {field: `--${spec.role}-image`})
  const engine = await loadEngine(spec.engine)
  const why = engine.unavailableReason()
  if (why) throw new InputError(why, {field: `--${spec.role}-engine`})
  const extra = ['-floatfile', floatOut, '-intfile', stage.path(`${spec.role}.int.img`), '-nopgm', '-nonoise']
  try {
    await engine.run({args: [...args, ...extra], cwd, fixes: spec.fixes, faults: spec.faults, timeoutMs, onProgress})
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new SideFailure(spec.role, `full image failed: ${(e as Error).message.split('\n')[0]}`, (e as {stderrTail?: string}).stderrTail ?? '')
  }
}

async function runSideTrace(spec: SideSpec, args: string[], cwd: string, pixel: Pixel, out: string, timeoutMs: number): Promise<void> {
  if (spec.engine === 'cmd') return runTemplate(spec, {args, pixel, out, cwd}, timeoutMs)
  const engine = await loadEngine(spec.engine)
  const why = engine.unavailableReason()
  if (why) throw new InputError(why, {field: `--${spec.role}-engine`})
  try {
    await engine.run({args, cwd, fixes: spec.fixes, faults: spec.faults, tracePixel: pixel, traceOut: out, timeoutMs})
  } catch (e) {
    if (e instanceof InputError) throw e
    const err = e as Error & {stderrTail?: string}
    throw new SideFailure(spec.role, err.message.split('\n')[0], err.stderrTail ?? err.message.split('\n').slice(1).join('\n'))
  }
}

function reproScript(job: TraceJob, pixel: Pixel): string {
  const q = (xs: string[]) => xs.map(shellQuote).join(' ')
  const argv = job.argvForRepro.filter((a, i, all) => !a.startsWith('--pixel') && !(all[i - 1] === '--pixel' && a !== '--'))
  const dd = argv.indexOf('--')
  const flags = dd >= 0 ? argv.slice(0, dd) : argv
  const rest = dd >= 0 ? argv.slice(dd) : []
  const lines = [
    '#!/bin/sh',
    '# Reproduces this nbtrace run: the same pixel, the same sides, the same arguments.',
    'set -e',
    `cd ${shellQuote(resolve(job.cwd))}`,
    `npx nbtrace trace ${q([...flags, '--pixel', `${pixel.slow},${pixel.fast}`, ...rest])}`,
    '',
  ]
  return lines.join('\n')
}

function nonEmpty(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0
}

export async function runTraceJob(job: TraceJob): Promise<TraceJobResult> {
  const demo = job.args.length === 0
  const args = demo ? DEMO_ARGS : job.args
  const stage = new Stage(job.outDir)
  const say = job.onStatus ?? (() => {})
  try {
    let pixel: Pixel
    let pixelReason: string
    let parity: TraceJobResult['parity'] = null
    if (job.pixel === 'auto') {
      const refImg = job.refImage ? resolve(job.cwd, job.refImage) : stage.path('ref.float.bin')
      const candImg = job.candImage ? resolve(job.cwd, job.candImage) : stage.path('cand.float.bin')
      // both images run at once: progress is the mean of the two
      const done = [job.refImage ? 1 : 0, job.candImage ? 1 : 0]
      const part = (i: number) => (f: number): void => {
        done[i] = f
        job.onProgress?.((done[0] + done[1]) / 2)
      }
      const need = [!job.refImage && runSideImage(job.ref, args, job.cwd, refImg, stage, job.timeoutMs, part(0)), !job.candImage && runSideImage(job.cand, args, job.cwd, candImg, stage, job.timeoutMs, part(1))].filter(Boolean)
      if (need.length) say(`running full images (${need.length}) to choose the pixel…`)
      await Promise.all(need)
      const {runParity} = await import('../parity/index.js')
      const p = await runParity(refImg, candImg, {png: stage.path('heatmap.png'), ...(job.size ? {size: parseSize(job.size)} : {})})
      writeFileSync(stage.path('parity.json'), JSON.stringify(p, null, 2) + '\n')
      parity = {pass: p.pass, correlation: p.metrics.correlation, sumRatio: p.metrics.sumRatio}
      pixel = {slow: p.suggestion.pixel.slow, fast: p.suggestion.pixel.fast}
      pixelReason = p.suggestion.reason
      for (const f of ['ref.int.img', 'cand.int.img']) {
        try {
          (await import('node:fs')).rmSync(stage.path(f), {force: true})
        } catch {
          /* not written */
        }
      }
    } else if (job.pixel) {
      pixel = job.pixel
      pixelReason = 'given with --pixel'
    } else if (demo) {
      pixel = DEMO_PIXEL
      pixelReason = 'on-peak pixel of the built-in demonstration configuration'
    } else {
      throw new InputError('expected --pixel S,F or --pixel auto', {field: '--pixel'})
    }
    say(`tracing pixel (slow ${pixel.slow}, fast ${pixel.fast}): ${sideName(job.ref)} vs ${sideName(job.cand)}…`)
    const refOut = stage.path('ref.jsonl')
    const candOut = stage.path('cand.jsonl')
    const results = await Promise.allSettled([
      runSideTrace(job.ref, args, job.cwd, pixel, refOut, job.timeoutMs),
      runSideTrace(job.cand, args, job.cwd, pixel, candOut, job.timeoutMs),
    ])
    // a side that died after writing part of its trace (crash mid-trace) is still compared: its
    // trace is reported as truncated with the last record seen, next to the side's stderr tail
    let crashed: SideFailure | null = null
    for (const [k, r] of results.entries()) {
      if (r.status !== 'rejected') continue
      const other = results[1 - k]
      if (!crashed && r.reason instanceof SideFailure && other.status === 'fulfilled' && nonEmpty(k === 0 ? refOut : candOut)) crashed = r.reason
      else throw r.reason
    }
    const staged = await job.compare(refOut, candOut)
    // the report names the traces where they will live, not the staging folder
    const finalDir = resolve(job.outDir)
    const rename = (s: string): string => s.split(stage.dir).join(finalDir)
    const cmp = {...staged, report: JSON.parse(rename(JSON.stringify(staged.report))) as Record<string, unknown>, patch: rename(staged.patch), text: rename(staged.text)}
    let failure: TraceJobResult['failure'] = null
    if (crashed) {
      const cut = (cmp.report[crashed.role] as {truncated?: string | null} | undefined)?.truncated
      // a complete trace from a side that then failed: the failure stands, nothing is written
      if (!cut) throw crashed
      failure = {side: crashed.role, what: `${crashed.what}; its trace is truncated: ${cut}`, stderrTail: crashed.stderrTail}
      writeFileSync(stage.path(`${crashed.role}.stderr.txt`), crashed.stderrTail + (crashed.stderrTail ? '\n' : ''))
    }
    writeFileSync(stage.path('report.json'), JSON.stringify(cmp.report, null, 2) + '\n')
    writeFileSync(stage.path('diff.patch'), cmp.patch)
    writeFileSync(stage.path('repro.sh'), reproScript(job, pixel), {mode: 0o755})
    const artifacts = stage.commit()
    const status = cmp.report.status as TraceJobResult['status']
    return {
      status, exitCode: cmp.exitCode, pixel, pixelReason, demo, outDir: resolve(job.outDir),
      artifacts: artifacts.map((a) => relative(process.cwd(), a) || a), report: cmp.report, text: cmp.text, parity,
      failure,
    }
  } catch (e) {
    stage.discard()
    if (e instanceof SideFailure) {
      return {
        status: 'failed', exitCode: 1, pixel: job.pixel && job.pixel !== 'auto' ? job.pixel : DEMO_PIXEL, pixelReason: '', demo,
        outDir: resolve(job.outDir), artifacts: [], report: null, text: '', parity: null,
        failure: {side: e.role, what: e.what, stderrTail: e.stderrTail},
      }
    }
    throw e
  }
}

export function parseSize(s: string): {fast: number; slow: number} {
  const m = s.match(/^(\d+)x(\d+)$/)
  if (!m) throw new InputError(`expected FASTxSLOW, found ${s}`, {field: '--size'})
  return {fast: Number(m[1]), slow: Number(m[2])}
}
