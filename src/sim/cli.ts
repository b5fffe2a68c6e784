// The nanoBragg command-line model, driven by the flag table (src/sim/flags.ts): a pre-pass for
// the -img/-mask headers, then one left-to-right pass in which every table entry whose test
// matches the argument (substring, exact, or substring with a length) fires in table order, until
// an entry that stops the argument; later arguments override earlier ones; numbers are read with
// atof/atoi (garbage → 0). Produces the variables as nanoBragg holds them right after parsing and
// the header `config` object (schemas/config.schema.json: what the user gave, SI units, null when
// not given), both derived from the table. See docs/flags.md.
import {CONFIG_KEYS, FLAGS, flagMatches, givenMarks, HEADER_GIVEN, PREPASS, UNITS, type FlagSpec} from './flags.js'
import {readSmv, smvValue, type SmvFrame} from './smv.js'
import {InputError} from '../util/errors.js'
import {atof, atoi} from './cnum.js'
import {degToRad, type Vec3} from './vector.js'

export {atof, atoi}

export type Convention = 'MOSFLM' | 'DENZO' | 'ADXV' | 'XDS' | 'DIALS' | 'CUSTOM'
export type Pivot = 'beam' | 'sample'
export type XtalShape = 'square' | 'round' | 'gauss' | 'tophat'

/** Variables as nanoBragg holds them right after parsing (units as in the C code: metres, radians). */
export interface ParsedArgs {
  args: string[]
  // files
  hklfilename: string | null
  matfilename: string | null
  sourcefilename: string | null
  imginfile: string | null
  maskfile: string | null
  dumpfilename: string | null
  stolfilename: string | null
  stoloutfilename: string | null
  stolFileMult: number
  floatfilename: string
  intfilename: string
  noisefilename: string
  pgmfilename: string
  writePgm: boolean
  calculateNoise: boolean
  noisefileGiven: boolean
  intfileGiven: boolean
  floatfileGiven: boolean
  // crystal
  userCell: boolean
  /** a b c (Å) alpha beta gamma (rad) as given: 0 where no -cell set them (defaults apply in set-up) */
  cell: [number, number, number, number, number, number]
  misset: [number, number, number, number] // [flag, x, y, z]
  defaultF: number
  Na: number
  Nb: number
  Nc: number
  sampleX: number
  sampleY: number
  sampleZ: number
  density: number
  molecularWeight: number
  coherent: boolean
  xtalShape: XtalShape
  fudge: number
  interpolate: number // 0, 1, 2=auto
  // beam
  lambda0: number
  dispersion: number
  dispsteps: number
  hdivrange: number
  vdivrange: number
  hdivstep: number
  vdivstep: number
  hdivsteps: number
  vdivsteps: number
  roundDiv: boolean
  fluence: number
  flux: number
  exposure: number
  beamsize: number
  polarization: number
  nopolar: boolean
  // detector
  distance: number
  closeDistance: number
  detsizeF: number
  detsizeS: number
  fpixels: number
  spixels: number
  pixelSize: number
  Xbeam: number
  Ybeam: number
  Xclose: number
  Yclose: number
  ORGX: number
  ORGY: number
  pivot: Pivot
  /** the pivot of the last pivot-setting flag (conventions excluded), for the config */
  pivotFlag: Pivot | null
  convention: Convention
  beamVector: Vec3
  fdetVector: Vec3
  sdetVector: Vec3
  odetVector: Vec3
  polarVector: Vec3
  spindleVector: Vec3
  twothetaAxis: Vec3
  pix0Vector: Vec3
  detectorRotx: number
  detectorRoty: number
  detectorRotz: number
  detectorTwotheta: number
  detectorMu: number
  /** -detector_abs as given (m; Infinity for inf), for the config */
  detectorAbs: number
  detectorThick: number
  detectorThicksteps: number
  curvedDetector: boolean
  pointPixel: boolean
  oversample: number
  oversampleThick: boolean
  oversamplePolar: boolean
  oversampleOmega: boolean
  roi: [number, number, number, number] | null
  // mosaic / phi
  mosaicSpread: number
  mosaicDomains: number
  phi0: number
  osc: number
  phistep: number
  phisteps: number
  dmin: number
  waterSize: number
  seed: number
  mosaicSeed: number
  missetSeed: number
  intfileScale: number
  pgmScale: number
  adcOffset: number
  // console and nbtrace's own flags
  printout: boolean
  printoutPixel: [number, number] | null
  progress: boolean
  tracePixel: [number, number] | null
  traceRequested: boolean
  traceOut: string | null
  traceOnly: boolean
  quiet: boolean
  /** the -img/-mask frames read by the pre-pass */
  maskFrame: SmvFrame | null
  /** config given-marks (src/sim/flags.ts) */
  given: Set<string>
  /** what the flags themselves warn about (no-op flags) */
  notes: string[]
  /** config object for the trace header */
  config: Record<string, unknown>
}

