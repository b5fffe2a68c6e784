// The nanoBragg command line, as ONE table: every flag upstream nanoBragg's parser tests (in its
// order, with its matching rule), the few nbtrace adds, what each one sets and in which unit, and
// the config key it records. Everything else is driven by it:
//   * src/sim/cli.ts parseArgs interprets it (one left-to-right pass, several entries may fire
//     for one argument, later arguments override earlier ones);
//   * src/sim/args-check.ts checks values against its value kinds and refuses what it marks;
//   * scripts/gen-flags.ts writes the C engine's parser and config emitter from it
//     (instrumented-c/src/flags_gen.c), and checks schemas/config.schema.json against CONFIG_KEYS;
//   * docs/flags.md is generated from it.
// Matching syntax of `tests` (a flag fires when any of its tests matches the argument):
//   '-x'    the argument contains '-x' (upstream strstr: '-twotheta' also fires for '-twotheta_axis')
//   '=-x'   the argument is exactly '-x' (strcmp)
//   '-x/8'  contains '-x' and is 8 characters long
//   '-x>7'  contains '-x' and is longer than 7 characters
// `need`: upstream acts only when at least this many arguments follow (argc > i+need).
import type {Convention, Pivot} from './cli.js'

/** A number as the user types it, converted to what the engines hold (metres, radians). */
export interface UnitDef {
  /** how the TypeScript engine converts the atof() value (the exact upstream expression) */
  ts: (v: number) => number
  /** the same expression in C, %s standing for the atof() value */
  c: string
  /** as the user gives it */
  user: string
}

const RTD = 180.0 * (1 / Math.PI)

export const UNITS = {
  one: {ts: (v: number) => v, c: '%s', user: ''},
  mm: {ts: (v: number) => v / 1000.0, c: '%s/1000.0', user: 'mm'},
  mrad: {ts: (v: number) => v / 1000.0, c: '%s/1000.0', user: 'mrad'},
  deg: {ts: (v: number) => v / RTD, c: '%s/RTD', user: 'deg'},
  um: {ts: (v: number) => v * 1e-6, c: '%s*1e-6', user: 'µm'},
  um_water: {ts: (v: number) => v / 1e6, c: '%s/1e6', user: 'µm'},
  angstrom: {ts: (v: number) => v / 1.0e10, c: '%s/1.0e10', user: 'Å'},
  angstrom_dmin: {ts: (v: number) => v * 1e-10, c: '%s*1e-10', user: 'Å'},
  eV: {ts: (v: number) => 12398.42 / v / 1.0e10, c: '(12398.42/%s)/1.0e10', user: 'eV'},
  percent: {ts: (v: number) => v / 100.0, c: '%s/100.0', user: '%'},
  g_cm3: {ts: (v: number) => v * 1e6, c: '%s*1e6', user: 'g/cm³'},
} satisfies Record<string, UnitDef>
export type Unit = keyof typeof UNITS

/** What follows a flag, for the argument checks: a number, an integer, a file name, a word. */
export type ValueKind = 'num' | 'int' | 'file' | 'word'

/**
 * What a flag does with its values. Fields are ParsedArgs fields (src/sim/cli.ts); FIELDS maps
 * each to the C engine's variable.
 */
export type Action =
  | {do: 'num'; to: string[]; unit: Unit}
  | {do: 'int'; to: string[]}
  | {do: 'negint'; to: string[]}
  | {do: 'str'; to: string[]}
  | {do: 'const'; to: string[]; value: number | boolean | string}
  | {do: 'vec3'; to: string}
  | {do: 'ints'; to: string; n: number}
  | {do: 'special'; name: 'cell' | 'misset_random' | 'misset_angles' | 'detector_abs' | 'pivot'}
  | {do: 'refuse'; why: string}
  | {do: 'none'}

/**
 * physics: changes the image · input: names a file the engines read · output: names or switches a
 * file the engines write · console: what is printed only · noop: upstream parses it but nothing
 * it computes uses the value (the engines do the same, and say so) · refused · nbtrace: ours.
 */
export type Role = 'physics' | 'input' | 'output' | 'console' | 'noop' | 'refused' | 'nbtrace'

export interface FlagSpec {
  tests: string[]
  need: number
  /** the values that follow it; 'cell': 1 to 6 numbers up to the next argument starting with '-'; 'misset': 'random' or 3 numbers */
  values: ValueKind[] | 'cell' | 'misset'
  action: Action
  /** side effects when it fires */
  pivot?: Pivot
  convention?: Convention
  also?: Array<[string, number | boolean | string]>
  /** upstream's `continue`: no later entry is tested for this argument */
  stop?: boolean
  /** config given-marks (CONFIG_KEYS below): 'key' or 'key.i' for one element */
  given?: string[]
  role: Role
  /** upstream nanoBragg tests this flag (false: nbtrace's own) */
  upstream: boolean
  /** in our words: what it is for; for noop/refused, why */
  doc: string
  /** warning printed when it is given (noop flags: what the user should know) */
  warn?: string
}

const num = (to: string | string[], unit: Unit = 'one'): Action => ({do: 'num', to: Array.isArray(to) ? to : [to], unit})
const int = (to: string | string[]): Action => ({do: 'int', to: Array.isArray(to) ? to : [to]})
const str = (to: string): Action => ({do: 'str', to: [to]})
const set = (to: string | string[], value: number | boolean | string): Action => ({do: 'const', to: Array.isArray(to) ? to : [to], value})

