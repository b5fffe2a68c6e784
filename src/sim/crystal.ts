// Crystal orientation: reciprocal cell from -cell (with the triclinic c* quirk Q1) or from a
// MOSFLM -mat file, misset (fixed or random), real/reciprocal regeneration (docs/ts-engine.md#crystal, quirks Q1 and Q9).
import {InputError} from '../util/errors.js'
import {resolvedCell, type ParsedArgs} from './cli.js'
import {cInt} from './cnum.js'
import {Ran1, mosaicRotationUmat, umat2misset, type Seed} from './rng.js'
import {cross, dot, magnitude, rescale, rotate, scale, type Vec3} from './vector.js'

export interface Crystal {
  cellAbc: Vec3
  cellAngles: Vec3
  misset: Vec3
  missetDraws: Vec3 | null
  Vcell: number
  aStar: Vec3
  bStar: Vec3
  cStar: Vec3
  /** real-space vectors in metres */
  a: Vec3
  b: Vec3
  c: Vec3
}

export interface CrystalInput {
  userCell: boolean
  cell: readonly number[] // a b c alpha beta gamma
  /** 9 numbers of the A matrix, or null */
  matrix: number[] | null
  lambda0: number
  misset: readonly number[] // [flag, x, y, z]
  /** fix Q1: textbook c*_z */
  fixQ1?: boolean
}

export function buildCrystal(inp: CrystalInput, rng: Ran1, missetSeed: Seed): Crystal {
  const [A, B, C, alpha, beta, gamma] = inp.cell
  let Vcell = 0
  let aStar: Vec3 = [0, 0, 0]
  let bStar: Vec3 = [0, 0, 0]
  let cStar: Vec3 = [0, 0, 0]
  if (inp.userCell) {
    const aavg = (alpha + beta + gamma) / 2
    let skew = Math.sin(aavg) * Math.sin(aavg - alpha) * Math.sin(aavg - beta) * Math.sin(aavg - gamma)
    skew = Math.abs(skew)
    Vcell = 2.0 * A * B * C * Math.sqrt(skew)
    if (Vcell <= 0) Vcell = 2.2250738585072014e-308
    const Vstar = 1.0 / Vcell
    const aStarLen = B * C * Math.sin(alpha) * Vstar
    const bStarLen = C * A * Math.sin(beta) * Vstar
    const cStarLen = A * B * Math.sin(gamma) * Vstar
    let sinGammaStar = (C * Vstar) / aStarLen / bStarLen
    let cosAlphaStar = (Math.cos(beta) * Math.cos(gamma) - Math.cos(alpha)) / (Math.sin(beta) * Math.sin(gamma))
    let cosBetaStar = (Math.cos(alpha) * Math.cos(gamma) - Math.cos(beta)) / (Math.sin(alpha) * Math.sin(gamma))
    let cosGammaStar = (Math.cos(alpha) * Math.cos(beta) - Math.cos(gamma)) / (Math.sin(alpha) * Math.sin(beta))
    if (sinGammaStar > 1) sinGammaStar = 1
    if (sinGammaStar < -1) sinGammaStar = -1
    if (cosAlphaStar * cosAlphaStar > 1) cosAlphaStar = 1
    if (cosBetaStar * cosBetaStar > 1) cosBetaStar = 1
    if (cosGammaStar * cosGammaStar > 1) cosGammaStar = 1
    aStar = [aStarLen, 0, 0]
    bStar = [bStarLen * cosGammaStar, bStarLen * sinGammaStar, 0]
    const cz = inp.fixQ1 ? 1 / C : (cStarLen * Vcell) / (A * B * C * sinGammaStar)
    cStar = [cStarLen * cosBetaStar, (cStarLen * (cosAlphaStar - cosBetaStar * cosGammaStar)) / sinGammaStar, cz]
  }
  if (inp.matrix) {
    const m = inp.matrix
    const s = 1e-10 / inp.lambda0
    aStar = scale([m[0], m[3], m[6]], s)
    bStar = scale([m[1], m[4], m[7]], s)
    cStar = scale([m[2], m[5], m[8]], s)
  }
  let misset: Vec3 = [inp.misset[1], inp.misset[2], inp.misset[3]]
  let missetFlag = inp.misset[0]
  let missetDraws: Vec3 | null = null
  if (missetFlag === -1) {
    const u = mosaicRotationUmat(rng, 90.0, missetSeed)
    missetDraws = u.draws
    misset = umat2misset(u.umat)
    missetFlag = 1
  }
  if (missetFlag > 0) {
    aStar = rotate(aStar, misset[0], misset[1], misset[2])
    bStar = rotate(bStar, misset[0], misset[1], misset[2])
    cStar = rotate(cStar, misset[0], misset[1], misset[2])
  }
  let axb = cross(aStar, bStar)
  let bxc = cross(bStar, cStar)
  let cxa = cross(cStar, aStar)
  let Vstar = dot(aStar, bxc)
  if (inp.userCell) {
    bxc = rescale(bxc, A / Vcell)
    cxa = rescale(cxa, B / Vcell)
    axb = rescale(axb, C / Vcell)
    Vstar = 1.0 / Vcell
  }
  Vcell = 1.0 / Vstar
  const a = scale(bxc, Vcell)
  const b = scale(cxa, Vcell)
  const c = scale(axb, Vcell)
  aStar = scale(cross(b, c), Vstar)
  bStar = scale(cross(c, a), Vstar)
  cStar = scale(cross(a, b), Vstar)
  // traced "input" cell: the -cell values, or the cell implied by the -mat vectors
  let cellAbc: Vec3 = [A, B, C]
  let cellAngles: Vec3 = [alpha, beta, gamma]
  if (!inp.userCell) {
    const la = magnitude(a),
      lb = magnitude(b),
      lc = magnitude(c)
    cellAbc = [la, lb, lc]
    cellAngles = [Math.acos(dot(b, c) / (lb * lc)), Math.acos(dot(c, a) / (lc * la)), Math.acos(dot(a, b) / (la * lb))]
  }
  return {
    cellAbc,
    cellAngles,
    misset,
    missetDraws,
    Vcell,
    aStar,
    bStar,
    cStar,
    a: scale(a, 1e-10),
    b: scale(b, 1e-10),
    c: scale(c, 1e-10),
  }
}