const DEF_FLUENCE = 125932015286227086360700780544.0

export interface ParseHooks {
  /** reads an -img/-mask file during the pre-pass (null: not readable) */
  readFile?: (path: string, isMask: boolean) => Uint8Array | null
  /** the wall-clock default seed (-time(NULL)) */
  timeSeed?: number
}

function defaults(argv: string[], timeSeed: number): ParsedArgs {
  return {
    args: argv.slice(),
    hklfilename: null,
    matfilename: null,
    sourcefilename: null,
    imginfile: null,
    maskfile: null,
    dumpfilename: null,
    stolfilename: null,
    stoloutfilename: null,
    stolFileMult: 1.0e10,
    floatfilename: 'floatimage.bin',
    intfilename: 'intimage.img',
    noisefilename: 'noiseimage.img',
    pgmfilename: 'image.pgm',
    writePgm: true,
    calculateNoise: true,
    noisefileGiven: false,
    intfileGiven: false,
    floatfileGiven: false,
    userCell: false,
    cell: [0, 0, 0, 0, 0, 0],
    misset: [0, 0, 0, 0],
    defaultF: 0,
    Na: 1,
    Nb: 1,
    Nc: 1,
    sampleX: 0,
    sampleY: 0,
    sampleZ: 0,
    density: 1.0e6,
    molecularWeight: 18.0,
    coherent: false,
    xtalShape: 'square',
    fudge: 1,
    interpolate: 2,
    lambda0: 1.0e-10,
    dispersion: 0.0,
    dispsteps: -1,
    hdivrange: -1,
    vdivrange: -1,
    hdivstep: -1,
    vdivstep: -1,
    hdivsteps: -1,
    vdivsteps: -1,
    roundDiv: true,
    fluence: DEF_FLUENCE,
    flux: 0,
    exposure: 1.0,
    beamsize: 1e-4,
    polarization: 0.0,
    nopolar: false,
    distance: 100.0e-3,
    closeDistance: Number.NaN,
    detsizeF: 102.4e-3,
    detsizeS: 102.4e-3,
    fpixels: 0,
    spixels: 0,
    pixelSize: 0.1e-3,
    Xbeam: Number.NaN,
    Ybeam: Number.NaN,
    Xclose: Number.NaN,
    Yclose: Number.NaN,
    ORGX: Number.NaN,
    ORGY: Number.NaN,
    pivot: 'beam',
    pivotFlag: null,
    convention: 'MOSFLM',
    beamVector: [1, 0, 0],
    fdetVector: [0, 0, 1],
    sdetVector: [0, -1, 0],
    odetVector: [1, 0, 0],
    polarVector: [0, 0, 1],
    spindleVector: [0, 0, 1],
    twothetaAxis: [0, 1, 0],
    pix0Vector: [0, 0, 0],
    detectorRotx: 0,
    detectorRoty: 0,
    detectorRotz: 0,
    detectorTwotheta: 0,
    detectorMu: -1,
    detectorAbs: Number.NaN,
    detectorThick: 0,
    detectorThicksteps: -1,
    curvedDetector: false,
    pointPixel: false,
    oversample: -1,
    oversampleThick: false,
    oversamplePolar: false,
    oversampleOmega: false,
    roi: null,
    mosaicSpread: -1,
    mosaicDomains: -1,
    phi0: 0,
    osc: -1,
    phistep: -1,
    phisteps: -1,
    dmin: 0,
    waterSize: 0,
    seed: timeSeed,
    mosaicSeed: -12345678,
    missetSeed: timeSeed,
    intfileScale: 0,
    pgmScale: 0,
    adcOffset: 40.0,
    printout: false,
    printoutPixel: null,
    progress: true,
    tracePixel: null,
    traceRequested: false,
    traceOut: null,
    traceOnly: false,
    quiet: false,
    maskFrame: null,
    given: new Set(),
    notes: [],
    config: {},
  }
}

type Fields = Record<string, unknown>

/**
 * The pre-pass (the -img/-mask headers, mask first as upstream reads them): the detector size,
 * pixel size, distances, wavelength, beam centre, near point and phi of the frame. Upstream's
 * header lookup takes the LAST occurrence of the keyword anywhere in the header, so DISTANCE
 * reads CLOSE_DISTANCE's value when both are present (src/sim/smv.ts).
 */
