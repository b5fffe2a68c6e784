// The nanoBragg command-line model (physics.md §1): one left-to-right pass, substring
// (strstr) matching unless noted, later flags override earlier ones, atof/atoi number parsing.
// Produces the C variables as parsed (before set-up) and the header `config` object
// (schemas/config.schema.json: what the user gave, SI units, null when not given).
import {degToRad, type Vec3} from './vector.js'

export type Convention = 'MOSFLM' | 'DENZO' | 'ADXV' | 'XDS' | 'DIALS' | 'CUSTOM'
export type Pivot = 'beam' | 'sample'
export type XtalShape = 'square' | 'round' | 'gauss' | 'tophat'

/** C atof: longest valid leading decimal/hex/inf/nan prefix after whitespace, 0 when none. */
export function atof(s: string | undefined): number {
  if (s === undefined) return 0
  const t = s.replace(/^[\s]+/, '')
  const m = /^[+-]?(?:inf(?:inity)?|nan)/i.exec(t)
  if (m) {
    const neg = m[0][0] === '-'
    if (/nan/i.test(m[0])) return Number.NaN
    return neg ? -Infinity : Infinity
  }
  const d = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(t)
  return d ? Number(d[0]) : 0
}

/** C atoi (as used on 64-bit long): leading integer, 0 when none. */
export function atoi(s: string | undefined): number {
  if (s === undefined) return 0
  const m = /^\s*([+-]?\d+)/.exec(s)
  if (!m) return 0
  const v = Number(m[1])
  // atoi returns int: wrap like a 32-bit conversion would (garbage in, garbage out)
  return v | 0
}

export interface SmvHeader {
  [key: string]: string
}

/** Variables as nanoBragg holds them right after parsing (units as in the C code: metres, radians). */
export interface ParsedArgs {
  args: string[]
  // files
  hklfilename: string | null
  matfilename: string | null
  sourcefilename: string | null
  imginfile: string | null
  maskfile: string | null
  floatfilename: string
  intfilename: string
  noisefilename: string
  pgmfilename: string
  stolfilename: string | null
  writePgm: boolean
  calculateNoise: boolean
  noisefileGiven: boolean
  intfileGiven: boolean
  floatfileGiven: boolean
  // crystal
  userCell: boolean
  cell: [number, number, number, number, number, number] // a b c (Å) alpha beta gamma (rad)
  misset: [number, number, number, number] // [flag, x, y, z]
  defaultF: number
  Na: number
  Nb: number
  Nc: number
  sampleX: number
  sampleY: number
  sampleZ: number
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
  convention: Convention
  beamVector: Vec3
  fdetVector: Vec3
  sdetVector: Vec3
  odetVector: Vec3
  polarVector: Vec3
  spindleVector: Vec3
  twothetaAxis: Vec3
  detectorRotx: number
  detectorRoty: number
  detectorRotz: number
  detectorTwotheta: number
  detectorMu: number
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
  seedGiven: boolean
  mosaicSeed: number
  misset_seed: number
  missetSeedGiven: boolean
  intfileScale: number
  pgmScale: number
  adcOffset: number
  tracePixel: {slow: number; fast: number} | null
  /** config object for the trace header */
  config: Record<string, unknown>
}

const DEF_FLUENCE = 125932015286227086360700780544.0

interface Given {
  [k: string]: unknown
}

/** Reads the header keys nanoBragg looks at in an SMV file (-img/-mask); null when not SMV. */
export function parseSmvHeader(buf: Uint8Array): SmvHeader | null {
  const head = Buffer.from(buf.subarray(0, Math.min(buf.length, 4096))).toString('latin1')
  if (!head.startsWith('{\nHEADER_BYT')) return null
  const m = /HEADER_BYTES\s*=\s*(\d+)/.exec(head)
  const n = m ? Number(m[1]) : 512
  const text = Buffer.from(buf.subarray(0, n)).toString('latin1')
  const out: SmvHeader = {}
  for (const mm of text.matchAll(/([A-Za-z_0-9]+)\s*=\s*([^;\n]*)/g)) out[mm[1]] = mm[2]
  return out
}

