// Writes a known nbtrace trace out the way port teams write theirs: TRACE_C / TRACE_PY blocks,
// untagged `TRACE: name = value` lines, bare `name = value` with numpy reprs,
// `PREFIX:   name = [a, b, c] |name| = n unit` lines with units as text, and pretty-printed
// sections. Every number printed is the trace's own value, converted exactly into the unit the
// line states, with enough digits to read it back; so a faithful rendering agrees with its trace
// by construction, and a planted change differs by exactly what the plant says.
import {readFileSync} from 'node:fs'

export type Value = number | number[] | string

export interface TraceRecord {
  name: string
  loop: Record<string, number> | null
  value: Value
}

export interface Trace {
  pixel: {slow: number; fast: number}
  records: TraceRecord[]
}

export function readTrace(file: string): Trace {
  let pixel: Trace['pixel'] | undefined
  const records: TraceRecord[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue
    const r = JSON.parse(line) as {type: string; pixel?: Trace['pixel']} & TraceRecord
    if (r.type === 'header') pixel = r.pixel
    else if (r.type === 'value') records.push({name: r.name, loop: r.loop, value: r.value})
  }
  if (!pixel) throw new Error(`${file}: no header pixel`)
  return {pixel, records}
}

/**
 * The value of a variable at the first iteration (every loop index 0). The renderings state one
 * block, as the port logs do; the configurations rendered have one iteration per loop, so that
 * block is the whole pixel.
 */
export function valueOf(t: Trace, name: string): Value {
  const r = t.records.find((x) => x.name === name && Object.values(x.loop ?? {}).every((v) => v === 0))
  if (!r) throw new Error(`trace has no ${name}`)
  return r.value
}

const num = (t: Trace, name: string): number => {
  const v = valueOf(t, name)
  if (typeof v !== 'number') throw new Error(`${name} is not a scalar`)
  return v
}

// ---- number formats --------------------------------------------------------------------------

const expDigits = (e: string): string => {
  const m = /^e([+-])(\d+)$/.exec(e)!
  return `e${m[1]}${m[2].padStart(2, '0')}`
}

/** C's %.{p}g. */
export function fmtG(x: number, p = 15): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  const [mant, e] = x.toExponential(p - 1).split('e')
  const X = Number(e)
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s)
  if (X < -4 || X >= p) return `${strip(mant)}${expDigits(`e${X < 0 ? '-' : '+'}${Math.abs(X)}`)}`
  return strip(x.toFixed(Math.max(0, p - 1 - X)))
}

/** C's %.{p}e. */
export function fmtE(x: number, p = 15): string {
  if (!Number.isFinite(x)) return fmtG(x)
  if (Object.is(x, -0)) return `-${fmtE(0, p)}`
  const [mant, e] = x.toExponential(p).split('e')
  return `${mant}${expDigits(`e${e}`)}`
}

/** Python's repr() of a float: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [m, e] = x.toExponential().split('e')
  const X = Number(e)
  const neg = m.startsWith('-')
  const digits = m.replace('-', '').replace('.', '')
  if (X >= -4 && X < 16) {
    let s: string
    if (X >= 0) {
      const int = digits.slice(0, X + 1).padEnd(X + 1, '0')
      const frac = digits.slice(X + 1)
      s = `${int}.${frac || '0'}`
    } else {
      s = `0.${'0'.repeat(-X - 1)}${digits}`
    }
    return (neg ? '-' : '') + s
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  return `${neg ? '-' : ''}${mant}e${X < 0 ? '-' : '+'}${String(Math.abs(X)).padStart(2, '0')}`
}

/** numpy's repr of a float64 array (np.set_printoptions(precision=16): scientific, sign padded). */
export function npArray(xs: number[], ints = false): string {
  if (ints) {
    const w = Math.max(...xs.map((x) => String(x).length))
    return `array([${xs.map((x) => String(x).padStart(w)).join(', ')}])`
  }
  return `array([${xs.map((x) => (x < 0 || Object.is(x, -0) ? '' : ' ') + x.toExponential(16).replace(/e([+-])(\d)$/, 'e$10$2')).join(', ')}])`
}

/** numpy ≥ 2's repr of a float64 scalar. */
export const npScalar = (x: number): string => `np.float64(${pyRepr(x)})`

const pyList = (xs: number[], ints = false): string => `[${xs.map((x) => (ints ? String(x) : pyRepr(x))).join(', ')}]`
const norm = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + x * x, 0))

