// Set-up in upstream's execution order (docs/ts-engine.md): the parsed flags and input files
// become the plain-data KernelModel the pixel loop reads (transferable to worker threads) plus
// the set-up values the trace header, the SMV header and the summary need. Each step is a
// function named after the physics, in the module that holds it; planted faults and quirk fixes
// are applied here, so the pixel loop only reads numbers and a few switches chosen once.
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import type {InputFile, TraceValue} from '../trace/records.js'
import {InputError} from '../util/errors.js'
import {parseArgs, type ParsedArgs} from './cli.js'
import {crystalOf, crystalSize, type Crystal} from './crystal.js'
import {detectorGeometry, type DetectorGeometry} from './geometry.js'
import {latticeKind} from './lattice.js'
import {glibcPowfAvailable} from './libm.js'
import {checkPixelCount} from './limits.js'
import {fluenceFrom, R_E_SQR, stepsOf, waterBackground} from './normalization.js'
import {faultFlags, fixFlags, type FaultFlags, type FixFlags} from './quirks.js'
import {mosaicDomains, Ran1, type MosaicDomain, type Seed} from './rng.js'
import {samplingSteps} from './setup.js'
import {maskPixels} from './smv.js'
import {beamSources, parseSourceText, type Source} from './sources.js'
import {checkStolTable, structureFactors, type HklGrid} from './structure-factor.js'
import {setupTraceValues} from './trace.js'

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
  /** factor on the scattering vector: 1 (faithful; x*1 is exact), 1e-10 (fault scattering-per-m) */
  scatteringScale: number
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
  /** lattice factor variant (lattice.ts LATTICE_*): the crystal shape, or a planted sincg fault */
  lattice: number
  fudge: number
  aStar: number[]
  bStar: number[]
  cStar: number[]
  hkl: HklGrid | null
  interpolate: number
  defaultF: number
  /** F of an hkl outside the table: default_F (planted fault hkl-outside-zero: 0) */
  outsideF: number
  /** pixels with fast index ≥ this use the position of fast+1 (planted fault tile-fast-offset; Infinity: none) */
  fastShiftFrom: number
  /** where cos 2θ (to the beam) is below this, the solid angle has no obliquity factor (high-angle-obliquity; -Infinity: nowhere) */
  obliquityDropCos: number
  dmin: number
  waterSize: number
  Ibg: number
  reSqr: number
  fluence: number
  steps: number
  /** fault float32-accumulation: the running sum rounded to float32 after each term */
  accumulateF32: boolean
  fix: FixFlags
}

export type MosaicDomainInfo = MosaicDomain

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
  /** files the set-up writes besides the images (-dump) */
  sideFiles: {file: string; bytes: Uint8Array}[]
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

/** How the set-up reads its input files (the model records each one it reads). */
export interface InputReader {
  read(file: string, role: 'hkl' | 'sourcefile' | 'matrix' | 'fdump' | 'img' | 'mask', flag: string): Buffer
  exists(file: string): boolean
}

const sha256 = (buf: Uint8Array): string => createHash('sha256').update(buf).digest('hex')

/** Reads input files relative to the working directory, records each (role, path, hash) once. */
function inputReader(cwd: string, inputs: InputFile[]): InputReader {
  return {
    read(path, role, flag) {
      let buf: Buffer
      try {
        buf = readFileSync(resolve(cwd, path))
      } catch {
        throw new InputError(`cannot read ${role} file '${path}'`, {file: path, field: flag})
      }
      if (!inputs.some((x) => x.path === path && x.role === role)) inputs.push({role, path, sha256: sha256(buf)})
      return buf
    },
    exists: (path) => existsSync(resolve(cwd, path)),
  }
}

/** Faults planted in what the parser produced (defaults and seeds). */
function plantParseFaults(p: ParsedArgs, fault: FaultFlags): void {
  if (fault.kahnDefaultOne && p.config.kahn_factor === null) p.polarization = 1.0
  if (fault.mosaicSeedOffByOne) p.mosaicSeed = p.mosaicSeed - 1
}

