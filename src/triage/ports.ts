// The narrow interfaces triage uses from the rest of nbtrace, in one file so a restructuring
// elsewhere changes imports here only:
//  * compare two trace files and get the typed report;
//  * trace one pixel on a side (C engine, external command template) or render a side's image;
//  * the faithful configuration's set-up values (geometry, detector size);
//  * the values of a few loop-free variables of a trace (the factors of the final pixel value).
import {Chalk} from 'chalk'
import type {TraceValue} from '../trace/records.js'
import {compareTraces} from '../compare/pipeline.js'
import type {Report} from '../compare/report.js'
import {contextPatch} from '../report/diff.js'
import {renderReport} from '../report/text.js'
import {openSide} from '../trace/source/index.js'
import type {Pixel} from '../trace/records.js'
import {InputError} from '../util/errors.js'
import {EngineFailure} from '../util/errors.js'
import {loadEngine} from '../engines/load.js'
import {runTemplate, SideFailure, type SideSpec} from '../workflow/sides.js'
import type {PrecisionProfile} from '../align/tolerance.js'

export type {Report, ReportRootCause} from '../compare/report.js'
export {SideFailure, parseSide, type SideSpec} from '../workflow/sides.js'
export {checkEvidenceFolder, EvidenceStage} from '../workflow/evidence.js'
export {SIDE_FAILED} from '../workflow/trace-job.js'
export {DEMO_ARGS} from '../workflow/demo.js'

/** Compares two trace files (contract or legacy, detected) and returns the report. */
export function compareTraceFiles(ref: string, cand: string, o: {precision?: PrecisionProfile} = {}): Promise<Report> {
  return compareTraces(ref, cand, {precision: o.precision})
}

/** The plain-text rendering and the unified diff of a report (for a pixel's evidence folder). */
export function reportText(r: Report): {text: string; patch: string} {
  return {text: renderReport(r, {all: true, chalk: new Chalk({level: 0})}), patch: contextPatch(r)}
}

function sideError(spec: SideSpec, what: string, e: unknown): never {
  if (e instanceof InputError || e instanceof SideFailure) throw e
  const err = e as Error
  const tail = e instanceof EngineFailure ? e.stderrTail : err.message.split('\n').slice(1).join('\n')
  throw new SideFailure(spec.role, `${what}${err.message.split('\n')[0]}`, tail)
}

/** A cap on a trace an external program writes to stdout (trace's --max-trace-mb default). */
const MAX_STDOUT_BYTES = 1024 * 1024 * 1024

/** Traces one pixel on a C-engine or external-command side into `out`. */
export async function traceOnSide(spec: SideSpec, args: string[], cwd: string, pixel: Pixel, out: string, timeoutMs: number): Promise<void> {
  if (spec.engine === 'cmd') return runTemplate(spec, {args, pixel, out, cwd, timeoutMs, maxStdoutBytes: MAX_STDOUT_BYTES})
  const engine = await loadEngine(spec.engine, `--${spec.role}-engine`)
  try {
    await engine.run({args, cwd, fixes: spec.fixes, faults: spec.faults, tracePixel: pixel, traceOut: out, timeoutMs})
  } catch (e) {
    sideError(spec, '', e)
  }
}

/** Renders a built-in engine side's float image into `floatOut` (its SMV image goes to `intOut`). */
export async function imageOnSide(
  spec: SideSpec,
  args: string[],
  cwd: string,
  floatOut: string,
  intOut: string,
  timeoutMs: number,
  threads: number,
  onProgress?: (f: number) => void,
): Promise<void> {
  if (spec.engine === 'cmd')
    throw new InputError(`triage with --${spec.role}-cmd needs --${spec.role}-image (a float image of that side)`, {field: `--${spec.role}-image`})
  const engine = await loadEngine(spec.engine, `--${spec.role}-engine`)
  const extra = ['-floatfile', floatOut, '-intfile', intOut, '-nopgm', '-nonoise']
  try {
    await engine.run({args: [...args, ...extra], cwd, fixes: spec.fixes, faults: spec.faults, timeoutMs, threads, onProgress})
  } catch (e) {
    sideError(spec, 'full image failed: ', e)
  }
}

/** Refuses unknown fault and fix ids, and what the C engine does not have, before any work. */
export async function checkSide(spec: SideSpec): Promise<void> {
  if (spec.engine === 'cmd') return
  const {faultFlags, fixFlags} = await import('../sim/quirks.js')
  faultFlags(spec.faults)
  fixFlags(spec.fixes)
  if (spec.engine === 'c') {
    const {cFaults} = await import('../engines/c.js')
    const missing = spec.faults.filter((f) => !cFaults().includes(f))
    if (missing.length)
      throw new InputError(`the C engine has only the planted faults ${cFaults().join(', ')} (not ${missing.join(', ')}); use --${spec.role}-engine ts`, {
        field: `--${spec.role}-inject`,
      })
    if (spec.fixes.length) throw new InputError('the C engine reproduces the reference quirks and has no --fix switches', {field: `--${spec.role}-fix`})
  }
}

export interface Setup {
  fast: number
  slow: number
  values: Map<string, TraceValue>
  warnings: string[]
}

/** The faithful configuration's set-up values (bad arguments are an InputError). */
export async function configurationSetup(args: string[], cwd: string): Promise<Setup> {
  const {buildModel} = await import('../sim/model.js')
  const m = buildModel(args, {cwd})
  return {fast: m.kernel.fpixels, slow: m.kernel.spixels, values: m.setupValues, warnings: m.warnings}
}

/** Values of loop-free variables `names` in a trace file (first occurrence of each). */
export async function loopFreeValues(file: string, names: ReadonlySet<string>): Promise<Map<string, TraceValue>> {
  const out = new Map<string, TraceValue>()
  const side = await openSide('ref', file)
  const c = side.open()
  try {
    while (c.next() && out.size < names.size) {
      // canonical lines are filtered by name before anything is parsed
      if (c.rest > 0) {
        const n = c.name()
        if (n !== undefined && !names.has(n)) continue
      }
      const r = c.rec()
      if (!names.has(r.name) || r.comp || out.has(r.name) || (r.loop && Object.keys(r.loop).length)) continue
      out.set(r.name, r.value as TraceValue)
    }
  } finally {
    c.close()
  }
  return out
}
