// Set-up in execution order (physics.md §2): turns parsed arguments and input files into the
// plain-data KernelModel the pixel loop reads (transferable to worker threads) plus the
// set-up values the trace header, the SMV header and the summary need.
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import type {InputFile, TraceValue} from '../trace/records.js'
import {InputError} from '../util/errors.js'
import {parseArgs, resolvedCell, type ParsedArgs} from './cli.js'
import {maskPixels} from './smv.js'
import {buildCrystal, parseMatrix, type Crystal} from './crystal.js'
import {detectorGeometry, type DetectorGeometry} from './geometry.js'
import {SHAPE_GAUSS, SHAPE_ROUND, SHAPE_SQUARE, SHAPE_TOPHAT} from './lattice.js'
import {fluenceFrom, R_E_SQR, stepsOf, waterBackground} from './normalization.js'
import {faultFlags, fixFlags, type FaultFlags, type FixFlags} from './quirks.js'
import {mosaicRotationUmat, Ran1, type Seed} from './rng.js'
import {selectMosaic, selectPhi, selectRange, selectThick} from './setup.js'
import {parseSourceText, sourcesFromFile, sourcesFromGrid, type Source} from './sources.js'
import {readHkl, type HklGrid} from './structure-factor.js'
import {magnitude} from './vector.js'

/** Everything the pixel loop reads: plain numbers and typed arrays only. */
export interface KernelModel {
  fpixels: number
  spixels: number
  roiXmin: number
  roiXmax: number
  roiYmin: number
  roiYmax: number
  mask: Uint8Array | null
  oversample: number
  subpixelSize: number
  pixelSize: number
  thicksteps: number
  thickstep: number
  detectorThick: number
  mu: number
  pix0: number[]
  fdet: number[]
  sdet: number[]
  odet: number[]
  beam: number[]
  closeDistance: number
  distance: number
  curved: boolean
  pointPixel: boolean
  osThick: boolean
  osPolar: boolean
  osOmega: boolean
  nSources: number
  srcX: Float64Array
  srcY: Float64Array
  srcZ: Float64Array
  srcLambda: Float64Array
  /** per-source factor on each term: 1 (faithful), or the Q7 fix / weights fault */
  srcTermScale: Float64Array
  kahn: number
  nopolar: boolean
  polarVec: number[]
  phi0: number
  phistep: number
  phisteps: number
  spindle: number[]
  a0: number[]
  b0: number[]
  c0: number[]
  mosaicSpread: number
  mosaicDomains: number
  umats: Float64Array
  Na: number
  Nb: number
  Nc: number
  shape: number
  fudge: number
  aStar: number[]
  bStar: number[]
  cStar: number[]
  hkl: HklGrid | null
  interpolate: number
  defaultF: number
  dmin: number
  waterSize: number
  Ibg: number
  reSqr: number
  fluence: number
  steps: number
  fix: FixFlags
  fault: FaultFlags
}

export interface MosaicDomainInfo {
  draws: number[]
  angle: number
  umat: number[]
}

export interface Model {
  parsed: ParsedArgs
  kernel: KernelModel
  geometry: DetectorGeometry
  crystal: Crystal
  sources: Source[]
  domains: MosaicDomainInfo[]
  /** set-up trace values by catalogue name */
  setupValues: Map<string, TraceValue>
  lambda0: number
  osc: number
  rng: Ran1
  seed: Seed
  inputs: InputFile[]
  warnings: string[]
  cwd: string
  /** the reference would have loaded ./Fdump.bin (not done here) */
  fdumpIgnored: boolean
}

export interface BuildOptions {
  cwd: string
  fixes?: readonly string[]
  faults?: readonly string[]
  timeSeed?: number
}

function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex')
}

const SHAPES = {square: SHAPE_SQUARE, round: SHAPE_ROUND, gauss: SHAPE_GAUSS, tophat: SHAPE_TOPHAT}

