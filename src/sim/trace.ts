// Trace assembly: the header (producer, config, inputs) and the value records in the order of
// docs/trace-points.md: set-up values (catalogue order), mosaic domains, sources, the pixel.
import {loadCatalogue} from '../catalogue/catalogue.js'
import {makeHeader} from '../trace/header.js'
import type {HeaderRecord, TraceSink} from '../trace/records.js'
import type {Model} from './model.js'
import {computePixel} from './pixel.js'
import {carryAt} from './render.js'

export const PRODUCER_NAME = 'nbtrace-ts'
export const PRODUCER_VERSION = '0.1.0'

export function traceHeader(m: Model, pixel: {slow: number; fast: number}, fixes: readonly string[], faults: readonly string[], threads = 1): HeaderRecord {
  return makeHeader({
    producer: {
      name: PRODUCER_NAME,
      version: PRODUCER_VERSION,
      language: 'typescript',
      precision: 'float64',
      flags: {engine: 'ts', threads, node: process.version},
      fixes: [...fixes],
      faults: [...faults],
    },
    pixel,
    args: m.parsed.args,
    config: m.parsed.config,
    inputs: m.inputs,
  })
}

/** Emits the set-up, domain and source records. */
export function emitSetup(m: Model, sink: TraceSink): void {
  for (const v of loadCatalogue().variables) {
    if (v.loop.length !== 0) continue
    const val = m.setupValues.get(v.name)
    if (val !== undefined) sink.value(v.name, {}, val)
  }
  m.domains.forEach((d, mosaic) => {
    sink.value('mosaic_rng_draws', {mosaic}, d.draws)
    sink.value('mosaic_angle', {mosaic}, d.angle)
    sink.value('mosaic_umat', {mosaic}, d.umat)
  })
  m.sources.forEach((s, source) => {
    sink.value('source_dir', {source}, s.dir)
    sink.value('source_lambda', {source}, s.lambda)
    sink.value('source_weight', {source}, s.weight)
  })
}

/** Traces pixel (slow, fast): set-up records, then the pixel with the serial carried state. Returns I_pixel_final. */
export function tracePixel(m: Model, slow: number, fast: number, sink: TraceSink): number {
  const k = m.kernel
  emitSetup(m, sink)
  const st = carryAt(k, slow, fast)
  return computePixel(k, slow, fast, st, sink)
}
