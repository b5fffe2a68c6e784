// Units as logs write them ("m", "meters", "Å", "A", "1/A", "Å⁻¹", "m^-3", "Å³", "mm", "deg" …)
// and the factor that takes a value in one of them to the catalogue's unit for the variable.
// A unit is a product of base dimensions with a factor to SI; two units convert only when their
// dimensions are the same (a length never becomes an inverse length by guesswork).

interface Unit {
  /** exponents of length, angle, solid angle, photons */
  dim: [number, number, number, number]
  factor: number
}

const BASE: Record<string, Unit> = {
  m: {dim: [1, 0, 0, 0], factor: 1},
  meter: {dim: [1, 0, 0, 0], factor: 1},
  meters: {dim: [1, 0, 0, 0], factor: 1},
  metre: {dim: [1, 0, 0, 0], factor: 1},
  metres: {dim: [1, 0, 0, 0], factor: 1},
  cm: {dim: [1, 0, 0, 0], factor: 1e-2},
  mm: {dim: [1, 0, 0, 0], factor: 1e-3},
  um: {dim: [1, 0, 0, 0], factor: 1e-6},
  µm: {dim: [1, 0, 0, 0], factor: 1e-6},
  μm: {dim: [1, 0, 0, 0], factor: 1e-6},
  micron: {dim: [1, 0, 0, 0], factor: 1e-6},
  microns: {dim: [1, 0, 0, 0], factor: 1e-6},
  nm: {dim: [1, 0, 0, 0], factor: 1e-9},
  Å: {dim: [1, 0, 0, 0], factor: 1e-10},
  '\u212b': {dim: [1, 0, 0, 0], factor: 1e-10},
  A: {dim: [1, 0, 0, 0], factor: 1e-10},
  angstrom: {dim: [1, 0, 0, 0], factor: 1e-10},
  angstroms: {dim: [1, 0, 0, 0], factor: 1e-10},
  Angstrom: {dim: [1, 0, 0, 0], factor: 1e-10},
  Angstroms: {dim: [1, 0, 0, 0], factor: 1e-10},
  rad: {dim: [0, 1, 0, 0], factor: 1},
  radian: {dim: [0, 1, 0, 0], factor: 1},
  radians: {dim: [0, 1, 0, 0], factor: 1},
  mrad: {dim: [0, 1, 0, 0], factor: 1e-3},
  deg: {dim: [0, 1, 0, 0], factor: Math.PI / 180},
  degree: {dim: [0, 1, 0, 0], factor: Math.PI / 180},
  degrees: {dim: [0, 1, 0, 0], factor: Math.PI / 180},
  '°': {dim: [0, 1, 0, 0], factor: Math.PI / 180},
  sr: {dim: [0, 0, 1, 0], factor: 1},
  steradian: {dim: [0, 0, 1, 0], factor: 1},
  steradians: {dim: [0, 0, 1, 0], factor: 1},
  photons: {dim: [0, 0, 0, 1], factor: 1},
  photon: {dim: [0, 0, 0, 1], factor: 1},
  '1': {dim: [0, 0, 0, 0], factor: 1},
}

const SUPER: Record<string, string> = {'⁻': '-', '¹': '1', '²': '2', '³': '3', '⁴': '4'}

function power(u: Unit, p: number): Unit {
  return {dim: u.dim.map((d) => d * p) as Unit['dim'], factor: u.factor ** p}
}

function times(a: Unit, b: Unit): Unit {
  return {dim: a.dim.map((d, i) => d + b.dim[i]) as Unit['dim'], factor: a.factor * b.factor}
}

/** One factor: `m`, `m^2`, `m²`, `Å⁻¹`, `m^-3`, `A-1`. */
function factorOf(text: string): Unit | undefined {
  const t = text.replace(/[⁻¹²³⁴]/g, (c) => SUPER[c])
  const m = /^([^\d^+-]+?)\^?([+-]?\d+)?$/.exec(t)
  if (!m) return undefined
  const base = BASE[m[1]]
  if (!base) return undefined
  return power(base, m[2] === undefined ? 1 : Number(m[2]))
}

/** The unit a text names (`1/A`, `photons/m^2`, `Å⁻¹`, `m⁻³`), or undefined when it is not one. */
export function parseUnit(text: string): Unit | undefined {
  const t = text.trim()
  if (t === '' || t.length > 32) return undefined
  const parts = t.split('/')
  if (parts.length > 2) return undefined
  let u: Unit = {dim: [0, 0, 0, 0], factor: 1}
  for (const f of parts[0].split(/[·*]/)) {
    if (f === '1' && parts.length === 2) continue
    const x = factorOf(f)
    if (!x) return undefined
    u = times(u, x)
  }
  if (parts.length === 2) {
    for (const f of parts[1].split(/[·*]/)) {
      const x = factorOf(f)
      if (!x) return undefined
      u = times(u, power(x, -1))
    }
  }
  return u
}

/** True when the text is a unit this table knows. */
export function isUnit(text: string): boolean {
  return parseUnit(text) !== undefined
}

/** nanoBragg's radians-to-degrees constant: degrees are read back as nanoBragg divides by it */
const RTD = 180 * (1 / Math.PI)

export type Converter = (x: number) => number

/**
 * The conversion of a value in `from` to `to` (a catalogue unit), or undefined when the two are
 * not the same kind of quantity. Powers of ten multiply or divide by an exact power of ten (the
 * inverse of how the value was printed), degrees divide by nanoBragg's RTD.
 */
export function converter(from: string, to: string): Converter | undefined {
  const a = parseUnit(from)
  const b = parseUnit(to)
  if (!a || !b) return undefined
  if (a.dim.some((d, i) => d !== b.dim[i])) return undefined
  const f = a.factor / b.factor
  if (f === 1) return (x) => x
  if (a.dim[1] === 1 && Math.abs(f * RTD - 1) < 1e-15) return (x) => x / RTD
  if (a.dim[1] === -1 && Math.abs(f / RTD - 1) < 1e-15) return (x) => x * RTD
  const k = Math.round(Math.log10(f))
  if (Math.abs(f / 10 ** k - 1) < 1e-12 && Math.abs(k) <= 22) {
    const p = 10 ** Math.abs(k)
    return k > 0 ? (x) => x * p : (x) => x / p
  }
  return (x) => x * f
}