// ---- what a port prints ------------------------------------------------------------------------

/** One printed quantity: a catalogue variable, the name a style prints it under, its value in the printed unit. */
export interface Line {
  /** catalogue name (for plants and documentation) */
  variable: string
  /** the printed name */
  name: string
  value: number | number[]
  ints?: boolean
  /** unit as the line states it ('' when the line states none) */
  unit: string
  /** section of a pretty-printed report */
  section: string
}

/** Conversions out of the catalogue unit into a printed one (printed = catalogue × factor). */
const FACTOR: Record<string, number> = {
  '': 1,
  m: 1,
  meters: 1,
  mm: 1e3,
  Å: 1e10,
  A: 1e10,
  'Å⁻¹': 1,
  '1/A': 1,
  'm⁻¹': 1,
  '1/m': 1,
  'Å³': 1,
  sr: 1,
  rad: 1,
  deg: 180 / Math.PI,
  'm^2': 1,
  'm²': 1,
  'photons/m^2': 1,
  photons: 1,
}

/** A printed unit for catalogue unit `unit`, converting `v`; reciprocal lengths into Å⁻¹ multiply by 1e-10. */
function inUnit(v: number | number[], catalogueUnit: string, printed: string): number | number[] {
  let f = FACTOR[printed]
  if (f === undefined) throw new Error(`no conversion into ${printed}`)
  if (catalogueUnit === 'm⁻¹' && (printed === 'Å⁻¹' || printed === '1/A')) f = 1e-10
  if (catalogueUnit === 'Å⁻¹' && (printed === 'm⁻¹' || printed === '1/m')) f = 1e10
  if (catalogueUnit === 'm' && (printed === 'Å' || printed === 'A')) f = 1e10
  if (catalogueUnit === 'rad' && printed === 'deg') {
    // degrees as nanoBragg forms them: value * RTD with RTD = 180 * (1/π)
    const RTD = 180 * (1 / Math.PI)
    return Array.isArray(v) ? v.map((x) => x * RTD) : v * RTD
  }
  return Array.isArray(v) ? v.map((x) => x * f) : v * f
}

export interface Vocabulary {
  /** catalogue variable → printed name and the unit it is printed in (relative to the catalogue unit) */
  entries: {variable: string; name: string; unit?: string; section?: string}[]
}

const CAT_UNIT: Record<string, string> = {
  pix0_vector: 'm',
  pixel_pos: 'm',
  airpath: 'm',
  close_distance: 'm',
  distance: 'm',
  lambda: 'm',
  scattering: 'm⁻¹',
  rot_a: 'm',
  rot_b: 'm',
  rot_c: 'm',
  a_star: 'Å⁻¹',
  b_star: 'Å⁻¹',
  c_star: 'Å⁻¹',
  V_cell: 'Å³',
  twotheta: 'rad',
  phi: 'rad',
  detector_rotation: 'rad',
  omega_pixel: 'sr',
  omega_applied: 'sr',
  r_e_sqr: 'm²',
  fluence: 'photons/m²',
  I_pixel_final: 'photons',
  lambda0: 'm',
  cell_angles: 'rad',
}

/** A port's set-up block: the wavelength, distance and cell as a user types them (Å, mm, degrees). */
export const SETUP_NAMES: Vocabulary['entries'] = [
  {variable: 'lambda0', name: 'lambda0', unit: 'Å'},
  {variable: 'distance', name: 'distance', unit: 'mm'},
  {variable: 'cell_abc', name: 'cell_abc'},
  {variable: 'cell_angles', name: 'cell_angles', unit: 'deg'},
]