type Opts = Partial<Pick<FlagSpec, 'pivot' | 'convention' | 'also' | 'stop' | 'given' | 'warn' | 'need'>>
const U = (tests: string[], values: FlagSpec['values'], action: Action, role: Role, doc: string, o: Opts = {}): FlagSpec => ({
  tests,
  need: o.need ?? (Array.isArray(values) ? values.length : 1),
  values,
  action,
  role,
  upstream: true,
  doc,
  ...o,
})
const NUM: ValueKind[] = ['num']
const INT: ValueKind[] = ['int']
const FILE: ValueKind[] = ['file']
const NONE: ValueKind[] = []

const NOOP_MW =
  'nanoBragg reads it but never uses it: it prints an "approximate MW" computed from the crystal size (density 1.2 g/cm³) instead, and the water background uses a fixed F=2.57, MW=18'

/** nbtrace's own flags: tested first, exactly, and consumed (never seen by the nanoBragg entries). */
const NBTRACE: FlagSpec[] = [
  {
    tests: ['=-trace_pixel', '=-dump_pixel'],
    need: 2,
    values: ['int', 'int'],
    action: {do: 'ints', to: 'tracePixel', n: 2},
    also: [['traceRequested', true]],
    stop: true,
    role: 'nbtrace',
    upstream: false,
    doc: "trace this pixel: slow then fast index (hoidn's reference spells it -trace_pixel too)",
  },
  {
    tests: ['=-trace_out'],
    need: 1,
    values: FILE,
    action: str('traceOut'),
    stop: true,
    role: 'nbtrace',
    upstream: false,
    doc: 'the trace file (C engine; default trace_C.jsonl)',
  },
  {
    tests: ['=-trace_only'],
    need: 0,
    values: NONE,
    action: set('traceOnly', true),
    stop: true,
    role: 'nbtrace',
    upstream: false,
    doc: 'compute only the traced pixel, write no image (C engine)',
  },
  {tests: ['=-quiet'], need: 0, values: NONE, action: set('quiet', true), stop: true, role: 'nbtrace', upstream: false, doc: 'print less (C engine)'},
  {
    tests: ['=-nbtrace_faults'],
    need: 1,
    values: ['word'],
    action: str('plantedFaults'),
    stop: true,
    role: 'nbtrace',
    upstream: false,
    doc: 'planted faults, ids of schemas/faults.json comma-separated (C engine: the partial-image ones; nbtrace passes --inject here)',
  },
]