/** First 9 numbers of a MOSFLM A matrix file (free format). */
export function parseMatrix(text: string): number[] {
  const nums: number[] = []
  for (const tok of text.split(/\s+/)) {
    if (tok === '') continue
    const v = Number(tok)
    if (Number.isNaN(v)) break
    nums.push(v)
    if (nums.length === 9) break
  }
  return nums
}

export interface CrystalSize {
  Na: number
  Nb: number
  Nc: number
  oversample: number
  recommended: number
  warnings: string[]
}

/**
 * Unit cells from the crystal size when one is given (N = ceil(size/|a|)), N below 1 taken as 1,
 * and the sub-pixel count: the user's, or the recommended ceil(3 x largest crystal edge /
 * (λ distance / pixel)) converted to int as C does (infinite or huge → INT_MIN → 1).
 */
export function crystalSize(p: ParsedArgs, c: Crystal, distance: number, pixelSize: number, sampleY: number, sampleZ: number): CrystalSize {
  const warnings: string[] = []
  const la = magnitude(c.a),
    lb = magnitude(c.b),
    lc = magnitude(c.c)
  let Na = p.Na,
    Nb = p.Nb,
    Nc = p.Nc
  if (p.sampleX > 0) Na = Math.ceil(p.sampleX / la)
  if (sampleY > 0) Nb = Math.ceil(sampleY / lb)
  if (sampleZ > 0) Nc = Math.ceil(sampleZ / lc)
  if (Na <= 1) Na = 1
  if (Nb <= 1) Nb = 1
  if (Nc <= 1) Nc = 1
  let xtalsizeMax = la * Na
  if (xtalsizeMax < lb * Nb) xtalsizeMax = lb * Nb
  if (xtalsizeMax < lc * Nc) xtalsizeMax = lc * Nc
  const reciprocalPixel = (p.lambda0 * distance) / pixelSize
  let recommended = cInt(Math.ceil((3.0 * xtalsizeMax) / reciprocalPixel))
  if (recommended <= 0) recommended = 1
  let oversample = p.oversample
  if (oversample <= 0) {
    oversample = recommended
    if (!Number.isFinite((3.0 * xtalsizeMax) / reciprocalPixel))
      warnings.push(
        `the recommended oversample is not finite (distance ${distance} m, wavelength ${p.lambda0} m): using ${recommended}, as the reference's integer conversion does`,
      )
  } else if (oversample < recommended) warnings.push(`-oversample ${oversample} is below the recommended ${recommended}`)
  return {Na, Nb, Nc, oversample, recommended, warnings}
}

/** The crystal of the command line: -cell (with its defaults), or the -mat file's vectors. */
export function crystalOf(p: ParsedArgs, readMatrix: (file: string) => string, rng: Ran1, fixQ1: boolean): Crystal {
  let matrix: number[] | null = null
  if (p.matfilename) {
    matrix = parseMatrix(readMatrix(p.matfilename))
    if (matrix.length < 9) throw new InputError('expected 9 numbers (MOSFLM A matrix)', {file: p.matfilename, field: '-mat'})
  }
  const cell = resolvedCell(p)
  if (!matrix && cell[0] === 0) throw new InputError('no unit cell: give -cell a b c alpha beta gamma or -mat file', {field: '-cell'})
  return buildCrystal({userCell: p.userCell, cell, matrix, lambda0: p.lambda0, misset: p.misset, fixQ1}, rng, {v: p.missetSeed})
}
