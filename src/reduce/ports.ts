// The narrow interfaces reduce uses from the rest of nbtrace, in one file so that a restructuring
// elsewhere changes imports here only:
//  * trace one pixel on both sides of `trace` (engines, command templates, fixes, injections) and
//    get the typed compare report, with each side's wall time;
//  * read a trace's set-up loop extents and its values (trace/source, the one reader);
//  * the faithful model of a configuration (the TypeScript engine's set-up, no pixel computed);
//  * the evidence folder, repro helpers and side parsing of `trace`.
import {performance} from 'node:perf_hooks'
import type {PixelIndex} from '../util/parse.js'
import type {Report} from '../compare/report.js'
import type {CompareHook} from '../workflow/compare-hook.js'
import {SideFailure, type Role, type SideSpec} from '../workflow/sides.js'
import {traceSide} from '../workflow/trace-job.js'

export type {Report, ReportRootCause} from '../compare/report.js'
export type {CompareHook} from '../workflow/compare-hook.js'
export {compareForTrace} from '../workflow/compare-hook.js'
export {parseSide, roleName, SideFailure, type Role, type SideSpec} from '../workflow/sides.js'
export {SIDE_FAILED} from '../workflow/trace-job.js'
export {checkEvidenceFolder, EvidenceStage} from '../workflow/evidence.js'
export {currentCli} from '../workflow/repro.js'
export {shellQuote} from '../workflow/template.js'
export {absoluteInputs, nanoBraggFiles} from '../engines/files.js'
export {buildModel} from '../engines/ts.js'
export {openSide, setupExtents} from '../trace/source/index.js'
export {contextPatch} from '../report/diff.js'
export {parseArgs} from '../sim/cli.js'
export {parseSourceText} from '../sim/sources.js'
export {readHkl} from '../sim/structure-factor.js'

export interface PairOptions {
  ref: SideSpec
  cand: SideSpec
  args: string[]
  /** the folder the arguments' relative paths are relative to */
  cwd: string
  pixel: PixelIndex
  refOut: string
  candOut: string
  /** per side; 0: no limit */
  timeoutMs: number
  maxStdoutBytes: number
  compare: CompareHook
}

export type PairRun =
  | {ok: true; report: Report; seconds: Record<Role, number>}
  | {ok: false; failure: {side: Role; what: string; stderrTail: string}; seconds: Record<Role, number>}

/** Traces the pixel on both sides at once, then compares the two traces. */
export async function tracePair(o: PairOptions): Promise<PairRun> {
  const seconds: Record<Role, number> = {ref: 0, cand: 0}
  const one = async (spec: SideSpec, out: string): Promise<void> => {
    const t0 = performance.now()
    try {
      await traceSide(spec, {args: o.args, cwd: o.cwd, pixel: o.pixel, out, timeoutMs: o.timeoutMs, maxStdoutBytes: o.maxStdoutBytes})
    } finally {
      seconds[spec.role] = (performance.now() - t0) / 1000
    }
  }
  // the TypeScript engine runs in this process and holds it while it computes: a side running
  // next to it would be timed until the engine lets go, so such pairs run one after the other
  const inProcess = o.ref.engine === 'ts' || o.cand.engine === 'ts'
  const settle = (p: Promise<void>): Promise<PromiseSettledResult<void>> =>
    p.then(
      (value) => ({status: 'fulfilled' as const, value}),
      (reason: unknown) => ({status: 'rejected' as const, reason}),
    )
  const results = inProcess
    ? [await settle(one(o.ref, o.refOut)), await settle(one(o.cand, o.candOut))]
    : await Promise.allSettled([one(o.ref, o.refOut), one(o.cand, o.candOut)])
  for (const r of results) {
    if (r.status === 'fulfilled') continue
    if (r.reason instanceof SideFailure) return {ok: false, failure: {side: r.reason.role, what: r.reason.what, stderrTail: r.reason.stderrTail}, seconds}
    throw r.reason
  }
  return {ok: true, report: await o.compare(o.refOut, o.candOut), seconds}
}