/** Upstream nanoBragg's parser (bl831 nanoBragg.c), entry by entry in its order. */
const NANOBRAGG: FlagSpec[] = [
  // crystal size in unit cells (each stops the argument)
  U(['-Na'], INT, int('Na'), 'physics', 'unit cells along a', {stop: true, given: ['N_cells.0']}),
  U(['-Nb'], INT, int('Nb'), 'physics', 'unit cells along b', {stop: true, given: ['N_cells.1']}),
  U(['-Nc'], INT, int('Nc'), 'physics', 'unit cells along c', {stop: true, given: ['N_cells.2']}),
  U(['=-N'], INT, int(['Na', 'Nb', 'Nc']), 'physics', 'unit cells along a, b and c', {stop: true, given: ['N_cells.0', 'N_cells.1', 'N_cells.2']}),
  U(
    ['-cell'],
    'cell',
    {do: 'special', name: 'cell'},
    'physics',
    'unit cell a b c (Å) α β γ (deg); values stop at the next argument starting with "-"; missing lengths or angles keep earlier -cell values, then default to a and 90°',
    {need: 1, given: ['cell']},
  ),
  U(['-misset'], 'misset', {do: 'special', name: 'misset_random'}, 'physics', 'random crystal orientation (-misset random): drawn from -misset_seed', {
    need: 1,
    stop: false,
    given: ['misset'],
  }),
  U(
    ['-misset'],
    'misset',
    {do: 'special', name: 'misset_angles'},
    'physics',
    'crystal misset rotations about x, y, z (deg); also fires for -misset_seed when three arguments follow',
    {need: 3, given: ['misset']},
  ),
  U(['-samplesize', '-sample_size'], NUM, num(['sampleX', 'sampleY', 'sampleZ'], 'mm'), 'physics', 'crystal size along a, b, c (mm): sets N', {
    given: ['sample_size_m'],
  }),
  U(['-sample_thick', '-sample_x'], NUM, num('sampleX', 'mm'), 'physics', 'crystal size along a (mm)', {given: ['sample_size_m']}),
  U(['-sample_width', '-sample_y', '-width'], NUM, num('sampleY', 'mm'), 'physics', 'crystal size along b (mm)', {given: ['sample_size_m']}),
  U(['-sample_heigh', '-sample_z', '-heigh'], NUM, num('sampleZ', 'mm'), 'physics', 'crystal size along c (mm)', {given: ['sample_size_m']}),
  U(['-xtalsize', '-xtal_size'], NUM, num(['sampleX', 'sampleY', 'sampleZ'], 'mm'), 'physics', 'crystal size along a, b, c (mm)', {given: ['sample_size_m']}),
  U(['-xtal_thick', '-xtal_x'], NUM, num('sampleX', 'mm'), 'physics', 'crystal size along a (mm)', {given: ['sample_size_m']}),
  U(['-xtal_width', '-xtal_y', '-width'], NUM, num('sampleY', 'mm'), 'physics', 'crystal size along b (mm)', {given: ['sample_size_m']}),
  U(['-xtal_heigh', '-xtal_z', '-heigh'], NUM, num('sampleZ', 'mm'), 'physics', 'crystal size along c (mm)', {given: ['sample_size_m']}),
  U(['-density', '-sample_den'], NUM, num('density', 'g_cm3'), 'noop', 'sample density (g/cm³). ' + NOOP_MW, {
    warn: 'nanoBragg reads -density but never uses it (the image is the same without it)',
  }),
  U(['=-MW', '-molec'], NUM, num('molecularWeight'), 'noop', 'molecular weight (g/mol). ' + NOOP_MW, {
    warn: 'nanoBragg reads -MW but never uses it (the image is the same without it)',
  }),
  // detector position
  U(['-Xbeam'], NUM, num('Xbeam', 'mm'), 'physics', 'direct-beam position (mm), header convention; pivot about the beam', {pivot: 'beam', given: ['Xbeam_m']}),
  U(['-Ybeam'], NUM, num('Ybeam', 'mm'), 'physics', 'direct-beam position (mm), header convention; pivot about the beam', {pivot: 'beam', given: ['Ybeam_m']}),
  U(['-Xclose'], NUM, num('Xclose', 'mm'), 'physics', 'near point (mm); pivot about the sample', {pivot: 'sample', given: ['Xclose_m']}),
  U(['-Yclose'], NUM, num('Yclose', 'mm'), 'physics', 'near point (mm); pivot about the sample', {pivot: 'sample', given: ['Yclose_m']}),
  U(['-ORGX'], NUM, num('ORGX'), 'physics', 'XDS near point, fast (pixels); pivot about the sample', {pivot: 'sample', given: ['ORGX']}),
  U(['-ORGY'], NUM, num('ORGY'), 'physics', 'XDS near point, slow (pixels); pivot about the sample', {pivot: 'sample', given: ['ORGY']}),
  U(
    ['-pivot'],
    ['word'],
    {do: 'special', name: 'pivot'},
    'physics',
    'detector pivot: a word containing "sample" or "beam" (only the CUSTOM convention honours it)',
  ),
  U(['-mosflm'], NONE, set('convention', 'MOSFLM'), 'physics', 'MOSFLM convention (pivot about the beam)', {also: [['pivot', 'beam']]}),
  U(['-xds'], NONE, set('convention', 'XDS'), 'physics', 'XDS convention (pivot about the sample)', {also: [['pivot', 'sample']]}),
  U(['-adxv'], NONE, set('convention', 'ADXV'), 'physics', 'ADXV convention (pivot about the beam)', {also: [['pivot', 'beam']]}),
  U(['-denzo'], NONE, set('convention', 'DENZO'), 'physics', 'DENZO convention (pivot about the beam)', {also: [['pivot', 'beam']]}),
  U(['-dials'], NONE, set('convention', 'DIALS'), 'physics', 'DIALS convention (the convention then pivots about the sample)', {also: [['pivot', 'beam']]}),
  U(['-fdet_vector'], ['num', 'num', 'num'], {do: 'vec3', to: 'fdetVector'}, 'physics', 'detector fast axis; CUSTOM convention', {
    convention: 'CUSTOM',
    given: ['fdet_vector'],
  }),
  U(['-sdet_vector'], ['num', 'num', 'num'], {do: 'vec3', to: 'sdetVector'}, 'physics', 'detector slow axis; CUSTOM convention', {
    convention: 'CUSTOM',
    given: ['sdet_vector'],
  }),
  U(['-odet_vector'], ['num', 'num', 'num'], {do: 'vec3', to: 'odetVector'}, 'physics', 'detector normal; CUSTOM convention', {
    convention: 'CUSTOM',
    given: ['odet_vector'],
  }),
  U(['-beam_vector'], ['num', 'num', 'num'], {do: 'vec3', to: 'beamVector'}, 'physics', 'beam direction; CUSTOM convention', {
    convention: 'CUSTOM',
    given: ['beam_vector'],
  }),
  U(['-polar_vector'], ['num', 'num', 'num'], {do: 'vec3', to: 'polarVector'}, 'physics', 'E-vector of the beam; CUSTOM convention', {
    convention: 'CUSTOM',
    given: ['polar_vector'],
  }),
  U(['-spindle_axis'], ['num', 'num', 'num'], {do: 'vec3', to: 'spindleVector'}, 'physics', 'phi rotation axis; CUSTOM convention', {
    convention: 'CUSTOM',
    given: ['spindle_vector'],
  }),
  U(
    ['-twotheta_axis'],
    ['num', 'num', 'num'],
    {do: 'vec3', to: 'twothetaAxis'},
    'physics',
    'two-theta rotation axis; CUSTOM convention (also fires -twotheta with its first number)',
    {convention: 'CUSTOM', given: ['twotheta_axis']},
  ),
  U(
    ['-pix0_vector'],
    ['num', 'num', 'num'],
    {do: 'vec3', to: 'pix0Vector'},
    'physics',
    'only switches to the CUSTOM convention: nanoBragg always recomputes pix0 from the beam centre and distance',
    {convention: 'CUSTOM', warn: 'nanoBragg reads -pix0_vector but recomputes pix0 itself: the flag only selects the CUSTOM convention'},
  ),
  U(['-distance'], NUM, num('distance', 'mm'), 'physics', 'sample to beam spot on the detector (mm); pivot about the beam', {
    pivot: 'beam',
    given: ['distance_m'],
  }),
  U(['-close_distance'], NUM, num('closeDistance', 'mm'), 'physics', 'sample to detector plane (mm); pivot about the sample', {
    pivot: 'sample',
    given: ['close_distance_m'],
  }),
  U(
    ['-source_dist'],
    NUM,
    {
      do: 'refuse',
      why: 'nanoBragg does not read -source_distance (its parser line is commented out) and keeps sources 10 m away; nbtrace refuses it rather than ignore it',
    },
    'refused',
    'source distance: not read by nanoBragg (commented out upstream), refused',
  ),
  // detector sensor
  U(['-detector_abs'], ['word'], {do: 'special', name: 'detector_abs'}, 'physics', 'sensor attenuation depth (µm); "inf" or 0: no absorption', {
    given: ['detector_abs_m'],
  }),
  U(['-detector_thick/15'], NUM, num('detectorThick', 'um'), 'physics', 'sensor thickness (µm)', {given: ['detector_thick_m']}),
  U(['-detector_thicksteps'], INT, int('detectorThicksteps'), 'physics', 'sensor layers', {given: ['detector_thicksteps']}),
  U(['-thicksteps'], INT, int('detectorThicksteps'), 'physics', 'sensor layers', {given: ['detector_thicksteps']}),
  U(['-twotheta'], NUM, num('detectorTwotheta', 'deg'), 'physics', 'detector two-theta swing (deg); pivot about the sample', {
    pivot: 'sample',
    given: ['twotheta_rad'],
  }),
  U(['-detector_rotx'], NUM, num('detectorRotx', 'deg'), 'physics', 'detector rotation about x (deg)', {given: ['detector_rotation_rad']}),
  U(['-detector_roty'], NUM, num('detectorRoty', 'deg'), 'physics', 'detector rotation about y (deg)', {given: ['detector_rotation_rad']}),
  U(['-detector_rotz'], NUM, num('detectorRotz', 'deg'), 'physics', 'detector rotation about z (deg)', {given: ['detector_rotation_rad']}),
  U(['-detsize/8'], NUM, num(['detsizeF', 'detsizeS'], 'mm'), 'physics', 'detector size (mm)', {given: ['detsize_m.0', 'detsize_m.1']}),
  U(['-detsize_f'], NUM, num('detsizeF', 'mm'), 'physics', 'detector size, fast (mm)', {given: ['detsize_m.0']}),
  U(['-detsize_s'], NUM, num('detsizeS', 'mm'), 'physics', 'detector size, slow (mm)', {given: ['detsize_m.1']}),
  U(['-detpixels/10'], INT, int(['fpixels', 'spixels']), 'physics', 'detector size (pixels)', {given: ['detpixels.0', 'detpixels.1']}),
  U(['-detpixels_f', '-detpixels_x'], INT, int('fpixels'), 'physics', 'detector size, fast (pixels)', {given: ['detpixels.0']}),
  U(['-detpixels_s', '-detpixels_y'], INT, int('spixels'), 'physics', 'detector size, slow (pixels)', {given: ['detpixels.1']}),
  U(
    ['-curved_det'],
    NONE,
    set('curvedDetector', true),
    'physics',
    'curved detector: every pixel at the same distance (nanoBragg needs some argument after it)',
    {need: 1},
  ),
  U(['-pixel'], NUM, num('pixelSize', 'mm'), 'physics', 'pixel size (mm)', {given: ['pixel_size_m']}),
  U(['-point_pixel'], NONE, set('pointPixel', true), 'physics', 'solid angle 1/R² (no pixel obliquity)'),
  U(['-polar/6'], NUM, num('polarization'), 'physics', 'Kahn polarization factor (also turns -nopolar off)', {
    also: [['nopolar', false]],
    given: ['kahn_factor'],
  }),
  U(['-nopolar'], NONE, set('nopolar', true), 'physics', 'no polarization factor'),
  U(['-oversample_thick'], NONE, set('oversampleThick', true), 'physics', 'capture fraction per sub-pixel', {stop: true}),
  U(['-oversample_polar'], NONE, set('oversamplePolar', true), 'physics', 'polarization per sub-pixel', {stop: true}),
  U(['-oversample_omega'], NONE, set('oversampleOmega', true), 'physics', 'solid angle per sub-pixel', {stop: true}),
  U(['-oversample'], INT, int('oversample'), 'physics', 'sub-pixels per pixel edge (default: recommended from the crystal size)', {given: ['oversample']}),
  U(['-roi'], ['int', 'int', 'int', 'int'], {do: 'ints', to: 'roi', n: 4}, 'physics', 'render only fast xmin..xmax, slow ymin..ymax (inclusive)', {
    given: ['roi'],
  }),
  // beam
  U(['-lambda', '-wave'], NUM, num('lambda0', 'angstrom'), 'physics', 'wavelength (Å)', {given: ['lambda0_m']}),
  U(['-energy'], NUM, num('lambda0', 'eV'), 'physics', 'photon energy (eV)', {given: ['lambda0_m']}),
  U(['-fluence'], NUM, num('fluence'), 'physics', 'photons per m²', {given: ['fluence']}),
  U(['-flux'], NUM, num('flux'), 'physics', 'photons per second (with -exposure, -beamsize)', {given: ['flux']}),
  U(['-exposure'], NUM, num('exposure'), 'physics', 'exposure time (s)', {given: ['exposure_s']}),
  U(['-beamsize'], NUM, num('beamsize', 'mm'), 'physics', 'beam size (mm); also clips the crystal', {given: ['beamsize_m']}),
  U(['-mosaic/7', '-mosaici', '-mosaic_spr'], NUM, num('mosaicSpread', 'deg'), 'physics', 'mosaic spread (deg)', {given: ['mosaic_spread_rad']}),
  U(['-mosaic_dom'], INT, int('mosaicDomains'), 'physics', 'mosaic domains', {given: ['mosaic_domains']}),
  U(['-dispersion'], NUM, num('dispersion', 'percent'), 'physics', 'spectral width Δλ/λ (%)', {given: ['dispersion']}),
  U(['-dispsteps'], INT, int('dispsteps'), 'physics', 'wavelengths across the dispersion', {given: ['dispsteps']}),
  U(['-divergence'], NUM, num(['hdivrange', 'vdivrange'], 'mrad'), 'physics', 'beam divergence, both directions (mrad)', {
    given: ['hdivrange_rad', 'vdivrange_rad'],
  }),
  U(['-hdivrange'], NUM, num('hdivrange', 'mrad'), 'physics', 'horizontal divergence (mrad)', {given: ['hdivrange_rad']}),
  U(['-vdivrange'], NUM, num('vdivrange', 'mrad'), 'physics', 'vertical divergence (mrad)', {given: ['vdivrange_rad']}),
  U(['-hdivstep/9'], NUM, num('hdivstep', 'mrad'), 'physics', 'horizontal divergence step (mrad)', {given: ['hdivstep_rad']}),
  U(['-hdivsteps'], INT, int('hdivsteps'), 'physics', 'horizontal divergence points', {given: ['hdivsteps']}),
  U(['-vdivstep/9'], NUM, num('vdivstep', 'mrad'), 'physics', 'vertical divergence step (mrad)', {given: ['vdivstep_rad']}),
  U(['-vdivsteps'], INT, int('vdivsteps'), 'physics', 'vertical divergence points', {given: ['vdivsteps']}),
  U(['-divsteps'], INT, int(['hdivsteps', 'vdivsteps']), 'physics', 'divergence points, both directions', {given: ['hdivsteps', 'vdivsteps']}),
  U(['-round_div'], NONE, set('roundDiv', true), 'physics', 'trim the divergence grid to an ellipse (default)'),
  U(['-square_div'], NONE, set('roundDiv', false), 'physics', 'full divergence grid'),
  U(['-adc'], NUM, num('adcOffset'), 'output', 'offset added to SMV pixels (default 40)'),
  // rotation
  U(['-phi/4'], NUM, num('phi0', 'deg'), 'physics', 'starting spindle angle (deg)', {given: ['phi0_rad']}),
  U(['-osc'], NUM, num('osc', 'deg'), 'physics', 'oscillation range (deg)', {given: ['osc_rad']}),
  U(['-phistep/8'], NUM, num('phistep', 'deg'), 'physics', 'phi step (deg)', {given: ['phistep_rad']}),
  U(['-phisteps'], INT, int('phisteps'), 'physics', 'phi steps', {given: ['phisteps']}),
  U(['-dmin'], NUM, num('dmin', 'angstrom_dmin'), 'physics', 'resolution limit (Å)', {given: ['dmin_m']}),
  // files
  U(['-mat'], FILE, str('matfilename'), 'input', 'MOSFLM A matrix (reciprocal cell × λ)'),
  U(['-hkl'], FILE, str('hklfilename'), 'input', 'structure factors: h k l F per line'),
  U(['-default_F'], NUM, num('defaultF'), 'physics', 'F of every reflection not in the -hkl file', {given: ['default_F']}),
  U(['-dump'], FILE, str('dumpfilename'), 'output', 'the structure-factor cache: written after reading -hkl; read instead of -hkl when no -hkl is given'),
  U(
    ['-img'],
    FILE,
    str('imginfile'),
    'input',
    'SMV image whose header sets the detector size, pixel, distances, wavelength, beam centre and phi (read in the pre-pass)',
  ),
  U(
    ['-mask'],
    FILE,
    {do: 'none'},
    'input',
    'SMV mask: pixels that are 0 are not computed; its header sets the detector like -img (read in the pre-pass, before -img; the main pass does not test it)',
  ),
  U(['-stolout>7'], FILE, str('stoloutfilename'), 'noop', 'nanoBragg keeps this file name but never writes the file', {
    warn: 'nanoBragg never writes the -stolout file: none is written',
  }),
  U(['-stol/5'], FILE, str('stolfilename'), 'noop', 'amorphous F(sin θ/λ) table: read (it must have data) but never used', {
    also: [['stolFileMult', 1e10]],
    warn: 'nanoBragg reads the -stol table but never uses it (the image is the same without it)',
  }),
  U(['-4stol/6'], FILE, str('stolfilename'), 'noop', 'F(4 sin θ/λ) table: read but never used', {
    also: [['stolFileMult', 1e10 / 4]],
    warn: 'nanoBragg reads the -4stol table but never uses it (the image is the same without it)',
  }),
  U(['-Q/2'], FILE, str('stolfilename'), 'noop', 'F(Q) table: read but never used', {
    also: [['stolFileMult', 1e10 / Math.PI / 4]],
    warn: 'nanoBragg reads the -Q table but never uses it (the image is the same without it)',
  }),
  U(['-sourcefile'], FILE, str('sourcefilename'), 'input', 'sources: X Y Z weight λ(m) per line'),
  U(['-floatfile', '-floatimage'], FILE, str('floatfilename'), 'output', 'float32 image (default floatimage.bin)', {also: [['floatfileGiven', true]]}),
  U(['-intfile', '-intimage'], FILE, str('intfilename'), 'output', 'noiseless SMV image (default intimage.img)', {also: [['intfileGiven', true]]}),
  U(['-pgmfile', '-pgmimage'], FILE, str('pgmfilename'), 'output', 'PGM image (default image.pgm)', {also: [['writePgm', true]]}),
  U(['-noisefile', '-noiseimage'], FILE, str('noisefilename'), 'output', 'Poisson-noise SMV image (default noiseimage.img)', {
    also: [
      ['calculateNoise', true],
      ['noisefileGiven', true],
    ],
  }),
  U(['-nonoise'], NONE, set('calculateNoise', false), 'output', 'no noise image'),
  U(['-nopgm'], NONE, set('writePgm', false), 'output', 'no PGM image'),
  U(['-scale'], NUM, num('intfileScale'), 'output', 'scale of the SMV int image (default 55000/max)'),
  U(['-pgmscale'], NUM, num('pgmScale'), 'output', 'scale of the PGM image (default from the rms)', {also: [['writePgm', true]]}),
  U(['-coherent'], NONE, set('coherent', true), 'noop', 'nanoBragg sets a flag that nothing reads: the sum stays incoherent', {
    warn: 'nanoBragg reads -coherent but never uses it: intensities are still added incoherently',
  }),
  U(['-printout'], NONE, set('printout', true), 'console', 'print pixel values (upstream prints them on stdout; the engines trace instead: nbtrace trace)', {
    warn: 'nanoBragg prints pixel values on stdout with -printout; the engines do not (trace a pixel with --trace-pixel instead): the images are the same',
  }),
  U(['-noprogress'], NONE, set('progress', false), 'console', 'no progress meter (the engines print none; nbtrace shows its own on stderr for long runs)'),
  U(['-progress'], NONE, set('progress', true), 'console', 'progress meter (nbtrace shows its own on stderr for long runs)'),
  U(['-interpolate'], NONE, set('interpolate', 1), 'physics', 'tricubic interpolation of F between reflections', {given: ['interpolate']}),
  U(['-nointerpolate'], NONE, set('interpolate', 0), 'physics', 'nearest reflection F', {given: ['interpolate']}),
  U(['-round_xtal'], NONE, set('xtalShape', 'round'), 'physics', 'ellipsoidal crystal (sinc3 lattice factor)', {given: ['xtal_shape']}),
  U(['-square_xtal'], NONE, set('xtalShape', 'square'), 'physics', 'parallelepiped crystal (default)', {given: ['xtal_shape']}),
  U(['-gauss_xtal'], NONE, set('xtalShape', 'gauss'), 'physics', 'Gaussian spots', {given: ['xtal_shape']}),
  U(['-binary_spots', '-tophat_spots'], NONE, set('xtalShape', 'tophat'), 'physics', 'top-hat spots', {given: ['xtal_shape']}),
  U(['-fudge'], NUM, num('fudge'), 'physics', 'spot-size fudge factor of the round/gauss/tophat shapes', {given: ['fudge']}),
  U(['-printout_pixel'], ['int', 'int'], {do: 'ints', to: 'printoutPixel', n: 2}, 'console', 'print this pixel (fast then slow; also turns on -printout)', {
    warn: 'nanoBragg prints the -printout_pixel pixel on stdout; the engines do not (trace it with --trace-pixel SLOW,FAST instead): the images are the same',
  }),
  U(['-seed'], INT, {do: 'negint', to: ['seed']}, 'physics', 'noise seed (default: the clock)', {given: ['seed']}),
  U(['-mosaic_seed'], INT, {do: 'negint', to: ['mosaicSeed']}, 'physics', 'mosaic domain seed', {given: ['mosaic_seed']}),
  U(['-misset_seed'], INT, {do: 'negint', to: ['missetSeed']}, 'physics', 'random misset seed (default: the clock, not -seed)', {given: ['misset_seed']}),
  U(['-water'], NUM, num('waterSize', 'um_water'), 'physics', 'water background thickness (µm)', {given: ['water_size_m']}),
]

