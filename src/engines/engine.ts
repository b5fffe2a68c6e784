// What the CLI needs from a simulator engine (TypeScript in-process, or the C binary).
import type {Pixel} from '../trace/records.js'
import type {SimSummary} from '../sim/run.js'

export interface EngineRunOptions {
  /** nanoBragg command-line arguments, exactly as a user would give them. */
  args: string[]
  /** Directory that relative input and output paths in args are resolved against. */
  cwd: string
  /** Reference quirks switched to the physically intended behaviour (ids from schemas/faults.json "fixes"). */
  fixes?: string[]
  /** Planted porting faults (ids from schemas/faults.json "faults"). */
  faults?: string[]
  /** Threads over detector rows for full images: worker threads (TypeScript engine, default 1),
   * POSIX threads (C engine, NBTRACE_THREADS; default: its environment, else every CPU). */
  threads?: number
  /** Trace this pixel only (fast, no full image) and write a contract trace to traceOut. */
  tracePixel?: Pixel
  traceOut?: string
  /** Kill the child process (C engine) after this many milliseconds; undefined or 0: no limit.
   * The TypeScript engine runs in-process and has no timeout. */
  timeoutMs?: number
  /** Progress callback (fraction done, 0..1) for long runs. */
  onProgress?: (fraction: number) => void
}

/** What a run reports about its image (the TypeScript engine's own summary; the C engine prints the same fields). */
export type EngineSummary = SimSummary

export interface EngineRunResult {
  /** Files written (absolute paths). */
  outputs: string[]
  summary: EngineSummary | null
  warnings: string[]
}

export interface Engine {
  readonly name: 'ts' | 'c'
  /** null when usable, otherwise a one-line reason (e.g. no C compiler was found at install). */
  unavailableReason(): string | null
  run(opts: EngineRunOptions): Promise<EngineRunResult>
}
