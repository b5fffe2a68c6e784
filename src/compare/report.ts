// The Report: what `nbtrace compare --json` prints and what `trace` writes as report.json.
// schemas/report.schema.json describes the same object; test/align/report-schema.test.ts walks
// this type with the TypeScript checker and fails when the two disagree (a property, whether it
// is required, a literal union against an enum).
import type {Loop} from '../trace/records.js'
import type {LoopShapeFinding} from '../align/shape.js'
import type {PrintingFinding} from '../classify/printing.js'
import type {PrecisionProfile} from '../align/tolerance.js'

export type {LoopShapeFinding, PrintingFinding}

export type Status = 'agree' | 'diverged' | 'mismatch'
export type JsonNum = number | 'NaN' | 'Infinity' | '-Infinity' | null
/** a divergence class: one of the catalogue's `classes` (schemas/catalogue.json) */
export type DivergenceClass = string

export interface ReportDivergence {
  name: string
  loop: Loop | null
  occurrence?: number
  class: DivergenceClass | null
  label?: string
  ref: unknown
  cand: unknown
  absDiff: JsonNum
  relDiff: JsonNum
  ratio: JsonNum
  ulps: JsonNum
  components?: number[]
  refLine: number
  candLine: number
}

export interface FirstDivergence extends ReportDivergence {
  evidence: string[]
}

export interface ReportRootCause extends ReportDivergence {
  class: DivergenceClass
  evidence: string[]
  iterations: number
  cascade: number
  downstream: string[]
}

export interface ContextLine {
  index: number
  key: string
  ref: string | null
  cand: string | null
  refLine: number | null
  candLine: number | null
  divergent: boolean
}

export interface SideInfo {
  file: string
  format: 'nbtrace' | 'legacy'
  producer: string
  precision: string
  pixel: {slow: number; fast: number} | null
  records: number
  truncated: string | null
}

export interface ConfigDiff {
  key: string
  ref: unknown
  cand: unknown
}

export interface ProducerInfo {
  name: string
  version: string
  fixes: string[]
  faults: string[]
}

export interface Provenance {
  /** differences that stop the numeric comparison (unless --ignore-config) */
  blocking: boolean
  class: 'configuration' | 'pixel' | null
  pixel: {ref: {slow: number; fast: number} | null; cand: {slow: number; fast: number} | null; match: boolean; transposed: boolean}
  /** two different pixels told from the values (permuted position vectors, equal scalars) */
  pixelFromValues: string | null
  config: ConfigDiff[]
  /** config known on both sides */
  configCompared: boolean
  inputs: {role: string; ref: string | null; cand: string | null; refPath: string | null; candPath: string | null}[]
  precision: {ref: string; cand: string; match: boolean}
  producers: {ref: ProducerInfo; cand: ProducerInfo}
  notes: string[]
}

export interface Report {
  schema: 'nbtrace-compare-report'
  version: 1
  status: Status
  verdict: string
  ref: SideInfo
  cand: SideInfo
  alignment: {mode: 'keyed' | 'occurrence'; note: string; maxPending: number; textEqual: number}
  tolerance: {
    precision: PrecisionProfile
    rtol: number | null
    atol: number | null
    ulps: number | null
    overrides: Record<string, {rtol: number; atol?: number}>
    strictZero: boolean
  }
  provenance: Provenance & {ignored: boolean}
  loopShape: LoopShapeFinding[]
  /** values off by an exact unit factor whose traced consumers agree (never root causes) */
  printing: PrintingFinding[]
  /** the pixel's final value (catalogue role final-pixel-value) when both sides trace it */
  finalPixel: {name: string; agrees: boolean; relDiff: JsonNum} | null
  unmatched: {onlyRef: string[]; onlyCand: string[]}
  firstDivergence: FirstDivergence | null
  rootCauses: ReportRootCause[]
  counts: {matched: number; agree: number; diverged: number; onlyRef: number; onlyCand: number; cascade: number; refRecords: number; candRecords: number}
  context: ContextLine[]
  elapsedMs: number
}

export function jsonNum(x: number | null | undefined): JsonNum {
  if (x === null || x === undefined) return null
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  return x
}

export function jsonValue(v: unknown): unknown {
  if (typeof v === 'number') return jsonNum(v)
  if (Array.isArray(v)) return v.map(jsonValue)
  return v
}
