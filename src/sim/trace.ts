// Trace assembly: the header (producer, config, inputs) and the value records in the order of
// docs/trace-points.md: set-up values (catalogue order), mosaic domains, sources, the pixel.
import {loadCatalogue} from '../catalogue/catalogue.js'
import {makeHeader} from '../trace/header.js'
import type {HeaderRecord, TraceSink, TraceValue} from '../trace/records.js'
import type {Model} from './model.js'
import type {ThickSteps} from './setup.js'
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

/** The set-up values the trace records, by catalogue name (docs/trace-points.md). */
export function setupTraceValues(m: Model, o: {hklCount: number; mosaicSeed: number; thick: ThickSteps}): Map<string, TraceValue> {
  const sv = new Map<string, TraceValue>()
  const k = m.kernel
  const g = m.geometry
  const p = m.parsed
  const crystal = m.crystal
  const set = (name: string, v: TraceValue): void => void sv.set(name, v)
  set('fpixels', g.fpixels)
  set('spixels', g.spixels)
  set('pixel_size', g.pixelSize)
  set('oversample', k.oversample)
  set('subpixel_size', k.subpixelSize)
  set('detector_thicksteps', o.thick.thicksteps)
  set('detector_thick', o.thick.thick)
  set('detector_thickstep', o.thick.thickstep)
  set('detector_mu', o.thick.mu)
  set('phisteps', k.phisteps)
  set('phi0', k.phi0)
  set('phistep', k.phistep)
  set('mosaic_domains', k.mosaicDomains)
  set('mosaic_spread', k.mosaicSpread)
  set('n_sources', k.nSources)
  set('lambda0', p.lambda0)
  set('kahn_factor', p.polarization)
  set('nopolar', p.nopolar ? 1 : 0)
  set('N_cells', [k.Na, k.Nb, k.Nc])
  set('xtal_shape', p.xtalShape)
  set('fudge', p.fudge)
  set('default_F', p.defaultF)
  set('F_interpolation', k.interpolate === 1 ? 'tricubic' : 'nearest')
  set('hkl_count', o.hklCount)
  set('fluence', k.fluence)
  set('r_e_sqr', k.reSqr)
  set('steps', k.steps)
  set('water_size', p.waterSize)
  set('I_bg', k.Ibg)
  set('convention', g.convention)
  set('pivot', g.pivot)
  set('beam_vector', g.beam)
  set('polar_vector', g.polar)
  set('spindle_vector', g.spindle)
  set('twotheta_axis', g.twothetaAxis)
  set('detector_rotation', g.rot)
  set('twotheta', g.twotheta)
  set('fdet_vector', g.fdet)
  set('sdet_vector', g.sdet)
  set('odet_vector', g.odet)
  set('pivot_F', g.pivotF)
  set('pivot_S', g.pivotS)
  set('pivot_distance', g.pivotDistance)
  set('pix0_vector', g.pix0)
  set('close_distance', g.closeDistance)
  set('distance', g.distance)
  set('Fbeam', g.Fbeam)
  set('Sbeam', g.Sbeam)
  set('Fclose', g.Fclose)
  set('Sclose', g.Sclose)
  set('cell_abc', crystal.cellAbc)
  set('cell_angles', crystal.cellAngles)
  set('misset_angles', crystal.misset)
  set('V_cell', crystal.Vcell)
  set('a_star', crystal.aStar)
  set('b_star', crystal.bStar)
  set('c_star', crystal.cStar)
  set('a0', crystal.a)
  set('b0', crystal.b)
  set('c0', crystal.c)
  set('mosaic_seed', o.mosaicSeed)
  if (crystal.missetDraws) set('misset_rng_draws', crystal.missetDraws)
  return sv
}
