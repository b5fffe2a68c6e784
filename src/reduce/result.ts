// What `nbtrace reduce --json` prints and what it writes as reduce.json. schemas/reduce.schema.json
// describes the same object; test/reduce/schema.test.ts checks the command's output against it.
import type {Role} from './ports.js'
import type {Cause} from './signature.js'
import type {Loops} from './dimensions.js'

export type StepOutcome =
  /** the same root cause persists: the reduction is kept */
  | 'kept'
  /** the pair agrees: the cause needs what was removed (evidence) */
  | 'vanished'
  /** another set of root causes (evidence for the ones lost) */
  | 'changed'
  /** a side failed, or the traces were not comparable */
  | 'failed'
  /** the loop count did not change */
  | 'no-effect'
  /** applied without a trial (a region of interest that provably keeps the pixel's value) */
  | 'applied'
  /** not tried, and why */
  | 'skipped'

export interface Step {
  /** 1-based; 0 for what was decided before the first run (the region of interest) */
  n: number
  dimension: 'sources' | 'mosaic' | 'oversample' | 'phi' | 'layers' | 'hkl' | 'roi'
  /** what was tried, in words */
  what: string
  /** the nanoBragg arguments of the trial (null when nothing ran) */
  args: string[] | null
  /** loop counts the trial's traces state */
  loops: Loops | null
  outcome: StepOutcome
  /** why this outcome, in one sentence (the evidence a vanished or changed cause gives) */
  detail: string
  /** the trial's root-cause signature (diverged trials) */
  causes: Cause[] | null
  /** wall time of the trial (both sides at once, and the comparison) */
  seconds: number
}

export interface SideCost {
  records: number
  seconds: number
}

export interface RunFigures {
  args: string[]
  /** the nanoBragg command line (input files the reduction wrote are named relative to the evidence folder) */
  command: string
  loops: Loops
  ref: SideCost
  cand: SideCost
}

export interface SideDesc {
  engine: 'c' | 'ts' | 'cmd'
  template: string | null
  fixes: string[]
  faults: string[]
}

export interface ReduceResult {
  schema: 'nbtrace-reduce'
  version: 1
  /** reduced: a divergence was reduced (exit 1); agree: nothing to reduce (exit 0); mismatch: the traces are not comparable (exit 1); failed: a side failed on the given configuration (exit 3) */
  status: 'reduced' | 'agree' | 'mismatch' | 'failed'
  exitCode: 0 | 1 | 3
  verdict: string
  pixel: {slow: number; fast: number}
  sides: Record<Role, SideDesc>
  /** the root cause held fixed (variable and class), as the given configuration shows it */
  signature: Cause[]
  /** the given configuration (run with the region of interest when one was applied) */
  original: RunFigures | null
  /** the smallest configuration showing the same root cause */
  minimal: RunFigures | null
  steps: Step[]
  /** what the trials that lost the cause tell about where it lives */
  evidence: string[]
  roi: {used: boolean; box: [number, number, number, number] | null; reason: string; verified: boolean | null}
  /** the minimal run's root causes with their loop coordinates */
  rootCauses: {name: string; class: string; loop: Record<string, number> | null}[]
  outDir: string | null
  artifacts: string[]
  failure: {side: Role; what: string; stderrTail: string} | null
  elapsedSeconds: number
}
