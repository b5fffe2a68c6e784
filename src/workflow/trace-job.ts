// `nbtrace trace`: from nanoBragg arguments to evidence. Picks the pixel (given, or the one
// carrying the largest share of the image discrepancy), runs reference and candidate for that
// pixel at the same time, compares the traces, and stages every artifact (both traces,
// report.json, diff.patch, parity.json and heatmap.png when images were made, repro.sh, the
// manifest) before the staging folder replaces the evidence folder whole (./evidence.ts).
// The report is typed and names the traces where they will live: the final paths are decided
// before anything is rendered.
import {rmSync, statSync, writeFileSync} from 'node:fs'
import {relative, resolve} from 'node:path'
import {loadEngine} from '../engines/load.js'
import type {Report} from '../compare/report.js'
import {contextPatch} from '../report/diff.js'
import {EngineFailure, InputError} from '../util/errors.js'
import type {PathRole} from '../util/files.js'
import {parseSize, type PixelIndex} from '../util/parse.js'
import type {CompareHook} from './compare-hook.js'
import {DEMO_ARGS, DEMO_PIXEL} from './demo.js'
import {checkEvidenceFolder, EvidenceStage} from './evidence.js'
import {reproScript} from './repro.js'
import {runTemplate, SideFailure, type Role, type SideSpec, type TemplateRun} from './sides.js'

export interface TraceJob {
  args: string[]
  cwd: string
  pixel: PixelIndex | 'auto' | null
  outDir: string
  ref: SideSpec
  cand: SideSpec
  refImage?: string
  candImage?: string
  size?: string
  /** per side; 0: no limit */
  timeoutMs: number
  /** cap on a trace an external program writes to stdout */
  maxStdoutBytes: number
  compare: CompareHook
  /** how repro.sh starts nbtrace (see repro.ts currentCli) */
  cli: string[]
  /** the arguments of `trace` as given (for repro.sh and the manifest) */
  argv: string[]
  onStatus?: (line: string) => void
  /** progress (0..1) of the full images run by --pixel auto */
  onProgress?: (fraction: number) => void
}

export interface TraceJobResult {
  status: 'agree' | 'diverged' | 'mismatch' | 'failed'
  /** 0 agree, 1 diverged or not comparable, 3 a side failed (nothing compared): see SIDE_FAILED */
  exitCode: 0 | 1 | 3
  pixel: PixelIndex
  pixelReason: string
  demo: boolean
  outDir: string
  artifacts: string[]
  /** the compare report, naming the traces at their final paths */
  report: Report | null
  parity: {pass: boolean; correlation: number | null; sumRatio: number | null} | null
  failure: {side: Role; what: string; stderrTail: string} | null
}

/**
 * Exit status of a run whose reference or candidate failed (crashed, timed out, wrote no trace):
 * not 1, which tells scripts that the traces diverged.
 */
export const SIDE_FAILED = 3

const sideName = (s: SideSpec): string => (s.engine === 'cmd' ? 'external command' : s.engine === 'c' ? 'C engine' : 'TypeScript engine')

/** What a staged file is, for messages once the staging folder is gone. */
const STAGED_LABEL: Record<string, string> = {
  'ref.jsonl': 'the reference trace',
  'cand.jsonl': 'the candidate trace',
  'ref.float.bin': 'the reference image',
  'cand.float.bin': 'the candidate image',
  'ref.int.img': 'the reference image',
  'cand.int.img': 'the candidate image',
}

function sideError(role: Role, e: unknown): unknown {
  if (e instanceof InputError || e instanceof SideFailure) return e
  const err = e as Error
  const tail = e instanceof EngineFailure ? e.stderrTail : err.message.split('\n').slice(1).join('\n')
  return new SideFailure(role, err.message.split('\n')[0], tail)
}

async function runSideImage(spec: SideSpec, job: TraceJob, args: string[], floatOut: string, intOut: string, onProgress?: (f: number) => void): Promise<void> {
  if (spec.engine === 'cmd')
    throw new InputError(`--pixel auto with --${spec.role}-cmd needs --${spec.role}-image (a float image of that side)`, {field: `--${spec.role}-image`})
  const engine = await loadEngine(spec.engine, `--${spec.role}-engine`)
  // nbtrace's own engines parse -misset_seed correctly, so flags after the user's are safe here
  const extra = ['-floatfile', floatOut, '-intfile', intOut, '-nopgm', '-nonoise']
  try {
    await engine.run({args: [...args, ...extra], cwd: job.cwd, fixes: spec.fixes, faults: spec.faults, timeoutMs: job.timeoutMs, onProgress})
  } catch (e) {
    const f = sideError(spec.role, e)
    if (f instanceof SideFailure) throw new SideFailure(spec.role, `full image failed: ${f.what}`, f.stderrTail)
    throw f
  }
}

