// Tolerances and value comparison: catalogue tolerance classes with f64/f32 profiles, global and
// per-variable overrides, exact ULP distance, NaN/±0 rules, component-wise vectors against the norm.
import type {Catalogue, Tolerance, VariableDef} from '../catalogue/catalogue.js'
import {decodeNumber} from '../trace/numbers.js'
import {InputError} from '../util/errors.js'

export type PrecisionProfile = 'f64' | 'f32'

export interface ToleranceOptions {
  precision: PrecisionProfile
  rtol?: number
  atol?: number
  ulps?: number
  /** NAME=rtol[:atol] */
  perVariable?: Map<string, {rtol: number; atol?: number}>
}

/** Parses `--tol NAME=rtol[:atol]` values; unknown names are bad input. */
export function parseTolOverrides(specs: string[], cat: Catalogue): Map<string, {rtol: number; atol?: number}> {
  const out = new Map<string, {rtol: number; atol?: number}>()
  for (const s of specs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([^:]+)(?::(.+))?$/.exec(s)
    const bad = (msg: string): never => {
      throw new InputError(msg, {field: '--tol'})
    }
    if (!m) bad(`expected NAME=rtol[:atol], found ${JSON.stringify(s)}`)
    const [, name, r, a] = m!
    if (!cat.byName.has(name)) bad(`unknown variable ${JSON.stringify(name)} (not in the catalogue)`)
    const rtol = Number(r)
    const atol = a === undefined ? undefined : Number(a)
    if (!Number.isFinite(rtol) || rtol < 0) bad(`expected a non-negative rtol for ${name}, found ${JSON.stringify(r)}`)
    if (atol !== undefined && (!Number.isFinite(atol) || atol < 0)) bad(`expected a non-negative atol for ${name}, found ${JSON.stringify(a)}`)
    out.set(name, atol === undefined ? {rtol} : {rtol, atol})
  }
  return out
}