/** The per-pixel block of the reference's TRACE_C log, in its names and units (docs: trace_c.md). */
export const TRACE_C_NAMES: Vocabulary['entries'] = [
  {variable: 'pix0_vector', name: 'pix0_vector_meters'},
  {variable: 'fdet_vector', name: 'fdet_vec'},
  {variable: 'sdet_vector', name: 'sdet_vec'},
  {variable: 'pixel_pos', name: 'pixel_pos_meters'},
  {variable: 'airpath', name: 'R_distance_meters'},
  {variable: 'omega_pixel', name: 'omega_pixel_sr'},
  {variable: 'close_distance', name: 'close_distance_meters'},
  {variable: 'obliquity', name: 'obliquity_factor'},
  {variable: 'diffracted', name: 'diffracted_vec'},
  {variable: 'incident', name: 'incident_vec'},
  {variable: 'lambda', name: 'lambda_meters'},
  {variable: 'lambda', name: 'lambda_angstroms', unit: 'Å'},
  {variable: 'scattering', name: 'scattering_vec_A_inv'},
  {variable: 'rot_a', name: 'rot_a_angstroms', unit: 'Å'},
  {variable: 'rot_b', name: 'rot_b_angstroms', unit: 'Å'},
  {variable: 'rot_c', name: 'rot_c_angstroms', unit: 'Å'},
  {variable: 'a_star', name: 'rot_a_star_A_inv'},
  {variable: 'b_star', name: 'rot_b_star_A_inv'},
  {variable: 'c_star', name: 'rot_c_star_A_inv'},
  {variable: 'hkl_frac', name: 'hkl_frac'},
  {variable: 'hkl_rounded', name: 'hkl_rounded'},
  {variable: 'F_latt_a', name: 'F_latt_a'},
  {variable: 'F_latt_b', name: 'F_latt_b'},
  {variable: 'F_latt_c', name: 'F_latt_c'},
  {variable: 'F_latt', name: 'F_latt'},
  {variable: 'F_cell', name: 'F_cell'},
  {variable: 'I_before_scaling', name: 'I_before_scaling'},
  {variable: 'r_e_sqr', name: 'r_e_meters', unit: 'sqrt'},
  {variable: 'r_e_sqr', name: 'r_e_sqr'},
  {variable: 'fluence', name: 'fluence_photons_per_m2'},
  {variable: 'steps', name: 'steps'},
  {variable: 'capture_fraction_applied', name: 'capture_fraction'},
  {variable: 'polar_applied', name: 'polar'},
  {variable: 'omega_applied', name: 'omega_pixel'},
  {variable: 'cos2theta', name: 'cos_2theta'},
  {variable: 'I_pixel_final', name: 'I_pixel_final'},
  {variable: 'float_pixel', name: 'floatimage_accumulated'},
]

/** A port printing catalogue names, with the units it states (pretty sections name where each goes). */
export const CATALOGUE_NAMES: Vocabulary['entries'] = [
  {variable: 'distance', name: 'distance', unit: 'mm', section: 'Detector Geometry'},
  {variable: 'detector_rotation', name: 'detector_rotation', unit: 'rad', section: 'Detector Geometry'},
  {variable: 'twotheta', name: 'twotheta', unit: 'deg', section: 'Detector Geometry'},
  {variable: 'pix0_vector', name: 'pix0_vector', unit: 'mm', section: 'Detector Geometry'},
  {variable: 'fdet_vector', name: 'fdet_vector', section: 'Detector Geometry'},
  {variable: 'sdet_vector', name: 'sdet_vector', section: 'Detector Geometry'},
  {variable: 'close_distance', name: 'close_distance', unit: 'meters', section: 'Detector Geometry'},
  {variable: 'pixel_pos', name: 'pixel_pos', unit: 'm', section: 'Pixel'},
  {variable: 'airpath', name: 'airpath', unit: 'meters', section: 'Pixel'},
  {variable: 'obliquity', name: 'obliquity', section: 'Pixel'},
  {variable: 'omega_pixel', name: 'omega_pixel', unit: 'sr', section: 'Pixel'},
  {variable: 'diffracted', name: 'diffracted', section: 'Pixel'},
  {variable: 'incident', name: 'incident', section: 'Beam'},
  {variable: 'lambda', name: 'lambda', unit: 'A', section: 'Beam'},
  {variable: 'scattering', name: 'scattering', unit: '1/A', section: 'Scattering'},
  {variable: 'cos2theta', name: 'cos2theta', section: 'Scattering'},
  {variable: 'polar', name: 'polar', section: 'Scattering'},
  {variable: 'V_cell', name: 'V_cell', unit: 'Å³', section: 'Crystal'},
  {variable: 'a_star', name: 'a_star', unit: 'Å⁻¹', section: 'Crystal'},
  {variable: 'b_star', name: 'b_star', unit: '1/A', section: 'Crystal'},
  {variable: 'c_star', name: 'c_star', unit: 'Å⁻¹', section: 'Crystal'},
  {variable: 'phi', name: 'phi', unit: 'deg', section: 'Crystal'},
  {variable: 'rot_a', name: 'rot_a', unit: 'Å', section: 'Crystal'},
  {variable: 'rot_b', name: 'rot_b', unit: 'A', section: 'Crystal'},
  {variable: 'rot_c', name: 'rot_c', unit: 'Å', section: 'Crystal'},
  {variable: 'hkl_frac', name: 'hkl_frac', section: 'Miller'},
  {variable: 'hkl_rounded', name: 'hkl_rounded', section: 'Miller'},
  {variable: 'F_latt_a', name: 'F_latt_a', section: 'Lattice'},
  {variable: 'F_latt_b', name: 'F_latt_b', section: 'Lattice'},
  {variable: 'F_latt_c', name: 'F_latt_c', section: 'Lattice'},
  {variable: 'F_latt', name: 'F_latt', section: 'Lattice'},
  {variable: 'F_cell', name: 'F_cell', section: 'Intensity'},
  {variable: 'I_before_scaling', name: 'I_before_scaling', section: 'Intensity'},
  {variable: 'r_e_sqr', name: 'r_e_sqr', unit: 'm^2', section: 'Intensity'},
  {variable: 'fluence', name: 'fluence', unit: 'photons/m^2', section: 'Intensity'},
  {variable: 'steps', name: 'steps', section: 'Intensity'},
  {variable: 'capture_fraction_applied', name: 'capture_fraction_applied', section: 'Intensity'},
  {variable: 'polar_applied', name: 'polar_applied', section: 'Intensity'},
  {variable: 'omega_applied', name: 'omega_applied', unit: 'sr', section: 'Intensity'},
  {variable: 'I_pixel_final', name: 'I_pixel_final', unit: 'photons', section: 'Intensity'},
  {variable: 'float_pixel', name: 'float_pixel', section: 'Intensity'},
]