function runSideTrace(spec: SideSpec, job: TraceJob, args: string[], pixel: PixelIndex, out: string): Promise<void> {
  return traceSide(spec, {args, pixel, out, cwd: job.cwd, timeoutMs: job.timeoutMs, maxStdoutBytes: job.maxStdoutBytes})
}

/**
 * One side's trace of one pixel into run.out: a built-in engine (single-pixel mode) or the
 * side's command template. What `trace` runs for each side, exported for the commands that trace
 * many configurations of the same sides (reduce). A side that fails throws SideFailure.
 */
export async function traceSide(spec: SideSpec, run: TemplateRun): Promise<void> {
  if (spec.engine === 'cmd') return runTemplate(spec, run)
  const engine = await loadEngine(spec.engine, `--${spec.role}-engine`)
  try {
    await engine.run({args: run.args, cwd: run.cwd, fixes: spec.fixes, faults: spec.faults, tracePixel: run.pixel, traceOut: run.out, timeoutMs: run.timeoutMs})
  } catch (e) {
    throw sideError(spec.role, e)
  }
}

/** An engine error names the engine's own options; `trace` has other flags for them. */
const TRACE_FLAG: Record<string, string> = {'--trace-pixel': '--pixel', '--trace-out': '--out'}

/** Rewrites an error so that it names trace's flags and no path inside the (discarded) staging folder. */
function forUser(e: unknown, stage: EvidenceStage): unknown {
  if (!(e instanceof InputError)) return e
  const staged = (p: string): string => {
    const name = relative(stage.dir, p)
    return `${STAGED_LABEL[name] ?? name} (not kept: the run failed)`
  }
  const field = e.field !== undefined ? (TRACE_FLAG[e.field] ?? e.field) : undefined
  const file = e.file !== undefined && stage.holds(e.file) ? staged(e.file) : e.file
  const message = e.message.split(stage.dir + '/').join('')
  if (field === e.field && file === e.file && message === e.message) return e
  return new InputError(message, {file, line: e.line, field})
}