/** The tolerance in force for each variable. Exact classes stay exact under global overrides. */
export function resolveTolerances(cat: Catalogue, o: ToleranceOptions): Map<string, Tolerance> {
  const out = new Map<string, Tolerance>()
  for (const v of cat.variables) {
    const base = cat.tolerances[v.tolerance][o.precision]
    const exact = v.tolerance === 'exact-int' || v.tolerance === 'exact-rng'
    const t: Tolerance = {...base}
    if (!exact) {
      if (o.rtol !== undefined) t.rtol = o.rtol
      if (o.atol !== undefined) t.atol = o.atol
      if (o.ulps !== undefined) t.ulps = o.ulps
    }
    const p = o.perVariable?.get(v.name)
    if (p) {
      t.rtol = p.rtol
      if (p.atol !== undefined) t.atol = p.atol
    }
    out.set(v.name, t)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// ULPs

const F64 = new Float64Array(1)
const I64 = new BigInt64Array(F64.buffer)
const SIGN_MASK = 0x7fffffffffffffffn

function ordered(x: number): bigint {
  F64[0] = x
  const b = I64[0]
  return b < 0n ? -(b & SIGN_MASK) : b
}

/** Exact distance in units in the last place between two doubles (-0 and +0 are 0 apart); NaN → NaN. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN
  if (a === b) return 0
  const d = ordered(a) - ordered(b)
  return Number(d < 0n ? -d : d)
}

/** Size of one float32 ulp at x. */
export function f32Ulp(x: number): number {
  const a = Math.abs(x)
  if (a === 0 || !Number.isFinite(a)) return 1.401298464324817e-45
  const e = Math.max(Math.floor(Math.log2(a)), -126)
  return Math.pow(2, e - 23)
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface ValueDiff {
  agree: boolean
  absDiff: number | null
  relDiff: number | null
  ratio: number | null
  ulps: number | null
  /** component indices that differ (vectors and matrices) */
  components?: number[]
}

export const AGREE: ValueDiff = Object.freeze({agree: true, absDiff: 0, relDiff: 0, ratio: 1, ulps: 0}) as ValueDiff

export interface CompareFlags {
  strictZero: boolean
  /** extra absolute allowance for printed legacy values, per side: (value) => allowance */
  allowance?: (ref: number, cand: number) => number
}

function num(x: unknown): number {
  const v = decodeNumber(x)
  return v === undefined ? Number.NaN : v
}

function isNegZero(x: number): boolean {
  return x === 0 && 1 / x < 0
}

/** Scalar agreement under a tolerance; `scale` is the magnitude the relative tolerance applies to. */
function scalarAgrees(a: number, b: number, t: Tolerance, scale: number, f: CompareFlags): boolean {
  if (a === b) return !(f.strictZero && a === 0 && isNegZero(a) !== isNegZero(b))
  if (a !== a || b !== b) return a !== a && b !== b
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false
  const d = Math.abs(a - b)
  if (d <= t.atol || d <= t.rtol * scale) return true
  if (f.allowance && d <= f.allowance(a, b)) return true
  if (t.ulps > 0 && ulpDistance(a, b) <= t.ulps) return true
  return false
}

function scalarDiff(a: number, b: number): {absDiff: number; relDiff: number; ratio: number; ulps: number} {
  const absDiff = Math.abs(a - b)
  const relDiff = a === 0 ? (absDiff === 0 ? 0 : Number.POSITIVE_INFINITY) : absDiff / Math.abs(a)
  return {absDiff, relDiff, ratio: b / a, ulps: ulpDistance(a, b)}
}

/**
 * Compares the reference and candidate values of one record. Integers, integer vectors, enums and
 * the exact classes must be identical; doubles agree within atol, rtol·|ref| (vectors: rtol·‖v‖,
 * component-wise) or the ULP budget. NaN agrees only with NaN; -0 and +0 agree unless strictZero.
 */
export function compareValues(def: VariableDef, ref: unknown, cand: unknown, t: Tolerance, f: CompareFlags): ValueDiff {
  if (typeof ref === 'string' && def.shape === 'enum') {
    return ref === cand ? AGREE : {agree: false, absDiff: null, relDiff: null, ratio: null, ulps: null}
  }
  if (Array.isArray(ref) || Array.isArray(cand)) {
    if (!Array.isArray(ref) || !Array.isArray(cand) || ref.length !== cand.length) {
      return {agree: false, absDiff: null, relDiff: null, ratio: null, ulps: null}
    }
    const n = ref.length
    let nr = 0
    let nc = 0
    const ra = new Array<number>(n)
    const ca = new Array<number>(n)
    for (let i = 0; i < n; i++) {
      ra[i] = num(ref[i])
      ca[i] = num(cand[i])
      nr += ra[i] * ra[i]
      nc += ca[i] * ca[i]
    }
    const scale = Math.sqrt(Math.max(nr, nc))
    const comps: number[] = []
    let maxAbs = 0
    let maxUlps = 0
    for (let i = 0; i < n; i++) {
      if (!scalarAgrees(ra[i], ca[i], t, Number.isFinite(scale) ? scale : 0, f)) comps.push(i)
    }
    if (comps.length === 0) return AGREE
    let nan = false
    for (let i = 0; i < n; i++) {
      const d = Math.abs(ra[i] - ca[i])
      const u = ulpDistance(ra[i], ca[i])
      if (d !== d) nan = true
      else if (d > maxAbs) maxAbs = d
      if (u === u && u > maxUlps) maxUlps = u
    }
    if (nan) maxAbs = Number.NaN
    const refNorm = Math.sqrt(nr)
    return {
      agree: false,
      absDiff: maxAbs,
      relDiff: refNorm === 0 ? (maxAbs === 0 ? 0 : Number.POSITIVE_INFINITY) : maxAbs / refNorm,
      ratio: refNorm === 0 ? null : Math.sqrt(nc) / refNorm,
      ulps: maxUlps,
      components: comps,
    }
  }
  const a = num(ref)
  const b = num(cand)
  if (typeof ref === 'string' && decodeNumber(ref) === undefined) {
    return ref === cand ? AGREE : {agree: false, absDiff: null, relDiff: null, ratio: null, ulps: null}
  }
  // a set-up constant (r_e² ≈ 7.9e-30 m², fluence) is never "near zero noise": the class atol
  // applies to it only when one side is exactly zero
  const tt = def.loop.length === 0 && t.atol > 0 && a !== 0 && b !== 0 ? {...t, atol: 0} : t
  if (scalarAgrees(a, b, tt, Math.max(Math.abs(a), Math.abs(b)), f)) return AGREE
  return {agree: false, ...scalarDiff(a, b)}
}

/** Of the tolerance's relative allowance: an agreeing record that differs by more is "near" it. */
export const NEAR_FRACTION = 1 / 8

/**
 * The relative difference of two values that agree within the tolerance, when it exceeds
 * NEAR_FRACTION of its relative allowance (else -1): rounding a consumer may amplify past its
 * own tolerance (a square, a product with a factor near a zero). Exact classes and identical
 * values are never near; vectors are measured against the reference's norm, as compareValues does.
 */
export function nearDifference(ref: unknown, cand: unknown, t: Tolerance): number {
  if (t.rtol === 0 || ref === cand) return -1
  let d = 0
  let scale = 0
  if (Array.isArray(ref) && Array.isArray(cand)) {
    if (ref.length !== cand.length) return -1
    for (let i = 0; i < ref.length; i++) {
      const a = num(ref[i])
      d = Math.max(d, Math.abs(a - num(cand[i])))
      scale += a * a
    }
    scale = Math.sqrt(scale)
  } else {
    const a = num(ref)
    d = Math.abs(a - num(cand))
    scale = Math.abs(a)
  }
  if (!(d > 0) || !(scale > 0) || !Number.isFinite(d / scale)) return -1
  const rel = d / scale
  return rel > t.rtol * NEAR_FRACTION ? rel : -1
}

/** Per-component differences of two equal-length numeric arrays (for evidence and rendering). */
export function componentDiffs(ref: unknown, cand: unknown): {ref: number; cand: number; absDiff: number; ratio: number}[] {
  if (!Array.isArray(ref) || !Array.isArray(cand)) return []
  return ref.map((r, i) => {
    const a = num(r)
    const b = num(cand[i])
    return {ref: a, cand: b, absDiff: Math.abs(a - b), ratio: b / a}
  })
}

/** Significant digits in the shortest representation of x (for printed-precision allowances). */
export function printedDigits(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 17
  const s = Math.abs(x).toExponential()
  const mant = s.slice(0, s.indexOf('e')).replace('.', '')
  return mant.length
}

/** Half a unit in the last printed digit of x when printed with `digits` significant digits. */
export function halfUnit(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return 0
  const e = Math.floor(Math.log10(Math.abs(x)))
  return 0.5 * Math.pow(10, e - digits + 1)
}
