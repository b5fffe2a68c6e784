// The TypeScript engine end to end: build the model, render (serial or worker threads) or
// trace one pixel, write the files nanoBragg would write, summarize. The physics does not know
// its runner: the options and result types are declared here, and src/engines adapts to them.
import {isAbsolute, resolve} from 'node:path'
import {MemorySink, writeTrace} from '../trace/writer.js'
import type {HeaderRecord, ValueRecord} from '../trace/records.js'
import {InputError} from '../util/errors.js'
import {writeFileAtomicSync} from '../util/atomic.js'
import {floatFileBytes, imageStats, intImage, intScale, noiseImage, pgmImage, type ImageStats} from './image.js'
import {buildModel, type Model} from './model.js'
import {initialCarry} from './pixel.js'
import {renderRows} from './render.js'
import {renderThreaded} from './threads.js'
import {traceHeader, tracePixel} from './trace.js'

/** A run of the TypeScript engine. */
export interface SimRunOptions {
  /** nanoBragg command-line arguments, exactly as a user would give them */
  args: string[]
  /** directory that relative input and output paths in args are resolved against */
  cwd: string
  /** reference quirks switched to the physically intended behaviour (ids of schemas/faults.json "fixes") */
  fixes?: string[]
  /** planted porting faults (ids of schemas/faults.json "faults") */
  faults?: string[]
  /** worker threads for full images */
  threads?: number
  /** trace this pixel only and write a contract trace to traceOut */
  tracePixel?: {slow: number; fast: number}
  traceOut?: string
  /** progress callback (fraction done, 0..1) */
  onProgress?: (fraction: number) => void
}

export interface SimSummary {
  fpixels: number
  spixels: number
  sources: number
  steps: number
  oversample: number
  maxI: number
  meanI: number
}

export interface SimRunResult {
  /** files written (absolute paths) */
  outputs: string[]
  summary: SimSummary | null
  warnings: string[]
}

export interface SimulationResult {
  model: Model
  image: Float32Array
  stats: ImageStats
  outputs: string[]
  warnings: string[]
  overloads: number
}

/** Renders the float image (no files written). */
export async function renderImage(m: Model, threads = 1, onProgress?: (f: number) => void): Promise<Float32Array> {
  const k = m.kernel
  const img = new Float32Array(k.fpixels * k.spixels)
  if (threads > 1 && k.spixels > 1) return renderThreaded(m, threads, onProgress)
  const st = initialCarry(k)
  renderRows(k, img, 0, k.spixels, st, onProgress ? (row) => onProgress((row + 1) / k.spixels) : undefined)
  return img
}

/** Runs a full simulation and writes nanoBragg's output files relative to opts.cwd. */
export async function simulate(opts: SimRunOptions): Promise<SimulationResult> {
  const m = buildModel(opts.args, {cwd: opts.cwd, fixes: opts.fixes, faults: opts.faults})
  const img = await renderImage(m, opts.threads ?? 1, opts.onProgress)
  const stats = imageStats(m, img)
  const p = m.parsed
  const outputs: string[] = []
  const out = (name: string, data: Uint8Array): void => {
    const full = isAbsolute(name) ? name : resolve(opts.cwd, name)
    try {
      writeFileAtomicSync(full, data)
    } catch (e) {
      throw new InputError(`cannot write output: ${(e as Error).message}`, {file: name})
    }
    outputs.push(full)
  }
  for (const f of m.sideFiles) out(f.file, f.bytes)
  out(p.floatfilename, floatFileBytes(img))
  const scale = intScale(m, stats)
  out(p.intfilename, intImage(m, img, scale))
  if (p.writePgm) out(p.pgmfilename, pgmImage(m, img, stats, scale))
  let overloads = 0
  if (p.calculateNoise) {
    const n = noiseImage(m, img, m.seed)
    overloads = n.overloads
    out(p.noisefilename, n.bytes)
  }
  return {model: m, image: img, stats, outputs, warnings: m.warnings, overloads}
}

export function summaryOf(m: Model, stats: ImageStats | null): SimSummary {
  const k = m.kernel
  return {
    fpixels: k.fpixels,
    spixels: k.spixels,
    sources: k.nSources,
    steps: k.steps,
    oversample: k.oversample,
    maxI: stats ? stats.maxI : 0,
    meanI: stats ? stats.mean : 0,
  }
}

export interface InMemoryTrace {
  header: HeaderRecord
  values: ValueRecord[]
  /** I_pixel_final (double) */
  value: number
  model: Model
}

/** Traces one pixel in memory (no files). */
export function traceInMemory(opts: {args: string[]; cwd: string; pixel: {slow: number; fast: number}; fixes?: string[]; faults?: string[]}): InMemoryTrace {
  const m = buildModel(opts.args, {cwd: opts.cwd, fixes: opts.fixes, faults: opts.faults})
  const k = m.kernel
  const {slow, fast} = opts.pixel
  if (!(slow >= 0 && slow < k.spixels && fast >= 0 && fast < k.fpixels)) {
    throw new InputError(`pixel ${slow},${fast} is outside the ${k.spixels}x${k.fpixels} detector (slow,fast)`, {field: '--trace-pixel'})
  }
  const sink = new MemorySink()
  const value = tracePixel(m, slow, fast, sink)
  return {header: traceHeader(m, opts.pixel, opts.fixes ?? [], opts.faults ?? []), values: sink.values, value, model: m}
}

/** The Engine entry: a full run, or one traced pixel written to opts.traceOut. */
export async function runTs(opts: SimRunOptions): Promise<SimRunResult> {
  if (opts.tracePixel) {
    if (!opts.traceOut) throw new InputError('--trace-pixel needs --trace-out FILE', {field: '--trace-out'})
    const t = traceInMemory({args: opts.args, cwd: opts.cwd, pixel: opts.tracePixel, fixes: opts.fixes, faults: opts.faults})
    const target = isAbsolute(opts.traceOut) ? opts.traceOut : resolve(opts.cwd, opts.traceOut)
    await writeTrace(target, t.header, t.values)
    return {outputs: [target], summary: summaryOf(t.model, null), warnings: t.model.warnings}
  }
  const r = await simulate(opts)
  return {outputs: r.outputs, summary: summaryOf(r.model, r.stats), warnings: r.warnings}
}
