// Lattice (shape-transform) factors for the four crystal shapes (physics.md §8.2).

export const SHAPE_SQUARE = 0
export const SHAPE_ROUND = 1
export const SHAPE_GAUSS = 2
export const SHAPE_TOPHAT = 3

/** sincg(x, N) = sin(N x)/sin(x), N at x == 0. */
export function sincg(x: number, N: number): number {
  return x === 0.0 ? N : Math.sin(x * N) / Math.sin(x)
}

/** sinc3(x) = 3 (sin x / x - cos x) / x², 1 at x == 0. */
export function sinc3(x: number): number {
  return x === 0.0 ? 1.0 : (3.0 * (Math.sin(x) / x - Math.cos(x))) / (x * x)
}

/** ROUND shape: F_latt from the fractional offsets. */
export function latticeRound(dh: number, dk: number, dl: number, Na: number, Nb: number, Nc: number, fudge: number): number {
  const hrad = dh * dh * Na * Na + dk * dk * Nb * Nb + dl * dl * Nc * Nc
  return Na * Nb * Nc * 0.723601254558268 * sinc3(Math.PI * Math.sqrt(hrad * fudge))
}

/** rad_star_sqr for GAUSS/TOPHAT: offsets mapped through the unrotated reciprocal vectors (Q12). */
export function radStarSqr(dh: number, dk: number, dl: number, as: ArrayLike<number>, bs: ArrayLike<number>, cs: ArrayLike<number>, Na: number, Nb: number, Nc: number): number {
  const dx = dh * as[0] + dk * bs[0] + dl * cs[0]
  const dy = dh * as[1] + dk * bs[1] + dl * cs[1]
  const dz = dh * as[2] + dk * bs[2] + dl * cs[2]
  return (dx * dx + dy * dy + dz * dz) * Na * Na * Nb * Nb * Nc * Nc
}

export function latticeGauss(rad: number, Na: number, Nb: number, Nc: number, fudge: number): number {
  return Na * Nb * Nc * Math.exp(-((rad / 0.63) * fudge))
}

export function latticeTophat(rad: number, Na: number, Nb: number, Nc: number, fudge: number): number {
  return Na * Nb * Nc * (rad * fudge < 0.3969 ? 1 : 0)
}