function ingestFrame(p: ParsedArgs, f: SmvFrame, isMask: boolean): void {
  if (!(f.headerSize > 0)) return
  p.fpixels = f.width
  p.spixels = f.height
  const v = (k: string): number => smvValue(f, k)
  const given = (key: string): void => void p.given.add(key)
  let t = v('PIXEL_SIZE')
  if (!Number.isNaN(t)) p.pixelSize = t / 1000.0
  p.detsizeF = p.pixelSize * p.fpixels
  p.detsizeS = p.pixelSize * p.spixels
  const num = (key: string, set: (x: number) => void): void => {
    const x = v(key)
    if (Number.isNaN(x)) return
    set(x)
    for (const [k, h] of Object.entries(HEADER_GIVEN)) if (h === key) given(k)
  }
  num('DISTANCE', (x) => (p.distance = x / 1000.0))
  num('CLOSE_DISTANCE', (x) => (p.closeDistance = x / 1000.0))
  num('WAVELENGTH', (x) => (p.lambda0 = x / 1e10))
  num('BEAM_CENTER_X', (x) => (p.Xbeam = x / 1000.0))
  num('BEAM_CENTER_Y', (x) => (p.Ybeam = isMask ? p.detsizeS - x / 1000.0 : x / 1000.0))
  num('ORGX', (x) => (p.ORGX = x))
  num('ORGY', (x) => (p.ORGY = x))
  num('PHI', (x) => (p.phi0 = degToRad(x)))
  num('OSC_RANGE', (x) => (p.osc = degToRad(x)))
  t = v('TWOTHETA') // read into a variable nothing uses, as upstream does
  if (isMask) p.maskFrame = f
}

/** Runs one table entry on argument i; returns true when it stops the argument. */
function fire(f: FlagSpec, p: ParsedArgs, argv: string[], i: number): boolean {
  const q = p as unknown as Fields
  const arg = (k: number): string => argv[i + k]
  const a = f.action
  let stop = f.stop === true
  switch (a.do) {
    case 'num': {
      const v = UNITS[a.unit].ts(atof(arg(1)))
      for (const t of a.to) q[t] = v
      break
    }
    case 'int':
      for (const t of a.to) q[t] = atoi(arg(1))
      break
    case 'negint':
      for (const t of a.to) q[t] = -atoi(arg(1))
      break
    case 'str':
      for (const t of a.to) q[t] = arg(1)
      break
    case 'const':
      for (const t of a.to) q[t] = a.value
      break
    case 'vec3':
      q[a.to] = [atof(arg(1)), atof(arg(2)), atof(arg(3))]
      break
    case 'ints':
      q[a.to] = Array.from({length: a.n}, (_, k) => atoi(arg(k + 1)))
      break
    case 'special': {
      const r = special(a.name, p, argv, i)
      stop = r.stop || stop
      if (!r.fired) return stop
      break
    }
    case 'refuse':
      throw new InputError(`${argv[i]}: ${a.why}`, {field: argv[i]})
    case 'none':
      break
  }
  for (const g of f.given ?? []) p.given.add(g)
  if (f.pivot) {
    p.pivot = f.pivot
    p.pivotFlag = f.pivot
  }
  if (f.convention) p.convention = f.convention
  for (const [field, value] of f.also ?? []) q[field] = value
  if (f.warn && !p.notes.includes(f.warn)) p.notes.push(f.warn)
  return stop
}

/** The handlers the table names (`special`): fired when they acted (else the entry's side effects are skipped). */
function special(name: string, p: ParsedArgs, argv: string[], i: number): {stop: boolean; fired: boolean} {
  const argc = argv.length
  const done = (stop = false): {stop: boolean; fired: boolean} => ({stop, fired: true})
  switch (name) {
    case 'cell': {
      // values in order until the end or an argument starting with '-'; an early end stops the argument
      p.userCell = true
      for (let k = 1; k <= 6; k++) {
        if (argc <= i + k || argv[i + k][0] === '-') return done(true)
        p.cell[k - 1] = k <= 3 ? atof(argv[i + k]) : degToRad(atof(argv[i + k]))
      }
      return done()
    }
    case 'misset_random':
      if (!argv[i + 1].includes('rand')) return {stop: false, fired: false}
      p.misset[0] = -1
      return done(true)
    case 'misset_angles':
      p.misset = [1, degToRad(atof(argv[i + 1])), degToRad(atof(argv[i + 2])), degToRad(atof(argv[i + 3]))]
      return done()
    case 'detector_abs': {
      const t = argv[i + 1]
      const v = atof(t)
      p.detectorAbs = t.includes('inf') ? Infinity : v * 1e-6
      if (t.includes('inf') || v === 0.0) {
        p.detectorThick = 0.0
        p.detectorMu = 0.0
      } else p.detectorMu = 1.0 / (v * 1e-6)
      return done()
    }
    case 'pivot':
      if (argv[i + 1].includes('sample')) p.pivot = p.pivotFlag = 'sample'
      if (argv[i + 1].includes('beam')) p.pivot = p.pivotFlag = 'beam'
      return done()
  }
  throw new Error(`flag table names an unknown handler '${name}'`)
}