// ---- plants ----------------------------------------------------------------------------------

export interface Plant {
  /** the printed final value lacks this factor (the port forgot `test *= factor`); float_pixel follows */
  finalWithout?: 'polar_applied'
  /** the scattering vector printed in Å⁻¹ where the line says (or its name implies) m⁻¹ */
  scatteringInAngstrom?: boolean
  /** variables left out of the log (a port that does not print them) */
  omit?: string[]
  /** extra lines with names that mean nothing in the catalogue (listed by nbtrace, never guessed) */
  extra?: boolean
  /** print every value in its catalogue unit with no unit text (a port that states no units) */
  noUnits?: boolean
  /** print every value in the entry's unit but without the unit text (a port printing λ in Å, unlabelled) */
  unitTextDropped?: boolean
}

/** The final value computed as nanoBragg does, without one factor: ((r_e²·fluence)·I)/steps, then × each remaining factor. */
function finalWithout(t: Trace, factor: string): number {
  let test = (num(t, 'r_e_sqr') * num(t, 'fluence') * num(t, 'I_before_scaling')) / num(t, 'steps')
  for (const f of ['capture_fraction_applied', 'polar_applied', 'omega_applied']) if (f !== factor) test *= num(t, f)
  return test
}

export function lines(t: Trace, vocab: Vocabulary['entries'], plant: Plant = {}): Line[] {
  const out: Line[] = []
  let final: number | undefined
  if (plant.finalWithout) final = finalWithout(t, plant.finalWithout)
  for (const e of vocab) {
    if (plant.omit?.includes(e.variable)) continue
    let v: number | number[]
    if (e.variable === 'I_pixel_final' && final !== undefined) v = final
    else if (e.variable === 'float_pixel' && final !== undefined) v = Math.fround(final)
    else {
      const raw = valueOf(t, e.variable)
      if (typeof raw === 'string') throw new Error(`${e.variable} is an enum`)
      v = raw
    }
    const ints = ['hkl_rounded', 'steps'].includes(e.variable)
    let unit = plant.noUnits && e.unit !== 'sqrt' ? '' : (e.unit ?? '')
    if (unit === 'sqrt') {
      v = Math.sqrt(v as number)
      unit = ''
    } else if (unit) {
      v = inUnit(v, CAT_UNIT[e.variable] ?? '1', unit)
    }
    if (e.variable === 'scattering' && plant.scatteringInAngstrom) {
      // what the line claims (its name or unit) is m⁻¹; the numbers are Å⁻¹
      v = (v as number[]).map((x) => x * 1e-10)
    }
    if (plant.unitTextDropped) unit = ''
    out.push({variable: e.variable, name: e.name, value: v, ints, unit, section: e.section ?? ''})
  }
  return out
}

// ---- styles ------------------------------------------------------------------------------------

