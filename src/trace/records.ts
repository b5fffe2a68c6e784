// The trace contract as TypeScript types. schemas/trace.schema.json is the normative form;
// these types mirror it for the code that produces and consumes records.

import type {Loop, LoopName} from '../catalogue/catalogue.js'

// Loop axes are the catalogue's (catalogue.json loopOrder); re-exported for the record types.
export {LOOP_NAMES} from '../catalogue/catalogue.js'
export type {Loop, LoopName} from '../catalogue/catalogue.js'

/** A decoded traced value: a double (NaN/±Infinity/-0 allowed), an enum string, or an array (vec3, ivec3, mat3 row-major). */
export type TraceValue = number | string | number[]

export interface Pixel {
  slow: number
  fast: number
}

export interface InputFile {
  role: 'hkl' | 'sourcefile' | 'matrix' | 'fdump' | 'img' | 'mask' | 'log'
  path: string
  sha256: string
}

export interface Producer {
  name: string
  version: string
  commit?: string | null
  language?: string
  precision: 'float64' | 'float32' | 'unknown'
  flags?: Record<string, string | number | boolean | null>
  fixes?: string[]
  faults?: string[]
}

export interface LegacyInfo {
  /** the grammar family: TRACE_C, TRACE_PY, or an unknown producer's free-form log */
  producer: 'c' | 'py' | 'freeform'
  /** the producer profile (schemas/producers/NAME.json) */
  profile?: string
  source?: string
  lines: number
  recognized: number
  unrecognized: number
  unmapped?: string[]
  notes?: string[]
  /** a legacy log records no configuration */
  configuration?: 'not recorded'
  /** whether records carry full loop coordinates (true), some (partial) or none */
  coordinates?: 'true' | 'partial' | 'none'
  /** the loop extents used for the coordinates (catalogue set-up names), and their source */
  extents?: Record<string, {value: number; from: 'log' | 'other side'}>
  /** per variable, the indices printed on the axes the producer's gating restricts */
  gated?: Record<string, Partial<Record<LoopName, number[]>>>
}

export type Config = Record<string, unknown>

export interface HeaderRecord {
  type: 'header'
  schema: 'nbtrace-trace'
  version: 1
  format: 'nbtrace' | 'legacy'
  producer: Producer
  pixel: Pixel | null
  args: string[]
  config: Config | null
  configHash: string | null
  inputs: InputFile[]
  created: string
  catalogue?: number
  legacy?: LegacyInfo
}

export interface ValueRecord {
  type: 'value'
  seq: number
  name: string
  loop: Loop | null
  value: TraceValue
  origin?: {line: number; name: string; component?: string; digits?: number}
}

export interface FooterRecord {
  type: 'footer'
  count: number
  status: 'complete' | 'aborted'
  reason?: string
}

export type TraceRecord = HeaderRecord | ValueRecord | FooterRecord

/**
 * The single hook through which simulators emit values. A simulator holds `sink: TraceSink | null`
 * and guards each trace point with `if (sink)`, so tracing off costs one branch.
 */
export interface TraceSink {
  value(name: string, loop: Loop, value: TraceValue): void
}