/** The whole table: nbtrace's flags first (consumed), then nanoBragg's in its order. */
export const FLAGS: readonly FlagSpec[] = [...NBTRACE, ...NANOBRAGG]

/** The pre-pass before the main pass reads only these (files whose SMV header sets the detector). */
export const PREPASS = {img: '-img', mask: '-mask'} as const

/** The flag text of one test ('=-N' → '-N'), and its rule. */
export function parseTest(t: string): {flag: string; exact: boolean; len: number | null; longer: number | null} {
  if (t.startsWith('=')) return {flag: t.slice(1), exact: true, len: null, longer: null}
  const m = /^(.*?)(?:\/(\d+)|>(\d+))?$/.exec(t)!
  return {flag: m[1], exact: false, len: m[2] ? Number(m[2]) : null, longer: m[3] ? Number(m[3]) : null}
}

export function testMatches(t: string, arg: string): boolean {
  const p = parseTest(t)
  if (p.exact) return arg === p.flag
  if (!arg.includes(p.flag)) return false
  if (p.len !== null) return arg.length === p.len
  if (p.longer !== null) return arg.length > p.longer
  return true
}

export function flagMatches(f: FlagSpec, arg: string): boolean {
  return f.tests.some((t) => testMatches(t, arg))
}

/** Every flag name the table knows (test texts without their rule). */
export function flagNames(filter: (f: FlagSpec) => boolean = () => true): string[] {
  return [...new Set(FLAGS.filter(filter).flatMap((f) => f.tests.map((t) => parseTest(t).flag)))]
}

