// Numeric helpers of the classification rules: decoded values, ratios, float32 tests.
import {decodeNumber} from '../trace/numbers.js'
import type {Divergent} from '../align/align.js'

export const near = (a: number, b: number, rel = 1e-9): boolean => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b))

/** Exact unit factors a value printed or computed in another unit is off by. */
export const UNIT_RATIOS: [number, string][] = [
  [1e10, '1e10 (Å⁻¹ → m⁻¹ or m → Å)'],
  [1e-10, '1e-10 (Å → m or m⁻¹ → Å⁻¹)'],
  [1e3, '1e3 (m → mm)'],
  [1e-3, '1e-3 (mm → m)'],
  [1e6, '1e6 (m² → mm² or µm)'],
  [1e-6, '1e-6'],
  [Math.PI / 180, 'π/180 (degrees → radians)'],
  [180 / Math.PI, '180/π (radians → degrees)'],
]

export function nums(v: unknown): number[] {
  if (Array.isArray(v)) return v.map((x) => decodeNumber(x) ?? Number.NaN)
  const n = decodeNumber(v)
  return n === undefined ? [] : [n]
}

export function scalarOf(v: unknown): number | undefined {
  const n = nums(v)
  return n.length === 1 ? n[0] : undefined
}

/** Every component is an exact float32 number. */
export function isF32(v: unknown): boolean {
  const n = nums(v)
  return n.length > 0 && n.every((x) => !Number.isFinite(x) || Math.fround(x) === x)
}

/** Per-component ratios cand/ref of the components that differ (all equal for a pure scaling). */
export function ratios(d: Divergent): number[] {
  const a = nums(d.ref)
  const b = nums(d.cand)
  const out: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i] !== 0) out.push(b[i] / a[i])
  return out
}
