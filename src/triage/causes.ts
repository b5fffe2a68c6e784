// From a traced pixel's compare report to its causes, and how much of the pixel's Δ each one
// carries.
//
// Signature of a cause: the root-cause variable and its loop scope (catalogue loop axes: set-up,
// per sub-pixel, per source, per term, ...). The class is the report's; pixels that see the same
// variable under different classes are one cause whose class is the majority (assign.ts).
//
// Attribution when a pixel has several causes. The final pixel value is a product of the inputs
// the catalogue gives it (r_e², fluence, Σ F²·F_latt², 1/steps, capture fraction, polarization,
// solid angle); its ratio cand/ref is the product of the factors' ratios. A factor belongs to the
// causes it is downstream of (catalogue dataflow); a factor downstream of several is shared
// equally, and a factor downstream of none is shared by all. That gives each cause a ratio r_c with
// cand = ref · Π r_c, and the Shapley value of each cause in that product splits Δ exactly:
// φ_c = Σ_{S ∌ c} |S|!(n−|S|−1)!/n! · (Π_{S∪c} r − Π_S r), Σ φ_c = Π r − 1. Fractions φ_c/Σφ split Δ,
// |φ_c|/Σ|φ| split Δ². Where this cannot be computed (a factor missing from a trace, zero or
// infinite ratios on both sides), the pixel's Δ is split equally.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {TraceValue} from '../trace/records.js'
import {loopFreeValues, type Report} from './ports.js'

export interface CauseObs {
  /** signature: variable and loop scope */
  key: string
  variable: string
  scope: string
  class: string
  label: string | null
  /** the root cause's loop coordinates at this pixel */
  loop: Record<string, number> | null
  ref: unknown
  cand: unknown
}

/** Loop scope of a catalogue variable, in words. */
export function scopeOf(variable: string): string {
  const def = loadCatalogue().byName.get(variable)
  if (!def) return 'unknown scope'
  const l = def.loop
  if (l.length === 0) {
    // loop-free values before the first looped one in catalogue (emission) order are set-up
    const firstLooped = loadCatalogue().variables.find((v) => v.loop.length > 0)
    return firstLooped && def.index < firstLooped.index ? 'set-up' : 'per pixel'
  }
  if (l.includes('mosaic') && l.includes('source')) return 'per term'
  if (l.includes('phi')) return 'per phi step'
  if (l.includes('source')) return l.length === 1 ? 'per source' : 'per sub-pixel and source'
  if (l.includes('mosaic')) return 'per mosaic domain'
  if (l.includes('subF') || l.includes('subS')) return 'per sub-pixel'
  return `per ${l.join(', ')}`
}

const baseName = (name: string): string => name.replace(/\[.*\]$/, '')

/** The root causes of a diverged report as cause observations (one per signature). */
export function causesOf(r: Report): CauseObs[] {
  const out = new Map<string, CauseObs>()
  for (const rc of r.rootCauses) {
    const variable = baseName(rc.name)
    const scope = scopeOf(variable)
    const key = `${variable}|${scope}`
    if (out.has(key)) continue
    out.set(key, {
      key,
      variable,
      scope,
      class: rc.class ?? 'unclassified',
      label: rc.label ?? null,
      loop: (rc.loop as Record<string, number> | null) ?? null,
      ref: rc.ref,
      cand: rc.cand,
    })
  }
  return [...out.values()]
}

/** The image store variable (catalogue stage "output") and the pixel value it stores, with that value's factors. */
export function pixelValueNames(): {store: string; final: string; factors: string[]} {
  const cat = loadCatalogue()
  const store = cat.variables.find((v) => v.stage === 'output' && v.loop.length === 0)
  const final = store?.inputs.map((n) => cat.byName.get(n)).find((v) => v && v.loop.length === 0)
  return {store: store?.name ?? '', final: final?.name ?? '', factors: final?.inputs ?? []}
}

function scalar(v: TraceValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined
}

let exponentsCache: number[] | null = null

/** ±1 per factor such that Π factor^e = the final value (found on a side's values), or null. */
export function fitExponents(values: Map<string, TraceValue>, final: string, factors: string[]): number[] | null {
  if (exponentsCache && exponentsCache.length === factors.length) return exponentsCache
  const F = scalar(values.get(final))
  const v = factors.map((f) => scalar(values.get(f)))
  if (F === undefined || !(F !== 0) || v.some((x) => x === undefined || x === 0 || !Number.isFinite(x))) return null
  const k = factors.length
  if (k > 16) return null
  for (let mask = 0; mask < 1 << k; mask++) {
    let p = 1
    for (let i = 0; i < k; i++) p *= mask & (1 << i) ? 1 / v[i]! : v[i]!
    if (Math.abs(p - F) <= 1e-6 * Math.abs(F)) {
      exponentsCache = Array.from({length: k}, (_, i) => (mask & (1 << i) ? -1 : 1))
      return exponentsCache
    }
  }
  return null
}

export interface Attribution {
  /** signed fractions of the pixel's Δ per cause (sum 1) */
  fractions: number[]
  /** fractions of the pixel's Δ² per cause (non-negative, sum 1) */
  weights: number[]
  method: 'single' | 'factors' | 'equal'
  /** per cause, cand/ref of the factors it owns (null when not computed) */
  ratios: (number | null)[]
}

