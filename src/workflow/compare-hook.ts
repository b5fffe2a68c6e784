// The comparison step of `nbtrace trace`: the same library call as `nbtrace compare`.
import {makeChalk} from '../cli/output.js'
import type {PrecisionProfile} from '../align/tolerance.js'
import {compareTraces} from '../compare/pipeline.js'
import {contextPatch} from '../report/diff.js'
import {renderReport} from '../report/text.js'
import type {CompareHook} from './trace.js'

export function compareForTrace(o: {precision?: PrecisionProfile; all?: boolean; ignoreConfig?: boolean}): CompareHook {
  return async (ref, cand) => {
    const report = await compareTraces(ref, cand, {precision: o.precision, ignoreConfig: o.ignoreConfig})
    return {
      report: report as unknown as Record<string, unknown>,
      exitCode: report.status === 'agree' ? 0 : 1,
      patch: contextPatch(report),
      text: renderReport(report, {chalk: makeChalk(), all: o.all ?? false}),
    }
  }
}
