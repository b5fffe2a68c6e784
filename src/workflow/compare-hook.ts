// The comparison step of `nbtrace trace`: the same library call as `nbtrace compare`, returning
// the typed report. Rendering (and colour) is the command's business.
import type {PrecisionProfile} from '../align/tolerance.js'
import {compareTraces} from '../compare/pipeline.js'
import type {Report} from '../compare/report.js'

export type CompareHook = (ref: string, cand: string) => Promise<Report>

export function compareForTrace(o: {precision?: PrecisionProfile; ignoreConfig?: boolean}): CompareHook {
  return (ref, cand) => compareTraces(ref, cand, {precision: o.precision, ignoreConfig: o.ignoreConfig})
}