function equal(n: number, method: Attribution['method'] = 'equal'): Attribution {
  return {fractions: Array(n).fill(1 / n), weights: Array(n).fill(1 / n), method, ratios: Array(n).fill(null)}
}

function logRatio(a: number, b: number): number {
  if (a === b) return 0
  const x = Math.abs(a)
  const y = Math.abs(b)
  if (x === y) return 0
  if (y === 0) return -Infinity
  if (x === 0) return Infinity
  return Math.log(y / x)
}

/** How far a root cause moved its own variable: the largest relative change of its components (capped). */
function movedBy(c: CauseObs): number {
  const num = (v: unknown): number => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number.NaN)
  const a = Array.isArray(c.ref) ? c.ref.map(num) : [num(c.ref)]
  const b = Array.isArray(c.cand) ? c.cand.map(num) : [num(c.cand)]
  let worst = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue
    const den = Math.max(Math.abs(a[i]), Math.abs(b[i]))
    const r = den > 0 && Number.isFinite(den) ? Math.abs(a[i] - b[i]) / den : 1
    if (r > worst) worst = r
  }
  return Number.isFinite(worst) ? Math.min(1, worst) || 1e-12 : 1
}

/** Shapley split of Π r − 1 among the causes (n small). */
export function shapley(r: number[]): number[] {
  const n = r.length
  const fact = [1]
  for (let i = 1; i <= n; i++) fact.push(fact[i - 1] * i)
  const phi = Array(n).fill(0)
  for (let mask = 0; mask < 1 << n; mask++) {
    let prod = 1
    let size = 0
    for (let i = 0; i < n; i++)
      if (mask & (1 << i)) {
        prod *= r[i]
        size++
      }
    for (let c = 0; c < n; c++) {
      if (mask & (1 << c)) continue
      const w = (fact[size] * fact[n - size - 1]) / fact[n]
      phi[c] += w * (prod * r[c] - prod)
    }
  }
  return phi
}

/** How the pixel's Δ splits among its causes, from the factor values both traces hold. */
export async function attribute(
  causes: CauseObs[],
  refTrace: string,
  candTrace: string,
  known?: {ref: Map<string, TraceValue>; cand: Map<string, TraceValue>},
): Promise<Attribution> {
  const n = causes.length
  if (n === 1) return {fractions: [1], weights: [1], method: 'single', ratios: [null]}
  if (n === 0 || n > 12) return equal(Math.max(1, n))
  const {final, factors} = pixelValueNames()
  const names = new Set([final, ...factors])
  const vr = known?.ref ?? (await loopFreeValues(refTrace, names))
  const vc = known?.cand ?? (await loopFreeValues(candTrace, names))
  const e = fitExponents(vr, final, factors) ?? fitExponents(vc, final, factors)
  if (!e) return equal(n)
  const cat = loadCatalogue()
  const owns = causes.map((c) => {
    const down = cat.downstream(c.variable)
    return new Set(factors.filter((f) => f === c.variable || down.has(f)))
  })
  const moved = causes.map((c) => movedBy(c))
  const L = Array(n).fill(0)
  for (let i = 0; i < factors.length; i++) {
    const a = scalar(vr.get(factors[i]))
    const b = scalar(vc.get(factors[i]))
    if (a === undefined || b === undefined) return equal(n)
    const l = e[i] * logRatio(a, b)
    if (l === 0) continue
    let owners = owns.map((s, c) => (s.has(factors[i]) ? c : -1)).filter((c) => c >= 0)
    if (owners.length === 0) owners = causes.map((_, c) => c)
    // a factor downstream of several causes goes to them in proportion to how far each moved its
    // own variable (F_cell 100 → 0 takes a vanished Σ F² from a shifted Fdet)
    const m = owners.map((c) => moved[c])
    if (!Number.isFinite(l)) {
      // a factor that vanished (or appeared) is wholly the doing of the cause that moved most
      const top = Math.max(...m)
      const at = owners.filter((_, j) => m[j] === top)
      for (const c of at) L[c] += l
      continue
    }
    const sum = m.reduce((x, y) => x + y, 0)
    owners.forEach((c, j) => (L[c] += sum > 0 && Number.isFinite(sum) ? (l * m[j]) / sum : l / owners.length))
  }
  if (L.some((x) => Number.isNaN(x))) return equal(n)
  const infinite = L.map((x, c) => (x === Infinity ? c : -1)).filter((c) => c >= 0)
  if (infinite.length) {
    // the reference's value is 0 through these causes: all of Δ is theirs
    const f = L.map((x) => (x === Infinity ? 1 / infinite.length : 0))
    return {fractions: f, weights: f, method: 'factors', ratios: L.map((x) => Math.exp(x))}
  }
  const r = L.map((x) => Math.exp(x))
  const phi = shapley(r)
  const total = phi.reduce((s, x) => s + x, 0)
  const abs = phi.reduce((s, x) => s + Math.abs(x), 0)
  if (!(abs > 0) || !Number.isFinite(total) || total === 0) return {...equal(n), ratios: r}
  return {fractions: phi.map((x) => x / total), weights: phi.map((x) => Math.abs(x) / abs), method: 'factors', ratios: r}
}