export async function runTraceJob(job: TraceJob): Promise<TraceJobResult> {
  const demo = job.args.length === 0
  const args = demo ? DEMO_ARGS : job.args
  if (job.pixel !== 'auto' && (job.refImage || job.candImage)) {
    throw new InputError('--ref-image/--cand-image choose the pixel: they go with --pixel auto', {field: job.refImage ? '--ref-image' : '--cand-image'})
  }
  const inputs: PathRole[] = [
    ...(job.refImage ? [{path: resolve(job.cwd, job.refImage), field: '--ref-image'}] : []),
    ...(job.candImage ? [{path: resolve(job.cwd, job.candImage), field: '--cand-image'}] : []),
  ]
  const size = job.size !== undefined ? parseSize(job.size, '--size') : undefined
  if (job.pixel === null && !demo) throw new InputError('expected --pixel S,F or --pixel auto', {field: '--pixel'})
  // everything that can be refused is refused before any work
  checkEvidenceFolder(job.outDir, job.cwd, inputs)
  const stage = new EvidenceStage(job.outDir, job.cwd)
  const say = job.onStatus ?? (() => {})
  try {
    let pixel: PixelIndex
    let pixelReason: string
    let parity: TraceJobResult['parity'] = null
    if (job.pixel === 'auto') {
      const refImg = job.refImage ? resolve(job.cwd, job.refImage) : stage.path('ref.float.bin')
      const candImg = job.candImage ? resolve(job.cwd, job.candImage) : stage.path('cand.float.bin')
      // both images run at once: progress is the mean of the two
      const done = [job.refImage ? 1 : 0, job.candImage ? 1 : 0]
      const part =
        (i: number) =>
        (f: number): void => {
          done[i] = f
          job.onProgress?.((done[0] + done[1]) / 2)
        }
      const need = [
        !job.refImage && runSideImage(job.ref, job, args, refImg, stage.path('ref.int.img'), part(0)),
        !job.candImage && runSideImage(job.cand, job, args, candImg, stage.path('cand.int.img'), part(1)),
      ].filter((p): p is Exclude<typeof p, false> => p !== false)
      if (need.length) say(`running full images (${need.length}) to choose the pixel…`)
      await Promise.all(need)
      const {runParity} = await import('../parity/index.js')
      const p = await runParity(refImg, candImg, {png: stage.path('heatmap.png'), ...(size ? {size} : {})})
      writeFileSync(stage.path('parity.json'), JSON.stringify(p, null, 2) + '\n')
      parity = {pass: p.pass, correlation: p.metrics.correlation, sumRatio: p.metrics.sumRatio}
      pixel = {slow: p.suggestion.pixel.slow, fast: p.suggestion.pixel.fast}
      pixelReason = p.suggestion.reason
      for (const f of ['ref.int.img', 'cand.int.img']) rmSync(stage.path(f), {force: true})
    } else if (job.pixel) {
      pixel = job.pixel
      pixelReason = 'given with --pixel'
    } else {
      pixel = DEMO_PIXEL
      pixelReason = 'on-peak pixel of the built-in demonstration configuration'
    }
    say(`tracing pixel (slow ${pixel.slow}, fast ${pixel.fast}): ${sideName(job.ref)} vs ${sideName(job.cand)}…`)
    const refOut = stage.path('ref.jsonl')
    const candOut = stage.path('cand.jsonl')
    const results = await Promise.allSettled([runSideTrace(job.ref, job, args, pixel, refOut), runSideTrace(job.cand, job, args, pixel, candOut)])
    // a side that died after writing part of its trace (crash mid-trace) is still compared: its
    // trace is reported as truncated with the last record seen, next to the side's stderr tail
    let crashed: SideFailure | null = null
    for (const [k, r] of results.entries()) {
      if (r.status !== 'rejected') continue
      const other = results[1 - k]
      const written = k === 0 ? refOut : candOut
      if (!crashed && r.reason instanceof SideFailure && other.status === 'fulfilled' && nonEmpty(written)) crashed = r.reason
      else throw r.reason
    }
    const staged = await job.compare(refOut, candOut)
    // the report as it is stored and shown: the traces at their final paths
    const report: Report = {
      ...staged,
      ref: {...staged.ref, file: stage.finalPath('ref.jsonl')},
      cand: {...staged.cand, file: stage.finalPath('cand.jsonl')},
    }
    let failure: TraceJobResult['failure'] = null
    if (crashed) {
      const cut = report[crashed.role].truncated
      // a complete trace from a side that then failed: the failure stands, nothing is written
      if (!cut) throw crashed
      failure = {side: crashed.role, what: `${crashed.what}; its trace is truncated: ${cut}`, stderrTail: crashed.stderrTail}
      writeFileSync(stage.path(`${crashed.role}.stderr.txt`), crashed.stderrTail + (crashed.stderrTail ? '\n' : ''))
    }
    writeFileSync(stage.path('report.json'), JSON.stringify(report, null, 2) + '\n')
    writeFileSync(stage.path('diff.patch'), contextPatch(report))
    writeFileSync(stage.path('repro.sh'), reproScript({cli: job.cli, cwd: resolve(job.cwd), argv: job.argv, pixel, outDir: stage.outDir}), {mode: 0o755})
    const artifacts = stage.commit(['trace', ...job.argv], inputs)
    return {
      status: report.status,
      exitCode: report.status === 'agree' ? 0 : 1,
      pixel,
      pixelReason,
      demo,
      outDir: stage.outDir,
      artifacts: artifacts.map((a) => relative(job.cwd, a) || a),
      report,
      parity,
      failure,
    }
  } catch (e) {
    stage.discard()
    if (e instanceof SideFailure) {
      return {
        status: 'failed',
        exitCode: SIDE_FAILED,
        pixel: job.pixel && job.pixel !== 'auto' ? job.pixel : DEMO_PIXEL,
        pixelReason: '',
        demo,
        outDir: stage.outDir,
        artifacts: [],
        report: null,
        parity: null,
        failure: {side: e.role, what: e.what, stderrTail: e.stderrTail},
      }
    }
    throw forUser(e, stage)
  }
}

function nonEmpty(path: string): boolean {
  try {
    return statSync(path).size > 0
  } catch {
    return false
  }
}