/** Per-source arrays of the kernel (directions, wavelengths, the Q7 fix / weights fault factor). */
function sourceArrays(
  sources: Source[],
  fix: FixFlags,
  fault: FaultFlags,
): Pick<KernelModel, 'nSources' | 'srcX' | 'srcY' | 'srcZ' | 'srcLambda' | 'srcTermScale'> {
  const n = sources.length
  const srcX = new Float64Array(n),
    srcY = new Float64Array(n),
    srcZ = new Float64Array(n),
    srcLambda = new Float64Array(n)
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
  return {nSources: n, srcX, srcY, srcZ, srcLambda, srcTermScale}
}

export function buildModel(args: string[], opts: BuildOptions): Model {
  const cwd = opts.cwd
  const fix = fixFlags(opts.fixes)
  const fault = faultFlags(opts.faults)
  const inputs: InputFile[] = []
  const io = inputReader(cwd, inputs)
  const text = (role: 'matrix' | 'sourcefile' | 'hkl', flag: string) => (file: string) => io.read(file, role, flag).toString('latin1')

  // the command line, with the -img/-mask headers of its pre-pass
  const p = parseArgs(args, {timeSeed: opts.timeSeed, readFile: (f, isMask) => io.read(f, isMask ? 'mask' : 'img', isMask ? '-mask' : '-img')})
  plantParseFaults(p, fault)
  const warnings: string[] = [...p.notes]

  // fluence (and the crystal clipped to the beam), sampling, detector geometry
  const beam = fluenceFrom(p.fluence, p.flux, p.exposure, p.beamsize, p.sampleY, p.sampleZ)
  const fluence = fault.fluencePerMm2 ? beam.fluence * 1e-6 : beam.fluence
  warnings.push(...beam.warnings)
  const s = samplingSteps(p)
  if (s.mosaic.warning) warnings.push(s.mosaic.warning)
  const geo = detectorGeometry(p, {beamCenterHalfPixel: fault.beamCenterHalfPixel, twothetaAxisSign: fault.twothetaAxisSign, pix0InMm: fault.pix0InMm})
  warnings.push(...geo.warnings)
  checkPixelCount(geo.fpixels, geo.spixels)
  // structure-factor interpolation: automatic when a crystal edge has <= 2 cells (before N is clamped)
  const interpolateAuto = p.interpolate === 2 ? (p.Na <= 2 || p.Nb <= 2 || p.Nc <= 2 ? 1 : 0) : p.interpolate

  // crystal: orientation (the random misset draws first from the shared generator), size, oversample
  const rng = new Ran1()
  const crystal = crystalOf(p, text('matrix', '-mat'), rng, fix.q1)
  const size = crystalSize(p, crystal, geo.distance, geo.pixelSize, beam.sampleY, beam.sampleZ)
  warnings.push(...size.warnings)

  // structure factors, the amorphous table upstream reads and never uses, sources, mosaic domains
  const sf = structureFactors(p, interpolateAuto, io)
  warnings.push(...sf.warnings)
  checkStolTable(p.stolfilename, text('hkl', '-stol'), (t) => parseSourceText(t, undefined, 2).length)
  const src = beamSources(p, geo.beam, geo.polar, geo.vert, s, text('sourcefile', '-sourcefile'), fault.ghostCommentSource)
  let sources = src.sources
  warnings.push(...src.warnings)
  if (fault.sourceLambdaIgnored) sources = sources.map((x) => ({...x, lambda: p.lambda0}))
  if (sources.length === 0) warnings.push('no beam sources: -round_div trimmed every divergence point; steps is 0 and the image NaN, as nanoBragg computes it')
  const mosaicSeedStored = p.mosaicSeed
  const mos = mosaicDomains(
    rng,
    s.mosaic.spread,
    s.mosaic.domains,
    {v: p.mosaicSeed},
    {extraDraw: fault.mosaicExtraDraw, domain0Rotated: fault.mosaicDomain0NotIdentity},
  )
  if ((crystal.missetDraws || s.mosaic.domains > 1) && !glibcPowfAvailable())
    warnings.push(
      "the C engine is not built: powf is emulated, and random rotation angles (mosaic, -misset random) may differ from nanoBragg's by one float ulp",
    )

  // normalization
  const steps = stepsOf(sources.length, s.mosaic.domains, s.phi.phisteps, size.oversample, fault.stepsNoOversample2)
  const subpixelSize = geo.pixelSize / size.oversample
  const reSqr = fault.reNotSquared ? Math.sqrt(R_E_SQR) : R_E_SQR
  const Ibg = waterBackground(reSqr, fluence, p.waterSize)

  // the pixels rendered: ROI (default: the whole detector, upper bounds one past) and mask
  const roi = p.roi ?? [0, geo.fpixels, 0, geo.spixels]
  const mask = p.maskFrame ? maskPixels(p.maskFrame, geo.fpixels, geo.spixels) : null

  const kernel: KernelModel = {
    fpixels: geo.fpixels,
    spixels: geo.spixels,
    roiXmin: roi[0] < 0 ? 0 : roi[0],
    roiXmax: roi[1] < 0 ? geo.fpixels : roi[1],
    roiYmin: roi[2] < 0 ? 0 : roi[2],
    roiYmax: roi[3] < 0 ? geo.spixels : roi[3],
    mask,
    oversample: size.oversample,
    subpixelSize,
    pixelSize: geo.pixelSize,
    thicksteps: s.thick.thicksteps,
    thickstep: s.thick.thickstep,
    detectorThick: s.thick.thick,
    mu: s.thick.mu,
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
    ...sourceArrays(sources, fix, fault),
    scatteringScale: fault.scatteringPerM ? 1e-10 : 1,
    kahn: p.polarization,
    nopolar: p.nopolar,
    polarVec: geo.polar,
    phi0: s.phi.phi0,
    phistep: s.phi.phistep,
    phisteps: s.phi.phisteps,
    spindle: geo.spindle,
    a0: crystal.a,
    b0: crystal.b,
    c0: crystal.c,
    mosaicSpread: s.mosaic.spread,
    mosaicDomains: s.mosaic.domains,
    umats: mos.umats,
    Na: size.Na,
    Nb: size.Nb,
    Nc: size.Nc,
    lattice: latticeKind(p.xtalShape, fault),
    fudge: p.fudge,
    aStar: crystal.aStar,
    bStar: crystal.bStar,
    cStar: crystal.cStar,
    hkl: sf.hkl,
    interpolate: sf.interpolate,
    defaultF: p.defaultF,
    outsideF: fault.hklOutsideZero && sf.hkl !== null && sf.hkl.hkls > 0 ? 0 : p.defaultF,
    fastShiftFrom: fault.tileFastOffset ? Math.floor(geo.fpixels / 2) : Infinity,
    obliquityDropCos: fault.highAngleObliquity ? Math.cos(Math.PI / 6) : -Infinity,
    dmin: p.dmin,
    waterSize: p.waterSize,
    Ibg,
    reSqr,
    fluence,
    steps,
    accumulateF32: fault.float32Acc,
    fix,
  }

  const m: Model = {
    parsed: p,
    kernel,
    geometry: geo,
    crystal,
    sources,
    domains: mos.domains,
    setupValues: new Map(),
    lambda0: p.lambda0,
    osc: s.phi.osc,
    rng,
    seed: {v: p.seed},
    inputs,
    sideFiles: sf.dump ? [sf.dump] : [],
    warnings,
    cwd,
    fdumpIgnored: sf.fdumpIgnored,
  }
  m.setupValues = setupTraceValues(m, {hklCount: sf.count, mosaicSeed: mosaicSeedStored, thick: s.thick})
  return m
}
