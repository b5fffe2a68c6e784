// Lattice (shape-transform) factor F_latt for the four crystal shapes (docs/ts-engine.md, pixel
// loop). Mirrors instrumented-c/src/lattice.c. The variant — a shape, or a shape with a planted
// sincg fault — is chosen once per model (latticeKind), so the pixel loop takes one switch on a
// constant per term.
import type {XtalShape} from './cli.js'
import type {KernelModel} from './model.js'
import type {FaultFlags} from './quirks.js'

export const LATTICE_SQUARE = 0
export const LATTICE_ROUND = 1
export const LATTICE_GAUSS = 2
export const LATTICE_TOPHAT = 3
/** planted fault sincg-no-pi: sincg(h, N) instead of sincg(π h, N) */
export const LATTICE_SQUARE_NO_PI = 4
/** planted fault sincg-offset: sincg(π (h - h0), N) */
export const LATTICE_SQUARE_OFFSET = 5

export function latticeKind(shape: XtalShape, fault: Pick<FaultFlags, 'sincgNoPi' | 'sincgOffset'>): number {
  if (shape === 'round') return LATTICE_ROUND
  if (shape === 'gauss') return LATTICE_GAUSS
  if (shape === 'tophat') return LATTICE_TOPHAT
  if (fault.sincgNoPi) return LATTICE_SQUARE_NO_PI
  if (fault.sincgOffset) return LATTICE_SQUARE_OFFSET
  return LATTICE_SQUARE
}

/** sincg(x, N) = sin(N x)/sin(x), N at x == 0. */
export function sincg(x: number, N: number): number {
  return x === 0.0 ? N : Math.sin(x * N) / Math.sin(x)
}

/** sinc3(x) = 3 (sin x / x - cos x) / x², 1 at x == 0. */
export function sinc3(x: number): number {
  return x === 0.0 ? 1.0 : (3.0 * (Math.sin(x) / x - Math.cos(x))) / (x * x)
}

/**
 * F_latt at fractional (h, k, l) with nearest indices (h0, k0, l0). SQUARE: the product of
 * sincg(π h, Na) over the axes with more than one cell (the three factors are left in parts for
 * the trace). ROUND: sinc3 of the fractional offsets scaled by N. GAUSS and TOPHAT: the offsets
 * mapped through the unrotated reciprocal vectors, scaled by the product Na² Nb² Nc² (quirk Q12).
 */
export function latticeFactor(m: KernelModel, h: number, k: number, l: number, h0: number, k0: number, l0: number, parts: Float64Array): number {
  return m.lattice === LATTICE_SQUARE
    ? squareLattice(Math.PI * h, Math.PI * k, Math.PI * l, m.Na, m.Nb, m.Nc, parts)
    : otherLattice(m, h, k, l, h0, k0, l0, parts)
}

/** SQUARE: sincg(x, N) per axis with N > 1, at x = π h, π k, π l; the factors go to parts. */
function squareLattice(xa: number, xb: number, xc: number, Na: number, Nb: number, Nc: number, parts: Float64Array): number {
  const Fa = Na > 1 ? (xa === 0.0 ? Na : Math.sin(xa * Na) / Math.sin(xa)) : 1
  const Fb = Nb > 1 ? (xb === 0.0 ? Nb : Math.sin(xb * Nb) / Math.sin(xb)) : 1
  const Fc = Nc > 1 ? (xc === 0.0 ? Nc : Math.sin(xc * Nc) / Math.sin(xc)) : 1
  parts[0] = Fa
  parts[1] = Fb
  parts[2] = Fc
  return 1.0 * Fa * Fb * Fc
}

function otherLattice(m: KernelModel, h: number, k: number, l: number, h0: number, k0: number, l0: number, parts: Float64Array): number {
  const Na = m.Na,
    Nb = m.Nb,
    Nc = m.Nc
  switch (m.lattice) {
    case LATTICE_SQUARE_NO_PI:
    case LATTICE_SQUARE_OFFSET: {
      const off = m.lattice === LATTICE_SQUARE_OFFSET
      const Fa = Na > 1 ? (off ? sincg(Math.PI * (h - h0), Na) : sincg(h, Na)) : 1
      const Fb = Nb > 1 ? (off ? sincg(Math.PI * (k - k0), Nb) : sincg(k, Nb)) : 1
      const Fc = Nc > 1 ? (off ? sincg(Math.PI * (l - l0), Nc) : sincg(l, Nc)) : 1
      parts[0] = Fa
      parts[1] = Fb
      parts[2] = Fc
      return 1.0 * Fa * Fb * Fc
    }
    case LATTICE_ROUND: {
      const hrad = (h - h0) * (h - h0) * Na * Na + (k - k0) * (k - k0) * Nb * Nb + (l - l0) * (l - l0) * Nc * Nc
      const x = Math.PI * Math.sqrt(hrad * m.fudge)
      return Na * Nb * Nc * 0.723601254558268 * (x === 0 ? 1.0 : (3.0 * (Math.sin(x) / x - Math.cos(x))) / (x * x))
    }
    default: {
      const as = m.aStar,
        bs = m.bStar,
        cs = m.cStar
      const dh = h - h0,
        dk = k - k0,
        dl = l - l0
      const rx = dh * as[0] + dk * bs[0] + dl * cs[0]
      const ry = dh * as[1] + dk * bs[1] + dl * cs[1]
      const rz = dh * as[2] + dk * bs[2] + dl * cs[2]
      const rad = (rx * rx + ry * ry + rz * rz) * Na * Na * Nb * Nb * Nc * Nc
      if (m.lattice === LATTICE_GAUSS) return Na * Nb * Nc * Math.exp(-((rad / 0.63) * m.fudge))
      return Na * Nb * Nc * (rad * m.fudge < 0.3969 ? 1 : 0)
    }
  }
}
