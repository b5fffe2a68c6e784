// Numerical Recipes ran1 with nanoBragg's shared static table, and the float-typed deviates
// (docs/ts-engine.md#mosaic-domains-and-random-numbers). Every seed variable is a `Seed` box (the C `long *idum`); the table
// (iy, iv) is shared by all of them, exactly like the C statics.
import {prefetchPowfThird, powfThird} from './libm.js'

const IA = 16807
const IM = 2147483647
const AM = 1.0 / IM
const IQ = 127773
const IR = 2836
const NTAB = 32
const NDIV = 1 + Math.trunc((IM - 1) / NTAB)
const RNMX = 1.0 - 1.2e-7
const f32 = Math.fround

export interface Seed {
  v: number
}

export class Ran1 {
  private iy = 0
  private readonly iv = new Array<number>(NTAB).fill(0)
  /** Draws made so far (diagnostics). */
  draws = 0

  next(idum: Seed): number {
    this.draws++
    let k: number
    if (idum.v <= 0 || this.iy === 0) {
      idum.v = -idum.v < 1 ? 1 : -idum.v
      for (let j = NTAB + 7; j >= 0; j--) {
        k = Math.trunc(idum.v / IQ)
        idum.v = IA * (idum.v - k * IQ) - IR * k
        if (idum.v < 0) idum.v += IM
        if (j < NTAB) this.iv[j] = idum.v
      }
      this.iy = this.iv[0]
    }
    k = Math.trunc(idum.v / IQ)
    idum.v = IA * (idum.v - k * IQ) - IR * k
    if (idum.v < 0) idum.v += IM
    const j = Math.trunc(this.iy / NDIV)
    this.iy = this.iv[j]
    this.iv[j] = idum.v
    const temp = f32(AM * this.iy)
    return temp > RNMX ? f32(RNMX) : temp
  }
}

export interface UmatDraw {
  draws: [number, number, number]
  angle: number
  umat: number[]
}

/** The three draws of one random rotation (mosaic_rotation_umat's), from the shared generator. */
export function rotationDraws(rng: Ran1, seed: Seed): [number, number, number] {
  const d1 = rng.next(seed)
  const d2 = rng.next(seed)
  const d3 = rng.next(seed)
  return [d1, d2, d3]
}

/** The powf argument of a rotation's angle: (float)(1 - r3²), r3 = 2·d3 - 1. */
export const rotationPowfArg = (d: readonly number[]): number => f32(1.0 - (2.0 * d[2] - 1.0) * (2.0 * d[2] - 1.0))

/**
 * mosaic_rotation_umat(float mosaicity, umat, seed) from its draws: the axis from d1, d2 and the
 * angle (float)(mosaicity · powf(1 - r3², 1/3)) in single precision (quirk Q15; libm.ts).
 */
export function rotationFromDraws(draws: [number, number, number], mosaicity: number): UmatDraw {
  const [d1, d2, d3] = draws
  const r1 = 2.0 * d1 - 1.0
  const r2 = 2.0 * d2 - 1.0
  const r3 = 2.0 * d3 - 1.0
  const xyrad = Math.sqrt(1.0 - r2 * r2)
  const rot = f32(f32(mosaicity) * powfThird(f32(1.0 - r3 * r3)))
  const v1 = xyrad * Math.sin(Math.PI * r1)
  const v2 = xyrad * Math.cos(Math.PI * r1)
  const v3 = r2
  const t1 = Math.cos(rot)
  const t2 = 1.0 - t1
  const t3 = v1 * v1
  const t6 = t2 * v1
  const t7 = t6 * v2
  const t8 = Math.sin(rot)
  const t9 = t8 * v3
  const t11 = t6 * v3
  const t12 = t8 * v2
  const t15 = v2 * v2
  const t19 = t2 * v2 * v3
  const t20 = t8 * v1
  const t24 = v3 * v3
  const umat = [t1 + t2 * t3, t7 - t9, t11 + t12, t7 + t9, t1 + t2 * t15, t19 - t20, t11 - t12, t19 + t20, t1 + t2 * t24]
  return {draws: [d1, d2, d3], angle: rot, umat}
}

/** mosaic_rotation_umat(float mosaicity, umat, seed): three draws, then the rotation. */
export function mosaicRotationUmat(rng: Ran1, mosaicity: number, seed: Seed): UmatDraw {
  const d = rotationDraws(rng, seed)
  prefetchPowfThird([rotationPowfArg(d)])
  return rotationFromDraws(d, mosaicity)
}