export type Banner = {form: 'trace-config' | 'hash' | 'equals' | 'plain'; slow: number; fast: number} | null

export function bannerLine(b: Banner): string[] {
  if (!b) return []
  switch (b.form) {
    case 'trace-config':
      return [`TRACE_CONFIG: tracing pixel (spixel=${b.slow}, fpixel=${b.fast})`]
    case 'hash':
      return [`# Tracing pixel (slow=${b.slow}, fast=${b.fast})`]
    case 'equals':
      return [`=== TRACE: Pixel (${b.slow}, ${b.fast}) [slow, fast] ===`]
    case 'plain':
      return [`Pixel (${b.slow}, ${b.fast}) [slow, fast]`]
  }
}

const EXTRA_LINES = (style: Style): string[] => {
  const kv: [string, string][] = [
    ['I_before_scaling_pre_polar', '1.0e+00'],
    ['debug_counter', '3'],
  ]
  switch (style) {
    case 'trace-c':
    case 'trace-py':
      return kv.map(([k, v]) => `${style === 'trace-c' ? 'TRACE_C' : 'TRACE_PY'}: ${k} ${v}`)
    case 'untagged':
      return kv.map(([k, v]) => `TRACE: ${k} = ${v}`)
    case 'kv':
      return kv.map(([k, v]) => `${k} = ${v}`)
    case 'vecnorm':
      return kv.map(([k, v]) => `DBG:   ${k} = ${v}`)
    case 'pretty':
      return ['Extras:', ...kv.map(([k, v]) => `  ${k}: ${v}`)]
  }
}

export type Style = 'trace-c' | 'trace-py' | 'untagged' | 'kv' | 'vecnorm' | 'pretty'

function scalarOrVec(l: Line, f: (x: number) => string, join: (parts: string[]) => string): string {
  if (Array.isArray(l.value)) return join(l.value.map((x) => (l.ints ? String(x) : f(x))))
  return l.ints ? String(l.value) : f(l.value)
}

/** One rendering: the lines of a port log in the given style. */
export function render(style: Style, ls: Line[], banner: Banner, opts: {extra?: boolean} = {}): string {
  const out: string[] = []
  const u = (l: Line) => (l.unit ? ` ${l.unit}` : '')
  switch (style) {
    case 'trace-c':
      out.push('port harness: reference run', ...bannerLine(banner))
      for (const l of ls)
        out.push(
          `TRACE_C: ${l.name} ${scalarOrVec(
            l,
            (x) => fmtG(x, 15),
            (p) => p.join(' '),
          )}`,
        )
      break
    case 'trace-py':
      out.push(...bannerLine(banner))
      for (const l of ls)
        out.push(
          `TRACE_PY: ${l.name} ${scalarOrVec(
            l,
            (x) => fmtE(x, 15),
            (p) => p.join(' '),
          )}`,
        )
      out.push('# Trace complete')
      break
    case 'untagged':
      out.push(...bannerLine(banner))
      for (const l of ls) out.push(`TRACE: ${l.name} = ${scalarOrVec(l, pyRepr, (p) => `[${p.join(', ')}]`)}${u(l)}`)
      break
    case 'kv':
      out.push('# per-pixel trace written by the port (numpy values)', ...bannerLine(banner))
      for (const l of ls) out.push(`${l.name} = ${Array.isArray(l.value) ? npArray(l.value, l.ints) : l.ints ? String(l.value) : npScalar(l.value)}${u(l)}`)
      break
    case 'vecnorm':
      out.push(...bannerLine(banner))
      for (const l of ls) {
        if (Array.isArray(l.value)) out.push(`DBG:   ${l.name} = ${pyList(l.value, l.ints)}${l.ints ? '' : ` |${l.name}| = ${pyRepr(norm(l.value))}${u(l)}`}`)
        else out.push(`DBG:   ${l.name} = ${l.ints ? String(l.value) : pyRepr(l.value)}${u(l)}`)
      }
      break
    case 'pretty': {
      out.push(...bannerLine(banner), '')
      let section = ''
      for (const l of ls) {
        if (l.section !== section) {
          if (section) out.push('')
          section = l.section
          out.push(`${section}:`)
        }
        out.push(`  ${l.name}: ${Array.isArray(l.value) ? pyList(l.value, l.ints) : l.ints ? String(l.value) : pyRepr(l.value)}${u(l)}`)
      }
      break
    }
  }
  if (opts.extra) out.push(...EXTRA_LINES(style))
  return out.join('\n') + '\n'
}