export interface ParseHooks {
  /** reads the SMV header of -img/-mask files during the pre-pass */
  readHeader?: (path: string, isMask: boolean) => SmvHeader | null
  /** the wall-clock default seed (-time(NULL)) */
  timeSeed?: number
}

export function parseArgs(argv: string[], hooks: ParseHooks = {}): ParsedArgs {
  const timeSeed = hooks.timeSeed ?? -Math.floor(Date.now() / 1000)
  const p: ParsedArgs = {
    args: argv.slice(),
    hklfilename: null,
    matfilename: null,
    sourcefilename: null,
    imginfile: null,
    maskfile: null,
    floatfilename: 'floatimage.bin',
    intfilename: 'intimage.img',
    noisefilename: 'noiseimage.img',
    pgmfilename: 'image.pgm',
    stolfilename: null,
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
    convention: 'MOSFLM',
    beamVector: [1, 0, 0],
    fdetVector: [0, 0, 1],
    sdetVector: [0, -1, 0],
    odetVector: [1, 0, 0],
    polarVector: [0, 0, 1],
    spindleVector: [0, 0, 1],
    twothetaAxis: [0, 1, 0],
    detectorRotx: 0,
    detectorRoty: 0,
    detectorRotz: 0,
    detectorTwotheta: 0,
    detectorMu: -1,
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
    seedGiven: false,
    mosaicSeed: -12345678,
    misset_seed: timeSeed,
    missetSeedGiven: false,
    intfileScale: 0,
    pgmScale: 0,
    adcOffset: 40.0,
    tracePixel: null,
    config: {},
  }
  const g: Given = {}
  const argc = argv.length
  const has = (i: number, n: number): boolean => argc > i + n
  const arg = (i: number): string => argv[i]
  const v3 = (i: number): Vec3 => [atof(argv[i + 1]), atof(argv[i + 2]), atof(argv[i + 3])]

  // pre-pass: -img and -mask headers (§9)
  const ingest = (file: string, isMask: boolean): void => {
    const h = hooks.readHeader?.(file, isMask)
    if (!h) return
    const num = (k: string): number | null => (h[k] !== undefined ? atof(h[k]) : null)
    const size1 = num('SIZE1')
    const size2 = num('SIZE2')
    if (size1 !== null) p.fpixels = Math.trunc(size1)
    if (size2 !== null) p.spixels = Math.trunc(size2)
    const pix = num('PIXEL_SIZE')
    if (pix !== null) p.pixelSize = pix / 1000.0
    const dist = num('DISTANCE')
    if (dist !== null) {
      p.distance = dist / 1000.0
      g.distance_m = p.distance
    }
    const cd = num('CLOSE_DISTANCE')
    if (cd !== null) {
      p.closeDistance = cd / 1000.0
      g.close_distance_m = p.closeDistance
    }
    const wl = num('WAVELENGTH')
    if (wl !== null) {
      p.lambda0 = wl / 1e10
      g.lambda0_m = p.lambda0
    }
    const bx = num('BEAM_CENTER_X')
    if (bx !== null) {
      p.Xbeam = bx / 1000.0
      g.Xbeam_m = p.Xbeam
    }
    const by = num('BEAM_CENTER_Y')
    if (by !== null) {
      p.Ybeam = by / 1000.0
      if (isMask) p.Ybeam = p.detsizeS - p.Ybeam
      g.Ybeam_m = p.Ybeam
    }
    const ox = num('ORGX')
    if (ox !== null) {
      p.ORGX = ox
      g.ORGX = ox
    }
    const oy = num('ORGY')
    if (oy !== null) {
      p.ORGY = oy
      g.ORGY = oy
    }
    const phi = num('PHI')
    if (phi !== null) {
      p.phi0 = degToRad(phi)
      g.phi0_rad = p.phi0
    }
    const osc = num('OSC_RANGE')
    if (osc !== null) {
      p.osc = degToRad(osc)
      g.osc_rad = p.osc
    }
    if (size1 !== null || size2 !== null) {
      p.detsizeF = p.pixelSize * p.fpixels
      p.detsizeS = p.pixelSize * p.spixels
    }
  }
  for (let i = 0; i < argc; i++) {
    if (arg(i).includes('-img') && has(i, 1)) {
      p.imginfile = argv[i + 1]
      ingest(argv[i + 1], false)
    }
    if (arg(i).includes('-mask') && has(i, 1)) {
      p.maskfile = argv[i + 1]
      ingest(argv[i + 1], true)
    }
  }

  const setPivot = (pv: Pivot): void => {
    p.pivot = pv
    g.pivot_flag = pv
  }
  const detpix: [number | null, number | null] = [null, null]
  const detsize: [number | null, number | null] = [null, null]
  const ncells: [number | null, number | null, number | null] = [null, null, null]
  const sampleGiven = {x: false, y: false, z: false}

  for (let i = 0; i < argc; i++) {
    const a = arg(i)
    if (a[0] !== '-') continue
    const s = (flag: string): boolean => a.includes(flag)
    const eq = (flag: string): boolean => a === flag

    // crystal
    if (s('-cell') && has(i, 1)) {
      p.userCell = true
      const vals: number[] = []
      for (let k = 1; k <= 6; k++) {
        if (!has(i, k) || argv[i + k][0] === '-') break
        vals.push(atof(argv[i + k]))
      }
      const A = vals[0] ?? 0
      const B = vals.length > 1 ? vals[1] : A
      const C = vals.length > 2 ? vals[2] : A
      const ang = [vals[3], vals[4], vals[5]].map((x) => (x === undefined || x <= 0 ? 90.0 : x))
      p.cell = [A, B, C, degToRad(ang[0]), degToRad(ang[1]), degToRad(ang[2])]
      g.cell = p.cell.slice()
    }
    if (s('-mat') && has(i, 1)) {
      p.matfilename = argv[i + 1]
      g.matrix_file = true
    }
    if (s('-misset') && has(i, 1)) {
      if (argv[i + 1].includes('rand')) {
        p.misset[0] = -1
        g.misset = 'random'
      } else if (has(i, 3)) {
        // upstream strstr: -misset_seed S a b also lands here (Q14)
        const m: Vec3 = [degToRad(atof(argv[i + 1])), degToRad(atof(argv[i + 2])), degToRad(atof(argv[i + 3]))]
        p.misset = [1, m[0], m[1], m[2]]
        g.misset = m
      }
    }
    if (s('-hkl') && has(i, 1)) p.hklfilename = argv[i + 1]
    if (s('-default_F') && has(i, 1)) {
      p.defaultF = atof(argv[i + 1])
      g.default_F = p.defaultF
    }
    if (eq('-N') && has(i, 1)) {
      p.Na = p.Nb = p.Nc = atoi(argv[i + 1])
      ncells[0] = ncells[1] = ncells[2] = p.Na
    }
    if (s('-Na') && has(i, 1)) ncells[0] = p.Na = atoi(argv[i + 1])
    if (s('-Nb') && has(i, 1)) ncells[1] = p.Nb = atoi(argv[i + 1])
    if (s('-Nc') && has(i, 1)) ncells[2] = p.Nc = atoi(argv[i + 1])
    if ((s('-xtalsize') || s('-xtal_size') || s('-samplesize') || s('-sample_size')) && has(i, 1)) {
      p.sampleX = p.sampleY = p.sampleZ = atof(argv[i + 1]) / 1000
      sampleGiven.x = sampleGiven.y = sampleGiven.z = true
    }
    if ((s('-xtal_thick') || s('-sample_thick') || s('-sample_x')) && has(i, 1)) {
      p.sampleX = atof(argv[i + 1]) / 1000
      sampleGiven.x = true
    }
    if ((s('-xtal_width') || s('-sample_width') || s('-sample_y')) && has(i, 1)) {
      p.sampleY = atof(argv[i + 1]) / 1000
      sampleGiven.y = true
    }
    if ((s('-xtal_heigh') || s('-sample_heigh') || s('-sample_z')) && has(i, 1)) {
      p.sampleZ = atof(argv[i + 1]) / 1000
      sampleGiven.z = true
    }
    if (s('-round_xtal')) g.xtal_shape = p.xtalShape = 'round'
    if (s('-square_xtal')) g.xtal_shape = p.xtalShape = 'square'
    if (s('-gauss_xtal')) g.xtal_shape = p.xtalShape = 'gauss'
    if (s('-tophat_spots') || s('-binary_spots')) g.xtal_shape = p.xtalShape = 'tophat'
    if (s('-fudge') && has(i, 1)) g.fudge = p.fudge = atof(argv[i + 1])
    if (s('-interpolate')) {
      p.interpolate = 1
      g.interpolate = true
    }
    if (s('-nointerpolate')) {
      p.interpolate = 0
      g.interpolate = false
    }
    // beam
    if ((s('-lambda') || s('-wave')) && has(i, 1)) g.lambda0_m = p.lambda0 = atof(argv[i + 1]) / 1.0e10
    if (s('-energy') && has(i, 1)) g.lambda0_m = p.lambda0 = 12398.42 / atof(argv[i + 1]) / 1.0e10
    if (s('-dispersion') && has(i, 1)) g.dispersion = p.dispersion = atof(argv[i + 1]) / 100.0
    if (s('-dispsteps') && has(i, 1)) g.dispsteps = p.dispsteps = atoi(argv[i + 1])
    if (s('-divergence') && has(i, 1)) {
      p.hdivrange = p.vdivrange = atof(argv[i + 1]) / 1000.0
      g.hdivrange_rad = g.vdivrange_rad = p.hdivrange
    }
    if (s('-hdivrange') && has(i, 1)) g.hdivrange_rad = p.hdivrange = atof(argv[i + 1]) / 1000.0
    if (s('-vdivrange') && has(i, 1)) g.vdivrange_rad = p.vdivrange = atof(argv[i + 1]) / 1000.0
    if (s('-hdivstep') && a.length === 9 && has(i, 1)) g.hdivstep_rad = p.hdivstep = atof(argv[i + 1]) / 1000.0
    if (s('-vdivstep') && a.length === 9 && has(i, 1)) g.vdivstep_rad = p.vdivstep = atof(argv[i + 1]) / 1000.0
    if (s('-hdivsteps') && has(i, 1)) g.hdivsteps = p.hdivsteps = atoi(argv[i + 1])
    if (s('-vdivsteps') && has(i, 1)) g.vdivsteps = p.vdivsteps = atoi(argv[i + 1])
    if (s('-divsteps') && has(i, 1)) {
      p.hdivsteps = p.vdivsteps = atoi(argv[i + 1])
      g.hdivsteps = g.vdivsteps = p.hdivsteps
    }
    if (s('-round_div')) p.roundDiv = true
    if (s('-square_div')) p.roundDiv = false
    if (s('-sourcefile') && has(i, 1)) {
      p.sourcefilename = argv[i + 1]
      g.source_file = true
    }
    if (s('-fluence') && has(i, 1)) g.fluence = p.fluence = atof(argv[i + 1])
    if (s('-flux') && has(i, 1)) g.flux = p.flux = atof(argv[i + 1])
    if (s('-exposure') && has(i, 1)) g.exposure_s = p.exposure = atof(argv[i + 1])
    if (s('-beamsize') && has(i, 1)) g.beamsize_m = p.beamsize = atof(argv[i + 1]) / 1000
    if (s('-polar') && a.length === 6 && has(i, 1)) {
      g.kahn_factor = p.polarization = atof(argv[i + 1])
      p.nopolar = false
      g.nopolar = false
    }
    if (s('-nopolar')) g.nopolar = p.nopolar = true
    // detector
    if (s('-distance') && has(i, 1)) {
      g.distance_m = p.distance = atof(argv[i + 1]) / 1000.0
      setPivot('beam')
    }
    if (s('-close_distance') && has(i, 1)) {
      g.close_distance_m = p.closeDistance = atof(argv[i + 1]) / 1000.0
      setPivot('sample')
    }
    if (s('-detsize') && a.length === 8 && has(i, 1)) {
      p.detsizeF = p.detsizeS = atof(argv[i + 1]) / 1000.0
      detsize[0] = detsize[1] = p.detsizeF
    }
    if (s('-detsize_f') && has(i, 1)) detsize[0] = p.detsizeF = atof(argv[i + 1]) / 1000.0
    if (s('-detsize_s') && has(i, 1)) detsize[1] = p.detsizeS = atof(argv[i + 1]) / 1000.0
    if (s('-detpixels') && a.length === 10 && has(i, 1)) {
      p.fpixels = p.spixels = atoi(argv[i + 1])
      detpix[0] = detpix[1] = p.fpixels
    }
    if ((s('-detpixels_f') || s('-detpixels_x')) && has(i, 1)) detpix[0] = p.fpixels = atoi(argv[i + 1])
    if ((s('-detpixels_s') || s('-detpixels_y')) && has(i, 1)) detpix[1] = p.spixels = atoi(argv[i + 1])
    if (s('-pixel') && has(i, 1)) g.pixel_size_m = p.pixelSize = atof(argv[i + 1]) / 1000.0
    if (s('-Xbeam') && has(i, 1)) {
      g.Xbeam_m = p.Xbeam = atof(argv[i + 1]) / 1000.0
      setPivot('beam')
    }
    if (s('-Ybeam') && has(i, 1)) {
      g.Ybeam_m = p.Ybeam = atof(argv[i + 1]) / 1000.0
      setPivot('beam')
    }
    if (s('-Xclose') && has(i, 1)) {
      g.Xclose_m = p.Xclose = atof(argv[i + 1]) / 1000.0
      setPivot('sample')
    }
    if (s('-Yclose') && has(i, 1)) {
      g.Yclose_m = p.Yclose = atof(argv[i + 1]) / 1000.0
      setPivot('sample')
    }
    if (s('-ORGX') && has(i, 1)) {
      g.ORGX = p.ORGX = atof(argv[i + 1])
      setPivot('sample')
    }
    if (s('-ORGY') && has(i, 1)) {
      g.ORGY = p.ORGY = atof(argv[i + 1])
      setPivot('sample')
    }
    if (s('-pivot') && has(i, 1)) {
      if (argv[i + 1].includes('sample')) setPivot('sample')
      if (argv[i + 1].includes('beam')) setPivot('beam')
    }
    if (s('-mosflm')) g.convention = p.convention = 'MOSFLM'
    if (s('-xds')) g.convention = p.convention = 'XDS'
    if (s('-adxv')) g.convention = p.convention = 'ADXV'
    if (s('-denzo')) g.convention = p.convention = 'DENZO'
    if (s('-dials')) g.convention = p.convention = 'DIALS'
    const vecFlag = (flag: string, key: string, set: (v: Vec3) => void): void => {
      if (s(flag) && has(i, 3)) {
        const v = v3(i)
        set(v)
        g[key] = v
        g.convention = p.convention = 'CUSTOM'
      }
    }
    vecFlag('-fdet_vector', 'fdet_vector', (v) => (p.fdetVector = v))
    vecFlag('-sdet_vector', 'sdet_vector', (v) => (p.sdetVector = v))
    vecFlag('-odet_vector', 'odet_vector', (v) => (p.odetVector = v))
    vecFlag('-beam_vector', 'beam_vector', (v) => (p.beamVector = v))
    vecFlag('-polar_vector', 'polar_vector', (v) => (p.polarVector = v))
    vecFlag('-spindle_axis', 'spindle_vector', (v) => (p.spindleVector = v))
    if (s('-pix0_vector') && has(i, 3)) g.convention = p.convention = 'CUSTOM'
    if (s('-twotheta') && has(i, 1)) {
      // also matches -twotheta_axis (Q14): its first number becomes the angle
      g.twotheta_rad = p.detectorTwotheta = degToRad(atof(argv[i + 1]))
      setPivot('sample')
    }
    vecFlag('-twotheta_axis', 'twotheta_axis', (v) => (p.twothetaAxis = v))
    const rot = (flag: string, k: 0 | 1 | 2): void => {
      if (s(flag) && has(i, 1)) {
        const r = degToRad(atof(argv[i + 1]))
        if (k === 0) p.detectorRotx = r
        if (k === 1) p.detectorRoty = r
        if (k === 2) p.detectorRotz = r
        g.detector_rotation_rad = [p.detectorRotx, p.detectorRoty, p.detectorRotz]
      }
    }
    rot('-detector_rotx', 0)
    rot('-detector_roty', 1)
    rot('-detector_rotz', 2)
    if (s('-detector_abs') && has(i, 1)) {
      const t = argv[i + 1]
      const v = atof(t)
      g.detector_abs_m = t.includes('inf') ? Infinity : v * 1e-6
      if (t.includes('inf') || v === 0) {
        p.detectorMu = 0
        p.detectorThick = 0
      } else p.detectorMu = 1.0 / (v * 1e-6)
    }
    if (s('-detector_thick') && a.length === 15 && has(i, 1)) g.detector_thick_m = p.detectorThick = atof(argv[i + 1]) * 1e-6
    if ((s('-detector_thicksteps') || s('-thicksteps')) && has(i, 1)) g.detector_thicksteps = p.detectorThicksteps = atoi(argv[i + 1])
    if (s('-curved_det') && has(i, 1)) g.curved_detector = p.curvedDetector = true
    if (s('-point_pixel')) g.point_pixel = p.pointPixel = true
    if (eq('-oversample') && has(i, 1)) g.oversample = p.oversample = atoi(argv[i + 1])
    if (s('-oversample_thick')) g.oversample_thick = p.oversampleThick = true
    if (s('-oversample_polar')) g.oversample_polar = p.oversamplePolar = true
    if (s('-oversample_omega')) g.oversample_omega = p.oversampleOmega = true
    if (s('-roi') && has(i, 4)) {
      p.roi = [atoi(argv[i + 1]), atoi(argv[i + 2]), atoi(argv[i + 3]), atoi(argv[i + 4])]
      g.roi = p.roi.slice()
    }
    // mosaic / phi
    if (((s('-mosaic') && a.length === 7) || s('-mosaici') || s('-mosaic_spr')) && has(i, 1)) {
      g.mosaic_spread_rad = p.mosaicSpread = degToRad(atof(argv[i + 1]))
    }
    if (s('-mosaic_dom') && has(i, 1)) g.mosaic_domains = p.mosaicDomains = atoi(argv[i + 1])
    if (s('-phi') && a.length === 4 && has(i, 1)) g.phi0_rad = p.phi0 = degToRad(atof(argv[i + 1]))
    if (s('-osc') && has(i, 1)) g.osc_rad = p.osc = degToRad(atof(argv[i + 1]))
    if (s('-phistep') && a.length === 8 && has(i, 1)) g.phistep_rad = p.phistep = degToRad(atof(argv[i + 1]))
    if (s('-phisteps') && has(i, 1)) g.phisteps = p.phisteps = atoi(argv[i + 1])
    if (s('-dmin') && has(i, 1)) g.dmin_m = p.dmin = atof(argv[i + 1]) * 1e-10
    if (s('-water') && has(i, 1)) g.water_size_m = p.waterSize = atof(argv[i + 1]) / 1e6
    if (eq('-seed') && has(i, 1)) {
      g.seed = p.seed = -atoi(argv[i + 1])
      p.seedGiven = true
    }
    if (s('-mosaic_seed') && has(i, 1)) g.mosaic_seed = p.mosaicSeed = -atoi(argv[i + 1])
    if (s('-misset_seed') && has(i, 1)) {
      g.misset_seed = p.misset_seed = -atoi(argv[i + 1])
      p.missetSeedGiven = true
    }
    // outputs
    if ((s('-floatfile') || s('-floatimage')) && has(i, 1)) {
      p.floatfilename = argv[i + 1]
      p.floatfileGiven = true
    }
    if ((s('-intfile') || s('-intimage')) && has(i, 1)) {
      p.intfilename = argv[i + 1]
      p.intfileGiven = true
    }
    if ((s('-noisefile') || s('-noiseimage')) && has(i, 1)) {
      p.noisefilename = argv[i + 1]
      p.noisefileGiven = true
      p.calculateNoise = true
    }
    if (s('-nonoise')) p.calculateNoise = false
    if (s('-pgmfile') && has(i, 1)) {
      p.pgmfilename = argv[i + 1]
      p.writePgm = true
    }
    if (s('-pgmscale') && has(i, 1)) {
      p.pgmScale = atof(argv[i + 1])
      p.writePgm = true
    }
    if (s('-nopgm')) p.writePgm = false
    if (eq('-scale') && has(i, 1)) p.intfileScale = atof(argv[i + 1])
    if (s('-adc') && has(i, 1)) p.adcOffset = atof(argv[i + 1])
    if (((s('-stol') && a.length === 5) || s('-4stol') || eq('-Q')) && has(i, 1)) p.stolfilename = argv[i + 1]
    if ((s('-trace_pixel') || s('-dump_pixel')) && has(i, 2)) p.tracePixel = {slow: atoi(argv[i + 1]), fast: atoi(argv[i + 2])}
  }
  if (p.seed === timeSeed && !p.seedGiven) {
    /* wall-clock seed */
  }
  const anySample = sampleGiven.x || sampleGiven.y || sampleGiven.z
  p.config = {
    convention: p.convention,
    pivot_flag: g.pivot_flag ?? null,
    detsize_m: detsize[0] === null && detsize[1] === null ? null : detsize,
    detpixels: detpix[0] === null && detpix[1] === null ? null : detpix,
    pixel_size_m: g.pixel_size_m ?? null,
    distance_m: g.distance_m ?? null,
    close_distance_m: g.close_distance_m ?? null,
    Xbeam_m: g.Xbeam_m ?? null,
    Ybeam_m: g.Ybeam_m ?? null,
    Xclose_m: g.Xclose_m ?? null,
    Yclose_m: g.Yclose_m ?? null,
    ORGX: g.ORGX ?? null,
    ORGY: g.ORGY ?? null,
    detector_rotation_rad: g.detector_rotation_rad ?? null,
    twotheta_rad: g.twotheta_rad ?? null,
    beam_vector: g.beam_vector ?? null,
    fdet_vector: g.fdet_vector ?? null,
    sdet_vector: g.sdet_vector ?? null,
    odet_vector: g.odet_vector ?? null,
    polar_vector: g.polar_vector ?? null,
    spindle_vector: g.spindle_vector ?? null,
    twotheta_axis: g.twotheta_axis ?? null,
    curved_detector: p.curvedDetector,
    point_pixel: p.pointPixel,
    lambda0_m: g.lambda0_m ?? null,
    source_file: p.sourcefilename !== null,
    dispersion: g.dispersion ?? null,
    dispsteps: g.dispsteps ?? null,
    hdivrange_rad: g.hdivrange_rad ?? null,
    vdivrange_rad: g.vdivrange_rad ?? null,
    hdivstep_rad: g.hdivstep_rad ?? null,
    vdivstep_rad: g.vdivstep_rad ?? null,
    hdivsteps: g.hdivsteps ?? null,
    vdivsteps: g.vdivsteps ?? null,
    round_div: p.roundDiv,
    cell: g.cell ?? null,
    matrix_file: p.matfilename !== null,
    misset: g.misset ?? null,
    misset_seed: g.misset_seed ?? null,
    N_cells: ncells,
    sample_size_m: anySample ? [p.sampleX, p.sampleY, p.sampleZ] : null,
    xtal_shape: g.xtal_shape ?? null,
    fudge: g.fudge ?? null,
    mosaic_spread_rad: g.mosaic_spread_rad ?? null,
    mosaic_domains: g.mosaic_domains ?? null,
    mosaic_seed: g.mosaic_seed ?? null,
    phi0_rad: g.phi0_rad ?? null,
    osc_rad: g.osc_rad ?? null,
    phistep_rad: g.phistep_rad ?? null,
    phisteps: g.phisteps ?? null,
    oversample: g.oversample ?? null,
    oversample_thick: p.oversampleThick,
    oversample_polar: p.oversamplePolar,
    oversample_omega: p.oversampleOmega,
    detector_thick_m: g.detector_thick_m ?? null,
    detector_thicksteps: g.detector_thicksteps ?? null,
    detector_abs_m: g.detector_abs_m ?? null,
    fluence: g.fluence ?? null,
    flux: g.flux ?? null,
    exposure_s: g.exposure_s ?? null,
    beamsize_m: g.beamsize_m ?? null,
    kahn_factor: g.kahn_factor ?? null,
    nopolar: p.nopolar,
    interpolate: g.interpolate ?? null,
    default_F: g.default_F ?? null,
    dmin_m: g.dmin_m ?? null,
    water_size_m: g.water_size_m ?? null,
    roi: g.roi ?? null,
    mask: p.maskfile !== null,
    noise: p.calculateNoise,
    seed: g.seed ?? null,
  }
  return p
}