/** umat2misset: rotation matrix back to x, y, z misset angles (radians) (docs/ts-engine.md#crystal). */
export function umat2misset(u: readonly number[]): [number, number, number] {
  const rows = [0, 3, 6].map((o) => {
    const m = Math.sqrt(u[o] * u[o] + u[o + 1] * u[o + 1] + u[o + 2] * u[o + 2])
    return [u[o] / m, u[o + 1] / m, u[o + 2] / m]
  })
  const [uxx, uxy] = rows[0]
  const [uyx, ,] = rows[1]
  const uyy = rows[1][1]
  const [uzx, uzy, uzz] = rows[2]
  if (uzx * uzx < 1.0) {
    return [Math.atan2(uzy, uzz), Math.atan2(-uzx, Math.sqrt(uzy * uzy + uzz * uzz)), Math.atan2(uyx, uxx)]
  }
  const pi = Math.atan2(1, 1) * 4
  return [pi, pi / 2, Math.atan2(uxy, -uyy)]
}

/** Poisson and Gaussian deviates with the C float semantics and statics (docs/ts-engine.md#outputs). */
export class Deviates {
  private oldm = -1
  private g = 0
  private sq = 0
  private alxm = 0
  private iset = 0
  private gset = 0
  constructor(private readonly rng: Ran1) {}

  gammln(xx: number): number {
    const x = f32(xx)
    let y = x
    let tmp = x + 5.5
    tmp -= (x + 0.5) * Math.log(tmp)
    // the Numerical Recipes constants as the reference spells them: both languages round each
    // literal to the same nearest double, so the digits beyond a double's are harmless
    let ser = 1.000000000190015
    // eslint-disable-next-line no-loss-of-precision
    const cof = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5]
    for (let j = 0; j < 6; j++) ser += cof[j] / ++y
    // eslint-disable-next-line no-loss-of-precision
    return f32(-tmp + Math.log((2.5066282746310005 * ser) / x))
  }

  gaussdev(seed: Seed): number {
    if (this.iset === 0) {
      let v1: number, v2: number, rsq: number
      do {
        v1 = f32(2.0 * this.rng.next(seed) - 1.0)
        v2 = f32(2.0 * this.rng.next(seed) - 1.0)
        rsq = f32(f32(v1 * v1) + f32(v2 * v2))
      } while (rsq >= 1.0 || rsq === 0)
      const fac = f32(Math.sqrt((-2.0 * Math.log(rsq)) / rsq))
      this.gset = f32(v1 * fac)
      this.iset = 1
      return f32(v2 * fac)
    }
    this.iset = 0
    return this.gset
  }

  poidev(xmIn: number, seed: Seed): number {
    const xm = f32(xmIn)
    let em: number, t: number, y: number
    if (xm > 1.0e6) return f32(xm + Math.sqrt(xm) * this.gaussdev(seed))
    if (xm < 12.0) {
      if (xm !== this.oldm) {
        this.oldm = xm
        this.g = f32(Math.exp(-xm))
      }
      em = -1
      t = 1.0
      do {
        em += 1
        t = f32(t * this.rng.next(seed))
      } while (t > this.g)
    } else {
      if (xm !== this.oldm) {
        this.oldm = xm
        this.sq = f32(Math.sqrt(2.0 * xm))
        this.alxm = f32(Math.log(xm))
        this.g = f32(f32(xm * this.alxm) - this.gammln(xm + 1.0))
      }
      do {
        do {
          y = f32(Math.tan(Math.PI * this.rng.next(seed)))
          em = f32(f32(this.sq * y) + xm)
        } while (em < 0.0)
        em = f32(Math.floor(em))
        t = f32(0.9 * (1.0 + f32(y * y)) * Math.exp(f32(f32(f32(em * this.alxm) - this.gammln(em + 1.0)) - this.g)))
      } while (this.rng.next(seed) > t)
    }
    return em
  }
}

export interface MosaicDomain {
  draws: number[]
  angle: number
  umat: number[]
}

/**
 * The mosaic domains: one random rotation per domain from the mosaic seed (three draws each);
 * domain 0 is then forced to the identity, its draws still consumed (quirk Q15).
 */
export function mosaicDomains(
  rng: Ran1,
  spread: number,
  count: number,
  seed: Seed,
  opts: {extraDraw?: boolean; domain0Rotated?: boolean} = {},
): {domains: MosaicDomain[]; umats: Float64Array} {
  if (opts.extraDraw) rng.next(seed)
  // every domain's draws first, so glibc's powf is asked once for all of them
  const draws = Array.from({length: count}, () => rotationDraws(rng, seed))
  prefetchPowfThird(draws.map(rotationPowfArg))
  const domains: MosaicDomain[] = draws.map((d) => {
    const u = rotationFromDraws(d, spread)
    return {draws: u.draws, angle: u.angle, umat: u.umat}
  })
  if (!opts.domain0Rotated) domains[0].umat = [1, 0, 0, 0, 1, 0, 0, 0, 1]
  const umats = new Float64Array(9 * count)
  domains.forEach((d, i) => umats.set(d.umat, 9 * i))
  return {domains, umats}
}
