// Where each pixel looks: the scattering vector |S| = 2 sin θ / λ of every pixel centre, from the
// set-up values (catalogue names) of the configuration. Triage needs it to sort pixels into
// resolution shells and to say where a cause lies (resolution range, 2θ range); it is the
// detector geometry of docs/ts-engine.md at the pixel centre, with the nominal beam and wavelength
// (sources, sub-pixels, layers and curved detectors are ignored: shells only need to be right to
// a fraction of a shell).
import type {TraceValue} from '../trace/records.js'

/** The set-up values the pixel geometry is made of (catalogue names). */
const NEEDS = ['fpixels', 'spixels', 'pixel_size', 'pix0_vector', 'fdet_vector', 'sdet_vector', 'beam_vector', 'lambda0'] as const

export interface PixelGeometry {
  fast: number
  slow: number
  /** nominal wavelength, Å */
  lambdaA: number
  /** |S| = 2 sin θ / λ of each pixel centre, Å⁻¹ (index = slow * fast + fast) */
  s: Float32Array
}

function vec(v: TraceValue | undefined): number[] | null {
  return Array.isArray(v) && v.length === 3 && v.every((x) => Number.isFinite(x)) ? v : null
}

function num(v: TraceValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/** The set-up values geometry needs that are missing or unusable ([] when all are there). */
export function missingGeometry(setup: Map<string, TraceValue>): string[] {
  return NEEDS.filter((n) => (n.endsWith('_vector') ? vec(setup.get(n)) === null : num(setup.get(n)) === null))
}

/** |S| per pixel, or null when the set-up values do not describe a flat detector. */
export function pixelGeometry(setup: Map<string, TraceValue>): PixelGeometry | null {
  if (missingGeometry(setup).length) return null
  const fast = num(setup.get('fpixels'))!
  const slow = num(setup.get('spixels'))!
  const ps = num(setup.get('pixel_size'))!
  const lambda = num(setup.get('lambda0'))!
  const [p0x, p0y, p0z] = vec(setup.get('pix0_vector'))!
  const [fx, fy, fz] = vec(setup.get('fdet_vector'))!
  const [sx, sy, sz] = vec(setup.get('sdet_vector'))!
  const b = vec(setup.get('beam_vector'))!
  const bn = Math.hypot(b[0], b[1], b[2])
  const [bx, by, bz] = [b[0] / bn, b[1] / bn, b[2] / bn]
  const lambdaA = lambda * 1e10
  const s = new Float32Array(fast * slow)
  for (let j = 0; j < slow; j++) {
    const Sdet = (j + 0.5) * ps
    const rx = p0x + Sdet * sx
    const ry = p0y + Sdet * sy
    const rz = p0z + Sdet * sz
    const row = j * fast
    for (let i = 0; i < fast; i++) {
      const Fdet = (i + 0.5) * ps
      const px = rx + Fdet * fx
      const py = ry + Fdet * fy
      const pz = rz + Fdet * fz
      const r = Math.sqrt(px * px + py * py + pz * pz)
      const dx = px / r - bx
      const dy = py / r - by
      const dz = pz / r - bz
      s[row + i] = Math.sqrt(dx * dx + dy * dy + dz * dz) / lambdaA
    }
  }
  return {fast, slow, lambdaA, s}
}

/** 2θ in degrees for |S| (Å⁻¹) at wavelength λ (Å). */
export function twoThetaDeg(s: number, lambdaA: number): number {
  return (2 * Math.asin(Math.min(1, (s * lambdaA) / 2)) * 180) / Math.PI
}