export function buildModel(args: string[], opts: BuildOptions): Model {
  const cwd = opts.cwd
  const fix = fixFlags(opts.fixes)
  const fault = faultFlags(opts.faults)
  const warnings: string[] = []
  const inputs: InputFile[] = []
  const readInput = (path: string, role: InputFile['role'], flag: string): Buffer => {
    const full = resolve(cwd, path)
    let buf: Buffer
    try {
      buf = readFileSync(full)
    } catch {
      throw new InputError(`cannot read ${role} file '${path}'`, {file: path, field: flag})
    }
    if (!inputs.some((x) => x.path === path && x.role === role)) inputs.push({role, path, sha256: sha256(buf)})
    return buf
  }
  const p = parseArgs(args, {
    timeSeed: opts.timeSeed,
    readFile: (f, isMask) => readInput(f, isMask ? 'mask' : 'img', isMask ? '-mask' : '-img'),
  })
  warnings.push(...p.notes)
  if (fault.kahnDefaultOne && p.config.kahn_factor === null) p.polarization = 1.0
  if (fault.mosaicSeedOffByOne) p.mosaicSeed = p.mosaicSeed - 1

  // §2 step 2: fluence
  const fl = fluenceFrom(p.fluence, p.flux, p.exposure, p.beamsize, p.sampleY, p.sampleZ)
  let fluence = fl.fluence
  if (fault.fluencePerMm2) fluence = fluence * 1e-6
  p.sampleY = fl.sampleY
  p.sampleZ = fl.sampleZ
  warnings.push(...fl.warnings)

  // §2 steps 6: sampling auto-selection
  const phi = selectPhi(p.phi0, p.osc, p.phistep, p.phisteps)
  const hdiv = selectRange(p.hdivrange, p.hdivstep, p.hdivsteps)
  const vdiv = selectRange(p.vdivrange, p.vdivstep, p.vdivsteps)
  const disp = selectRange(p.dispersion, -1, p.dispsteps)
  const thick = selectThick(p.detectorThick, -1, p.detectorThicksteps, p.detectorMu)
  const mos = selectMosaic(p.mosaicSpread, p.mosaicDomains)
  if (mos.warning) warnings.push(mos.warning)

  // steps 3-5 and 7: detector
  const geo = detectorGeometry(p, {beamCenterHalfPixel: fault.beamCenterHalfPixel, twothetaAxisSign: fault.twothetaAxisSign, pix0InMm: fault.pix0InMm})
  warnings.push(...geo.warnings)

  // step 8: interpolation auto
  let interpolate = p.interpolate
  if (interpolate === 2) interpolate = p.Na <= 2 || p.Nb <= 2 || p.Nc <= 2 ? 1 : 0

  // step 9: crystal
  const rng = new Ran1()
  const missetSeed: Seed = {v: p.missetSeed}
  let matrix: number[] | null = null
  if (p.matfilename) {
    matrix = parseMatrix(readInput(p.matfilename, 'matrix', '-mat').toString('latin1'))
    if (matrix.length < 9) throw new InputError('expected 9 numbers (MOSFLM A matrix)', {file: p.matfilename, field: '-mat'})
  }
  const cell = resolvedCell(p)
  if (!matrix && cell[0] === 0) throw new InputError('no unit cell: give -cell a b c alpha beta gamma or -mat file', {field: '-cell'})
  const crystal = buildCrystal({userCell: p.userCell, cell, matrix, lambda0: p.lambda0, misset: p.misset, fixQ1: fix.q1}, rng, missetSeed)
  // §2.2 crystal size and auto-oversample
  const aLen = magnitude(crystal.a)
  const bLen = magnitude(crystal.b)
  const cLen = magnitude(crystal.c)
  let Na = p.Na
  let Nb = p.Nb
  let Nc = p.Nc
  if (p.sampleX > 0) Na = Math.ceil(p.sampleX / aLen)
  if (p.sampleY > 0) Nb = Math.ceil(p.sampleY / bLen)
  if (p.sampleZ > 0) Nc = Math.ceil(p.sampleZ / cLen)
  if (Na <= 1) Na = 1
  if (Nb <= 1) Nb = 1
  if (Nc <= 1) Nc = 1
  const xtalsizeMax = Math.max(aLen * Na, bLen * Nb, cLen * Nc)
  const recipPixel = (p.lambda0 * geo.distance) / geo.pixelSize
  let recommended = Math.ceil((3 * xtalsizeMax) / recipPixel)
  // a zero distance or wavelength makes it infinite (an auto-oversampled run that never ends); the
  // reference's (int) conversion turns inf into INT_MIN, i.e. 1 below
  if (!Number.isFinite(recommended) && p.oversample <= 0) warnings.push(`the recommended oversample is ${recommended} (distance ${geo.distance} m, wavelength ${p.lambda0} m): using 1, as the reference's integer conversion does`)
  if (!Number.isFinite(recommended) || recommended <= 1) recommended = 1
  let oversample = p.oversample
  if (oversample <= 0) oversample = recommended
  else if (oversample < recommended) warnings.push(`-oversample ${oversample} is below the recommended ${recommended}`)

  // step 10: structure factors
  let hkl: HklGrid | null = null
  let fdumpIgnored = false
  if (p.hklfilename) {
    hkl = readHkl(readInput(p.hklfilename, 'hkl', '-hkl').toString('latin1'), p.defaultF, p.hklfilename)
    warnings.push(...hkl.warnings)
    if (hkl.hkls === 0) warnings.push(`${p.hklfilename}: no reflections read`)
  } else {
    if (existsSync(resolve(cwd, 'Fdump.bin'))) {
      fdumpIgnored = true
      warnings.push('Fdump.bin exists in the working directory: the reference nanoBragg would silently load it (no -hkl); it is ignored here')
    }
    if (p.defaultF === 0) throw new InputError('no structure factors: give -hkl file or -default_F F', {field: '-hkl'})
  }
  const hklCount = hkl ? hkl.hkls : 0
  if (hklCount === 0) {
    interpolate = 0
    if (hkl && hkl.hkls === 0) hkl = null
  }

  // step 11: sources
  let sources: Source[]
  if (p.sourcefilename) {
    const rowLines: number[] = []
    const rows = parseSourceText(readInput(p.sourcefilename, 'sourcefile', '-sourcefile').toString('latin1'), rowLines)
    if (fault.ghostCommentSource) rows.push([NaN, NaN, NaN, NaN, NaN])
    sources = sourcesFromFile(rows, geo.beam, p.lambda0)
    // faithful: the reference reads these as wavelength 0 too; say which line did it
    const zero = sources.map((s, j) => (s.lambda === 0 ? j : -1)).filter((j) => j >= 0 && j < rowLines.length)
    if (zero.length) {
      const more = zero.length > 1 ? ` (and ${zero.length - 1} more: line${zero.length > 2 ? 's' : ''} ${zero.slice(1, 6).map((j) => rowLines[j]).join(', ')}${zero.length > 6 ? ', …' : ''})` : ''
      warnings.push(`${p.sourcefilename}:${rowLines[zero[0]]}: source ${zero[0]} has wavelength 0 (a comment line, a missing column, CRLF or no final newline; read as nanoBragg reads it): the image will be NaN${more}`)
    }
  } else {
    sources = sourcesFromGrid({
      beam: geo.beam,
      polar: geo.polar,
      vert: geo.vert,
      lambda0: p.lambda0,
      hdivrange: hdiv.range,
      hdivstep: hdiv.step,
      hdivsteps: hdiv.steps,
      vdivrange: vdiv.range,
      vdivstep: vdiv.step,
      vdivsteps: vdiv.steps,
      dispersion: disp.range,
      dispstep: disp.step,
      dispsteps: disp.steps,
      roundDiv: p.roundDiv,
    })
  }
  if (fault.sourceLambdaIgnored) sources = sources.map((s) => ({...s, lambda: p.lambda0}))
  if (sources.length === 0) throw new InputError('no beam sources (divergence grid trimmed to nothing)', {field: '-divergence'})

  // mosaic domains (§7.3)
  const mosaicSeed: Seed = {v: p.mosaicSeed}
  const mosaicSeedStored = p.mosaicSeed
  if (fault.mosaicExtraDraw) rng.next(mosaicSeed)
  const domains: MosaicDomainInfo[] = []
  for (let d = 0; d < mos.domains; d++) {
    const u = mosaicRotationUmat(rng, mos.spread, mosaicSeed)
    domains.push({draws: u.draws, angle: u.angle, umat: u.umat})
  }
  if (!fault.mosaicDomain0NotIdentity) domains[0].umat = [1, 0, 0, 0, 1, 0, 0, 0, 1]
  const umats = new Float64Array(9 * mos.domains)
  domains.forEach((d, i) => umats.set(d.umat, 9 * i))

  const steps = stepsOf(sources.length, mos.domains, phi.phisteps, oversample, fault.stepsNoOversample2)
  const subpixelSize = geo.pixelSize / oversample
  const reSqr = fault.reNotSquared ? Math.sqrt(R_E_SQR) : R_E_SQR
  const Ibg = waterBackground(reSqr, fluence, p.waterSize)

  // ROI (§2 step 3) and mask
  let roi = p.roi ?? [0, geo.fpixels, 0, geo.spixels]
  roi = [roi[0], roi[1], roi[2], roi[3]]
  let mask: Uint8Array | null = null
  if (p.maskFrame) mask = maskPixels(p.maskFrame, geo.fpixels, geo.spixels)

  const n = sources.length
  const srcX = new Float64Array(n), srcY = new Float64Array(n), srcZ = new Float64Array(n), srcLambda = new Float64Array(n)
  const srcTermScale = new Float64Array(n).fill(1)
  const wsum = sources.reduce((s, x) => s + x.weight, 0)
  sources.forEach((s, i) => {
    srcX[i] = s.dir[0]
    srcY[i] = s.dir[1]
    srcZ[i] = s.dir[2]
    srcLambda[i] = s.lambda
    if (fix.q7) srcTermScale[i] = (s.weight / wsum) * n
    if (fault.weightsUnnormalized) srcTermScale[i] *= s.weight
  })

  const kernel: KernelModel = {
    fpixels: geo.fpixels,
    spixels: geo.spixels,
    roiXmin: roi[0],
    roiXmax: roi[1],
    roiYmin: roi[2],
    roiYmax: roi[3],
    mask,
    oversample,
    subpixelSize,
    pixelSize: geo.pixelSize,
    thicksteps: thick.thicksteps,
    thickstep: thick.thickstep,
    detectorThick: thick.thick,
    mu: thick.mu,
    pix0: geo.pix0,
    fdet: geo.fdet,
    sdet: geo.sdet,
    odet: geo.odet,
    beam: geo.beam,
    closeDistance: geo.closeDistance,
    distance: geo.distance,
    curved: p.curvedDetector,
    pointPixel: p.pointPixel,
    osThick: p.oversampleThick,
    osPolar: p.oversamplePolar,
    osOmega: p.oversampleOmega,
    nSources: n,
    srcX,
    srcY,
    srcZ,
    srcLambda,
    srcTermScale,
    kahn: p.polarization,
    nopolar: p.nopolar,
    polarVec: geo.polar,
    phi0: phi.phi0,
    phistep: phi.phistep,
    phisteps: phi.phisteps,
    spindle: geo.spindle,
    a0: crystal.a,
    b0: crystal.b,
    c0: crystal.c,
    mosaicSpread: mos.spread,
    mosaicDomains: mos.domains,
    umats,
    Na,
    Nb,
    Nc,
    shape: SHAPES[p.xtalShape],
    fudge: p.fudge,
    aStar: crystal.aStar,
    bStar: crystal.bStar,
    cStar: crystal.cStar,
    hkl,
    interpolate,
    defaultF: p.defaultF,
    dmin: p.dmin,
    waterSize: p.waterSize,
    Ibg,
    reSqr,
    fluence,
    steps,
    fix,
    fault,
  }

  const sv = new Map<string, TraceValue>()
  const set = (k: string, v: TraceValue): void => void sv.set(k, v)
  set('fpixels', geo.fpixels)
  set('spixels', geo.spixels)
  set('pixel_size', geo.pixelSize)
  set('oversample', oversample)
  set('subpixel_size', subpixelSize)
  set('detector_thicksteps', thick.thicksteps)
  set('detector_thick', thick.thick)
  set('detector_thickstep', thick.thickstep)
  set('detector_mu', thick.mu)
  set('phisteps', phi.phisteps)
  set('phi0', phi.phi0)
  set('phistep', phi.phistep)
  set('mosaic_domains', mos.domains)
  set('mosaic_spread', mos.spread)
  set('n_sources', n)
  set('lambda0', p.lambda0)
  set('kahn_factor', p.polarization)
  set('nopolar', p.nopolar ? 1 : 0)
  set('N_cells', [Na, Nb, Nc])
  set('xtal_shape', p.xtalShape)
  set('fudge', p.fudge)
  set('default_F', p.defaultF)
  set('F_interpolation', interpolate === 1 ? 'tricubic' : 'nearest')
  set('hkl_count', hklCount)
  set('fluence', fluence)
  set('r_e_sqr', reSqr)
  set('steps', steps)
  set('water_size', p.waterSize)
  set('I_bg', Ibg)
  set('convention', geo.convention)
  set('pivot', geo.pivot)
  set('beam_vector', geo.beam)
  set('polar_vector', geo.polar)
  set('spindle_vector', geo.spindle)
  set('twotheta_axis', geo.twothetaAxis)
  set('detector_rotation', geo.rot)
  set('twotheta', geo.twotheta)
  set('fdet_vector', geo.fdet)
  set('sdet_vector', geo.sdet)
  set('odet_vector', geo.odet)
  set('pivot_F', geo.pivotF)
  set('pivot_S', geo.pivotS)
  set('pivot_distance', geo.pivotDistance)
  set('pix0_vector', geo.pix0)
  set('close_distance', geo.closeDistance)
  set('distance', geo.distance)
  set('Fbeam', geo.Fbeam)
  set('Sbeam', geo.Sbeam)
  set('Fclose', geo.Fclose)
  set('Sclose', geo.Sclose)
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
  set('mosaic_seed', mosaicSeedStored)
  if (crystal.missetDraws) set('misset_rng_draws', crystal.missetDraws)

  return {
    parsed: p,
    kernel,
    geometry: geo,
    crystal,
    sources,
    domains,
    setupValues: sv,
    lambda0: p.lambda0,
    osc: phi.osc,
    rng,
    seed: {v: p.seed},
    inputs,
    warnings,
    cwd,
    fdumpIgnored,
  }
}