// ---- the header's config object (schemas/config.schema.json) ----

/**
 * How each config key is derived after parsing: from ParsedArgs fields, null unless one of its
 * flags (given-marks above, or an -img/-mask header) set it. Booleans are always recorded.
 */
export type ConfigKind =
  | {kind: 'num'; from: string}
  | {kind: 'int'; from: string}
  | {kind: 'vec3'; from: string}
  | {kind: 'str'; from: string}
  | {kind: 'always'; from: string}
  | {kind: 'bool'; from: string}
  | {kind: 'notnull'; from: string}
  | {kind: 'pair'; from: [string, string]; int: boolean}
  | {kind: 'triple'; from: [string, string, string]; int: boolean}
  | {kind: 'allof'; from: [string, string, string]}
  | {kind: 'ints'; from: string}
  | {kind: 'cell'}
  | {kind: 'misset'}
  | {kind: 'pivot'}
  | {kind: 'interpolate'}

export interface ConfigKey {
  key: string
  def: ConfigKind
  doc: string
}

const C = (key: string, def: ConfigKind, doc: string): ConfigKey => ({key, def, doc})

/** Every key of the config object, in schema order. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  C('convention', {kind: 'always', from: 'convention'}, 'convention selected by the flags'),
  C('pivot_flag', {kind: 'pivot'}, 'pivot requested by the last pivot-setting flag'),
  C('detsize_m', {kind: 'pair', from: ['detsizeF', 'detsizeS'], int: false}, 'detector size [fast, slow] (m)'),
  C('detpixels', {kind: 'pair', from: ['fpixels', 'spixels'], int: true}, 'detector pixels [fast, slow]'),
  C('pixel_size_m', {kind: 'num', from: 'pixelSize'}, 'pixel size (m)'),
  C('distance_m', {kind: 'num', from: 'distance'}, 'distance (m)'),
  C('close_distance_m', {kind: 'num', from: 'closeDistance'}, 'close distance (m)'),
  C('Xbeam_m', {kind: 'num', from: 'Xbeam'}, 'Xbeam (m)'),
  C('Ybeam_m', {kind: 'num', from: 'Ybeam'}, 'Ybeam (m)'),
  C('Xclose_m', {kind: 'num', from: 'Xclose'}, 'Xclose (m)'),
  C('Yclose_m', {kind: 'num', from: 'Yclose'}, 'Yclose (m)'),
  C('ORGX', {kind: 'num', from: 'ORGX'}, 'ORGX (pixels)'),
  C('ORGY', {kind: 'num', from: 'ORGY'}, 'ORGY (pixels)'),
  C('detector_rotation_rad', {kind: 'allof', from: ['detectorRotx', 'detectorRoty', 'detectorRotz']}, 'detector rotations (rad)'),
  C('twotheta_rad', {kind: 'num', from: 'detectorTwotheta'}, 'two-theta (rad)'),
  C('beam_vector', {kind: 'vec3', from: 'beamVector'}, 'beam vector'),
  C('fdet_vector', {kind: 'vec3', from: 'fdetVector'}, 'fast axis'),
  C('sdet_vector', {kind: 'vec3', from: 'sdetVector'}, 'slow axis'),
  C('odet_vector', {kind: 'vec3', from: 'odetVector'}, 'normal'),
  C('polar_vector', {kind: 'vec3', from: 'polarVector'}, 'polarization vector'),
  C('spindle_vector', {kind: 'vec3', from: 'spindleVector'}, 'spindle axis'),
  C('twotheta_axis', {kind: 'vec3', from: 'twothetaAxis'}, 'two-theta axis'),
  C('curved_detector', {kind: 'bool', from: 'curvedDetector'}, 'curved detector'),
  C('point_pixel', {kind: 'bool', from: 'pointPixel'}, 'point pixel'),
  C('lambda0_m', {kind: 'num', from: 'lambda0'}, 'wavelength (m)'),
  C('source_file', {kind: 'notnull', from: 'sourcefilename'}, 'a source file was given'),
  C('dispersion', {kind: 'num', from: 'dispersion'}, 'dispersion (fraction)'),
  C('dispsteps', {kind: 'int', from: 'dispsteps'}, 'dispersion steps'),
  C('hdivrange_rad', {kind: 'num', from: 'hdivrange'}, 'horizontal divergence (rad)'),
  C('vdivrange_rad', {kind: 'num', from: 'vdivrange'}, 'vertical divergence (rad)'),
  C('hdivstep_rad', {kind: 'num', from: 'hdivstep'}, 'horizontal step (rad)'),
  C('vdivstep_rad', {kind: 'num', from: 'vdivstep'}, 'vertical step (rad)'),
  C('hdivsteps', {kind: 'int', from: 'hdivsteps'}, 'horizontal steps'),
  C('vdivsteps', {kind: 'int', from: 'vdivsteps'}, 'vertical steps'),
  C('round_div', {kind: 'bool', from: 'roundDiv'}, 'round divergence'),
  C('cell', {kind: 'cell'}, 'cell a b c (Å) α β γ (rad)'),
  C('matrix_file', {kind: 'notnull', from: 'matfilename'}, 'a matrix file was given'),
  C('misset', {kind: 'misset'}, 'misset angles (rad) or "random"'),
  C('misset_seed', {kind: 'int', from: 'missetSeed'}, 'misset seed (stored negated)'),
  C('N_cells', {kind: 'triple', from: ['Na', 'Nb', 'Nc'], int: true}, 'unit cells [a, b, c]'),
  C('sample_size_m', {kind: 'allof', from: ['sampleX', 'sampleY', 'sampleZ']}, 'crystal size (m)'),
  C('xtal_shape', {kind: 'str', from: 'xtalShape'}, 'crystal shape'),
  C('fudge', {kind: 'num', from: 'fudge'}, 'fudge'),
  C('mosaic_spread_rad', {kind: 'num', from: 'mosaicSpread'}, 'mosaic spread (rad)'),
  C('mosaic_domains', {kind: 'int', from: 'mosaicDomains'}, 'mosaic domains'),
  C('mosaic_seed', {kind: 'int', from: 'mosaicSeed'}, 'mosaic seed (stored negated)'),
  C('phi0_rad', {kind: 'num', from: 'phi0'}, 'phi0 (rad)'),
  C('osc_rad', {kind: 'num', from: 'osc'}, 'oscillation (rad)'),
  C('phistep_rad', {kind: 'num', from: 'phistep'}, 'phi step (rad)'),
  C('phisteps', {kind: 'int', from: 'phisteps'}, 'phi steps'),
  C('oversample', {kind: 'int', from: 'oversample'}, 'oversample'),
  C('oversample_thick', {kind: 'bool', from: 'oversampleThick'}, 'oversample thick'),
  C('oversample_polar', {kind: 'bool', from: 'oversamplePolar'}, 'oversample polar'),
  C('oversample_omega', {kind: 'bool', from: 'oversampleOmega'}, 'oversample omega'),
  C('detector_thick_m', {kind: 'num', from: 'detectorThick'}, 'sensor thickness (m)'),
  C('detector_thicksteps', {kind: 'int', from: 'detectorThicksteps'}, 'sensor layers'),
  C('detector_abs_m', {kind: 'num', from: 'detectorAbs'}, 'attenuation depth (m), Infinity for inf'),
  C('fluence', {kind: 'num', from: 'fluence'}, 'fluence (photons/m²)'),
  C('flux', {kind: 'num', from: 'flux'}, 'flux (photons/s)'),
  C('exposure_s', {kind: 'num', from: 'exposure'}, 'exposure (s)'),
  C('beamsize_m', {kind: 'num', from: 'beamsize'}, 'beam size (m)'),
  C('kahn_factor', {kind: 'num', from: 'polarization'}, 'Kahn factor'),
  C('nopolar', {kind: 'bool', from: 'nopolar'}, 'polarization off'),
  C('interpolate', {kind: 'interpolate'}, 'interpolation requested (true/false), null: auto'),
  C('default_F', {kind: 'num', from: 'defaultF'}, 'default F'),
  C('dmin_m', {kind: 'num', from: 'dmin'}, 'resolution limit (m)'),
  C('water_size_m', {kind: 'num', from: 'waterSize'}, 'water thickness (m)'),
  C('roi', {kind: 'ints', from: 'roi'}, 'region of interest'),
  C('mask', {kind: 'notnull', from: 'maskfile'}, 'a mask was given'),
  C('noise', {kind: 'bool', from: 'calculateNoise'}, 'noise image written'),
  C('seed', {kind: 'int', from: 'seed'}, 'noise seed (stored negated)'),
]

/** Given-marks an -img/-mask header sets (key → header keyword), as a flag would. */
export const HEADER_GIVEN: Record<string, string> = {
  distance_m: 'DISTANCE',
  close_distance_m: 'CLOSE_DISTANCE',
  lambda0_m: 'WAVELENGTH',
  Xbeam_m: 'BEAM_CENTER_X',
  Ybeam_m: 'BEAM_CENTER_Y',
  ORGX: 'ORGX',
  ORGY: 'ORGY',
  phi0_rad: 'PHI',
  osc_rad: 'OSC_RANGE',
}

/** The given-marks of a config key (one per element for pairs and triples). */
export function givenMarks(k: ConfigKey): string[] {
  if (k.def.kind === 'pair') return [`${k.key}.0`, `${k.key}.1`]
  if (k.def.kind === 'triple') return [`${k.key}.0`, `${k.key}.1`, `${k.key}.2`]
  return [k.key]
}