/** The -cell values with nanoBragg's defaults (missing lengths → a, angles → 90°). */
export function resolvedCell(p: ParsedArgs): [number, number, number, number, number, number] {
  const [a, b, c, al, be, ga] = p.cell
  const right = Math.PI / 2
  return [a, b <= 0 ? a : b, c <= 0 ? a : c, al <= 0 ? right : al, be <= 0 ? right : be, ga <= 0 ? right : ga]
}

/** The config object, from the table's config keys. */
function configOf(p: ParsedArgs): Record<string, unknown> {
  const q = p as unknown as Fields
  const g = (k: string): boolean => p.given.has(k)
  const out: Record<string, unknown> = {}
  for (const k of CONFIG_KEYS) {
    const d = k.def
    const marks = givenMarks(k)
    switch (d.kind) {
      case 'num':
      case 'int':
      case 'str':
        out[k.key] = g(k.key) ? q[d.from] : null
        break
      case 'vec3':
      case 'ints':
        out[k.key] = g(k.key) ? (q[d.from] as number[]).slice() : null
        break
      case 'always':
        out[k.key] = q[d.from]
        break
      case 'bool':
        out[k.key] = q[d.from] === true
        break
      case 'notnull':
        out[k.key] = q[d.from] !== null
        break
      case 'pair':
        out[k.key] = marks.some(g) ? d.from.map((f, j) => (g(marks[j]) ? q[f] : null)) : null
        break
      case 'triple':
        out[k.key] = d.from.map((f, j) => (g(marks[j]) ? q[f] : null))
        break
      case 'allof':
        out[k.key] = g(k.key) ? d.from.map((f) => q[f]) : null
        break
      case 'cell':
        out[k.key] = g(k.key) ? resolvedCell(p) : null
        break
      case 'misset':
        out[k.key] = !g(k.key) ? null : p.misset[0] === -1 ? 'random' : p.misset[0] === 1 ? p.misset.slice(1) : null
        break
      case 'pivot':
        out[k.key] = p.pivotFlag
        break
      case 'interpolate':
        out[k.key] = g(k.key) ? p.interpolate === 1 : null
        break
    }
  }
  return out
}

export function parseArgs(argv: string[], hooks: ParseHooks = {}): ParsedArgs {
  const timeSeed = hooks.timeSeed ?? -Math.floor(Date.now() / 1000)
  const p = defaults(argv, timeSeed)
  const argc = argv.length

  // pre-pass: the last -img and -mask names; the mask header is read first, then the image's
  for (let i = 0; i < argc; i++) {
    if (argv[i][0] !== '-' || argc <= i + 1) continue
    if (argv[i].includes(PREPASS.img)) p.imginfile = argv[i + 1]
    if (argv[i].includes(PREPASS.mask)) p.maskfile = argv[i + 1]
  }
  for (const [file, isMask] of [
    [p.maskfile, true],
    [p.imginfile, false],
  ] as const) {
    if (file === null) continue
    const buf = hooks.readFile?.(file, isMask)
    if (buf) ingestFrame(p, readSmv(buf, file), isMask)
  }

  for (let i = 0; i < argc; i++) {
    const a = argv[i]
    if (a[0] !== '-') continue
    for (const f of FLAGS) {
      if (!flagMatches(f, a) || !(argc > i + f.need)) continue
      const stop = fire(f, p, argv, i)
      // nbtrace's own flags consume their values
      if (!f.upstream) i += f.need
      if (stop) break
    }
  }
  p.config = configOf(p)
  return p
}

/**
 * For each argument: the table entries whose tests match it, and those that would fire (enough
 * arguments follow, no earlier entry stopped the argument), as parseArgs runs them.
 */
export function firedEntries(argv: string[], _what: 'all' = 'all'): {matching: FlagSpec[][]; fired: FlagSpec[][]} {
  const p = defaults(argv, 0)
  const matching: FlagSpec[][] = argv.map(() => [])
  const fired: FlagSpec[][] = argv.map(() => [])
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a[0] !== '-') continue
    let stopped = false
    for (const f of FLAGS) {
      if (!flagMatches(f, a)) continue
      matching[i].push(f)
      if (stopped || !(argv.length > i + f.need)) continue
      fired[i].push(f)
      if (f.action.do === 'refuse') continue
      stopped = fire(f, p, argv, i)
    }
  }
  return {matching, fired}
}
