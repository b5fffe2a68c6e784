// The per-pixel loop nest in serial order (docs/ts-engine.md, pixel loop; mirrors
// instrumented-c/src/pixel.c): sensor layers > sub-pixels > sources > phi steps > mosaic
// domains, with the reference's caches (solid angle, polarization and capture fraction computed
// once per pixel or layer: quirk Q6), the phi carry-over (Q3) and the sticky interpolation
// fallback (Q8). One function serves the image and the traced pixel: every trace point is
// guarded by `if (sink)`, so tracing off costs one branch per point. Each piece of physics is a
// function named after it; hot paths use plain numbers and preallocated scratch arrays only.
import type {Loop, TraceSink} from '../trace/records.js'
import {cInt} from './cnum.js'
import {latticeFactor, LATTICE_ROUND, LATTICE_GAUSS, LATTICE_TOPHAT} from './lattice.js'
import type {KernelModel} from './model.js'
import {polarizationFactor} from './polarization.js'
import {checkInterpolationIndex, F_MODES, structureFactor, tricubicOutOfRange, type InterpolationState} from './structure-factor.js'

/** State the serial loop carries from pixel to pixel (quirks Q3 and Q8). */
export interface CarryState extends InterpolationState {
  /** ap, bp, cp (9 numbers) in effect */
  ap: Float64Array
}

export function initialCarry(m: KernelModel): CarryState {
  const ap = new Float64Array(9)
  ap.set(m.a0, 0)
  ap.set(m.b0, 3)
  ap.set(m.c0, 6)
  return {ap, interpolate: m.interpolate, fallbackFired: false}
}

// scratch (never allocated in the loop)
const sfScratch = new Float64Array(24)
const pol = new Float64Array(5)
const pos = new Float64Array(3)
// the mosaic domains' cells U·ap for the ap they were computed from (see domainCellsFor)
let domainCells = new Float64Array(0)
const domainCellsAp = new Float64Array(9)
const oneCell = new Float64Array(9)
let domainCellsModel: KernelModel | null = null
const parts = new Float64Array(3)
const fmode = new Uint8Array(1)

/** In scan mode the function returns this when the interpolation fallback fires. */
export const SCAN_FIRED = -1

/**
 * Lab position of the centre of sub-pixel (subS, subF) of pixel (spixel, fpixel) on layer Odet,
 * into pos. The curved detector swings the beam-axis point by the flat position's lab y and z
 * over the distance (quirk Q13).
 */
export function subpixelPosition(m: KernelModel, spixel: number, fpixel: number, subS: number, subF: number, Odet: number, out: Float64Array): void {
  const Fdet = fastCoordinate(m, fpixel, subF)
  const Sdet = m.subpixelSize * (spixel * m.oversample + subS) + m.subpixelSize / 2.0
  const f = m.fdet,
    s = m.sdet,
    o = m.odet,
    p0 = m.pix0
  let px = Fdet * f[0] + Sdet * s[0] + Odet * o[0] + p0[0]
  let py = Fdet * f[1] + Sdet * s[1] + Odet * o[1] + p0[1]
  let pz = Fdet * f[2] + Sdet * s[2] + Odet * o[2] + p0[2]
  if (m.curved) {
    const d = m.distance
    const b = m.beam
    let q = rotAxis(d * b[0], d * b[1], d * b[2], s[0], s[1], s[2], py / d)
    q = rotAxis(q[0], q[1], q[2], f[0], f[1], f[2], pz / d)
    px = q[0]
    py = q[1]
    pz = q[2]
  }
  out[0] = px
  out[1] = py
  out[2] = pz
}

/** Fdet: the fast coordinate of sub-pixel subF's centre (planted fault tile-fast-offset: of fast+1 in the second tile). */
export function fastCoordinate(m: KernelModel, fpixel: number, subF: number): number {
  const f = fpixel >= m.fastShiftFrom ? fpixel + 1 : fpixel
  return m.subpixelSize * (f * m.oversample + subF) + m.subpixelSize / 2.0
}

/** The obliquity close_distance/airpath, or 1 where the high-angle-obliquity fault drops it (cos 2θ to the beam below its threshold). */
export function obliquity(m: KernelModel, airpath: number, dx: number, dy: number, dz: number): number {
  if (dx * m.beam[0] + dy * m.beam[1] + dz * m.beam[2] < m.obliquityDropCos) return 1.0
  return m.closeDistance / airpath
}

/** Solid angle of the whole pixel seen at distance airpath, with the obliquity close_distance/airpath; 1/R² for a point pixel. */
export function solidAngle(m: KernelModel, airpath: number, dx: number, dy: number, dz: number): number {
  if (m.pointPixel) return 1.0 / airpath / airpath
  const r2 = (m.pixelSize * m.pixelSize) / airpath / airpath
  if (dx * m.beam[0] + dy * m.beam[1] + dz * m.beam[2] < m.obliquityDropCos) return r2
  return (r2 * m.closeDistance) / airpath
}

/** Fraction of the photons absorbed in layer `thick` of the sensor, along a ray with this parallax. */
export function captureFraction(m: KernelModel, thick: number, parallax: number): number {
  return Math.exp((-thick * m.thickstep * m.mu) / parallax) - Math.exp((-(thick + 1) * m.thickstep * m.mu) / parallax)
}

/** The cell of mosaic domain `mos`: U·ap, U·bp, U·cp into out (used only with a mosaic spread). */
export function mosaicCell(m: KernelModel, mos: number, ap: Float64Array, out: Float64Array): void {
  const u = m.umats
  const o = mos * 9
  const u0 = u[o],
    u1 = u[o + 1],
    u2 = u[o + 2],
    u3 = u[o + 3],
    u4 = u[o + 4],
    u5 = u[o + 5],
    u6 = u[o + 6],
    u7 = u[o + 7],
    u8 = u[o + 8]
  for (let v = 0; v < 9; v += 3) {
    const x = ap[v],
      y = ap[v + 1],
      z = ap[v + 2]
    out[v] = u0 * x + u1 * y + u2 * z
    out[v + 1] = u3 * x + u4 * y + u5 * z
    out[v + 2] = u6 * x + u7 * y + u8 * z
  }
}

/** Same bits (+0 and -0 told apart, a NaN never equal): the cells computed from `b` are the cells of `a`. */
function sameBits9(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < 9; i++) {
    const x = a[i],
      y = b[i]
    if (x !== y || (x === 0 && 1 / x !== 1 / y)) return false
  }
  return true
}

/**
 * The cells of every mosaic domain for the phi-rotated cell ap (9 numbers per domain). ap changes
 * only at phi steps, and usually not at all from one sub-pixel, source or pixel to the next, so
 * the products are kept and recomputed only when ap's bits differ: the same arithmetic on the same
 * inputs, so the same bits as computing them per term.
 */
function domainCellsFor(m: KernelModel, ap: Float64Array): Float64Array {
  if (domainCellsModel === m && sameBits9(ap, domainCellsAp)) return domainCells
  if (domainCells.length !== m.mosaicDomains * 9) domainCells = new Float64Array(m.mosaicDomains * 9)
  for (let mos = 0; mos < m.mosaicDomains; mos++) {
    mosaicCell(m, mos, ap, oneCell)
    domainCells.set(oneCell, mos * 9)
  }
  domainCellsAp.set(ap)
  domainCellsModel = m
  return domainCells
}

/** The quirk fixes Q4/Q6: weighted sums kept beside the faithful accumulator. */
interface FixSums {
  capture: number
  polar: number
  omegaPolar: number
  firstPolar: number
  firstOmega: number
}

/**
 * The pixel value from the accumulated sum: r_e² fluence I / steps, times the cached capture
 * fraction, polarization and solid angle unless they were applied per term (-oversample_*).
 */
function pixelValue(
  m: KernelModel,
  I: number,
  capture: number,
  polar: number,
  omega: number,
  fx: FixSums | null,
  sink: TraceSink | null,
  imgBefore: number,
): number {
  let capApplied = m.osThick ? 1 : capture
  let polApplied = m.osPolar ? 1 : polar
  let omeApplied = m.osOmega ? 1 : omega
  if (fx && m.fix.q4 && !m.osThick && I !== 0) capApplied = (fx.capture + m.Ibg * capture) / I
  if (fx && m.fix.q6 && I !== 0 && !Number.isNaN(fx.firstPolar)) {
    const wp = fx.polar + m.Ibg * fx.firstPolar
    const wop = fx.omegaPolar + m.Ibg * fx.firstOmega * fx.firstPolar
    if (!m.osPolar) polApplied = wp / I
    if (!m.osOmega && wp !== 0) omeApplied = wop / wp
  }
  let test = (m.reSqr * m.fluence * I) / m.steps
  if (!m.osThick) test *= capApplied
  if (!m.osPolar) test *= polApplied
  if (!m.osOmega) test *= omeApplied
  if (sink) {
    sink.value('I_before_scaling', {}, I)
    sink.value('capture_fraction_applied', {}, capApplied)
    sink.value('polar_applied', {}, polApplied)
    sink.value('omega_applied', {}, omeApplied)
    sink.value('I_pixel_final', {}, test)
    sink.value('float_pixel', {}, Math.fround(imgBefore + test))
  }
  return test
}

const squareLattice = (m: KernelModel): boolean => m.lattice !== LATTICE_ROUND && m.lattice !== LATTICE_GAUSS && m.lattice !== LATTICE_TOPHAT

/**
 * Computes one pixel; returns the double `test` added to the float image (I_pixel_final).
 * scan=true: only advances the order-dependent state and looks for the interpolation fallback
 * (no F_cell); returns SCAN_FIRED when it fires, 0 otherwise. `imgBefore` is the float image
 * value before the addition (for tracing).
 */
export function computePixel(m: KernelModel, spixel: number, fpixel: number, st: CarryState, sink: TraceSink | null, scan = false, imgBefore = 0): number {
  const os = m.oversample
  const ap = st.ap
  const fix = m.fix
  let I = m.Ibg
  let polar = m.nopolar ? 1.0 : 0.0
  let omega = 0.0
  let capture = 0.0
  const fixQ3 = fix.q3,
    fixQ6 = fix.q6
  const fx: FixSums | null = fix.q4 || fix.q6 ? {capture: 0, polar: 0, omegaPolar: 0, firstPolar: Number.NaN, firstOmega: Number.NaN} : null
  const ox = m.odet[0],
    oy = m.odet[1],
    oz = m.odet[2]
  const hkl = m.hkl
  const nSources = m.nSources
  const osOmega = m.osOmega,
    osThick = m.osThick,
    osPolar = m.osPolar
  const f32 = m.accumulateF32
  const scat = m.scatteringScale
  const phisteps = m.phisteps,
    phi0 = m.phi0,
    phistep = m.phistep,
    domains = m.mosaicDomains
  const waterSize = m.waterSize
  const traceParts = squareLattice(m)
  const useMosaic = m.mosaicSpread > 0.0
  let loop: Loop = {}
  for (let thick = 0; thick < m.thicksteps; thick++) {
    const Odet = thick * m.thickstep
    if (sink) sink.value('Odet', {thick}, Odet)
    capture = m.detectorThick === 0.0 ? 1.0 : 0.0
    for (let subS = 0; subS < os; subS++) {
      for (let subF = 0; subF < os; subF++) {
        subpixelPosition(m, spixel, fpixel, subS, subF, Odet, pos)
        const px = pos[0],
          py = pos[1],
          pz = pos[2]
        const airpath = Math.sqrt(px * px + py * py + pz * pz)
        let dx = px / airpath
        let dy = py / airpath
        let dz = pz / airpath
        if (omega === 0.0 || osOmega || fixQ6) omega = solidAngle(m, airpath, dx, dy, dz)
        if (fixQ6 && !m.nopolar) polar = 0.0
        if (capture === 0.0 || osThick) capture = captureFraction(m, thick, dx * ox + dy * oy + dz * oz)
        if (sink) {
          loop = {thick, subS, subF}
          const sub = m.subpixelSize
          sink.value('Fdet', loop, fastCoordinate(m, fpixel, subF))
          sink.value('Sdet', loop, sub * (spixel * os + subS) + sub / 2.0)
          sink.value('pixel_pos', loop, [px, py, pz])
          sink.value('airpath', loop, airpath)
          sink.value('diffracted', loop, [dx, dy, dz])
          sink.value('obliquity', loop, obliquity(m, airpath, dx, dy, dz))
          sink.value('omega_pixel', loop, omega)
          sink.value('parallax', loop, dx * ox + dy * oy + dz * oz)
          sink.value('capture_fraction', loop, capture)
        }
        for (let source = 0; source < nSources; source++) {
          // scattering vector (m⁻¹, no 2π) for this source's incident direction and wavelength
          const ix = -m.srcX[source]
          const iy = -m.srcY[source]
          const iz = -m.srcZ[source]
          const lambda = m.srcLambda[source]
          const sx = ((dx - ix) / lambda) * scat
          const sy = ((dy - iy) / lambda) * scat
          const sz = ((dz - iz) / lambda) * scat
          const stol = 0.5 * Math.sqrt(sx * sx + sy * sy + sz * sz)
          if (sink) {
            loop = {thick, subS, subF, source}
            sink.value('incident', loop, [ix, iy, iz])
            sink.value('lambda', loop, lambda)
            sink.value('scattering', loop, [sx, sy, sz])
            sink.value('stol', loop, stol)
          }
          // resolution cut, before polarization and phi
          if (m.dmin > 0 && stol > 0 && m.dmin > 0.5 / stol) continue
          // traced cos2theta: dot(incident, diffracted) as they are before the polarization call
          const cos2theta = sink ? ix * dx + iy * dy + iz * dz : 0
          if (polar === 0.0 || osPolar) {
            // the reference unitizes `diffracted` in place here
            polarizationFactor(m.kahn, ix, iy, iz, dx, dy, dz, m.polarVec[0], m.polarVec[1], m.polarVec[2], pol)
            polar = pol[0]
            dx = pol[2]
            dy = pol[3]
            dz = pol[4]
          }
          if (fx && Number.isNaN(fx.firstPolar)) {
            fx.firstPolar = polar
            fx.firstOmega = omega
          }
          if (sink) {
            sink.value('cos2theta', loop, cos2theta)
            sink.value('polar', loop, polar)
          }
          const srcScale = m.srcTermScale[source]
          for (let phiTic = 0; phiTic < phisteps; phiTic++) {
            // phi rotation: ap/bp/cp change only when phi != 0 (quirk Q3)
            const phi = phi0 + phistep * phiTic
            if (phi !== 0.0) rotateCell(m, phi, ap)
            else if (fixQ3) {
              ap.set(m.a0, 0)
              ap.set(m.b0, 3)
              ap.set(m.c0, 6)
            }
            if (sink) {
              loop = {thick, subS, subF, source, phi: phiTic}
              sink.value('phi', loop, phi)
              sink.value('ap', loop, [ap[0], ap[1], ap[2]])
              sink.value('bp', loop, [ap[3], ap[4], ap[5]])
              sink.value('cp', loop, [ap[6], ap[7], ap[8]])
            }
            // the cells of the mosaic domains (the phi-rotated cell itself without a spread)
            const cells = useMosaic ? domainCellsFor(m, ap) : ap
            for (let mos = 0; mos < domains; mos++) {
              const c = useMosaic ? mos * 9 : 0
              // Miller indices: fractional, and nearest (ceil(x - 0.5))
              const h = cells[c] * sx + cells[c + 1] * sy + cells[c + 2] * sz
              const k = cells[c + 3] * sx + cells[c + 4] * sy + cells[c + 5] * sz
              const l = cells[c + 6] * sx + cells[c + 7] * sy + cells[c + 8] * sz
              const h0 = Math.ceil(h - 0.5)
              const k0 = Math.ceil(k - 0.5)
              const l0 = Math.ceil(l - 0.5)
              const Flatt = latticeFactor(m, h, k, l, h0, k0, l0, parts)
              if (sink) {
                loop = {thick, subS, subF, source, phi: phiTic, mosaic: mos}
                sink.value('rot_a', loop, [cells[c], cells[c + 1], cells[c + 2]])
                sink.value('rot_b', loop, [cells[c + 3], cells[c + 4], cells[c + 5]])
                sink.value('rot_c', loop, [cells[c + 6], cells[c + 7], cells[c + 8]])
                sink.value('hkl_frac', loop, [h, k, l])
                sink.value('hkl_rounded', loop, [cInt(h0), cInt(k0), cInt(l0)])
                if (traceParts) {
                  sink.value('F_latt_a', loop, parts[0])
                  sink.value('F_latt_b', loop, parts[1])
                  sink.value('F_latt_c', loop, parts[2])
                }
                sink.value('F_latt', loop, Flatt)
              }
              if (Flatt === 0.0 && waterSize === 0.0) continue
              if (scan) {
                if (hkl !== null && st.interpolate === 1) {
                  if (tricubicOutOfRange(hkl, h, k, l)) {
                    st.interpolate = 0
                    st.fallbackFired = true
                    return SCAN_FIRED
                  }
                  checkInterpolationIndex(h, k, l)
                }
                continue
              }
              const Fcell = structureFactor(hkl, m.outsideF, st, h, k, l, h0, k0, l0, sfScratch, fmode)
              let term = Fcell * Fcell * Flatt * Flatt
              if (srcScale !== 1) term *= srcScale
              I = f32 ? Math.fround(I + term) : I + term
              // -oversample_* multiply the running sum after each term (quirk Q5)
              if (osThick) I *= capture
              if (osPolar) I *= polar
              if (osOmega) I *= omega
              if (fx) {
                if (fix.q4) fx.capture += capture * term
                if (fixQ6) {
                  fx.polar += polar * term
                  fx.omegaPolar += omega * polar * term
                }
              }
              if (sink) {
                sink.value('F_cell_mode', loop, F_MODES[fmode[0]])
                sink.value('F_cell', loop, Fcell)
                sink.value('I_term', loop, term)
                sink.value('I_sum', loop, I)
              }
            }
          }
        }
      }
    }
  }
  if (scan) return 0
  return pixelValue(m, I, capture, polar, omega, fx, sink, imgBefore)
}

function rotAxis(vx: number, vy: number, vz: number, ux: number, uy: number, uz: number, phi: number): [number, number, number] {
  const s = Math.sin(phi)
  const c = Math.cos(phi)
  const d = (ux * vx + uy * vy + uz * vz) * (1 - c)
  return [ux * d + vx * c + (-uz * vy + uy * vz) * s, uy * d + vy * c + (uz * vx - ux * vz) * s, uz * d + vz * c + (-uy * vx + ux * vy) * s]
}

/** ap,bp,cp = rotate_axis(a0|b0|c0, spindle, phi), written into ap[0..8]. */
export function rotateCell(m: KernelModel, phi: number, ap: Float64Array): void {
  const s = Math.sin(phi)
  const c = Math.cos(phi)
  const ux = m.spindle[0],
    uy = m.spindle[1],
    uz = m.spindle[2]
  for (let i = 0; i < 3; i++) {
    const v = i === 0 ? m.a0 : i === 1 ? m.b0 : m.c0
    const vx = v[0],
      vy = v[1],
      vz = v[2]
    const d = (ux * vx + uy * vy + uz * vz) * (1 - c)
    ap[i * 3] = ux * d + vx * c + (-uz * vy + uy * vz) * s
    ap[i * 3 + 1] = uy * d + vy * c + (uz * vx - ux * vz) * s
    ap[i * 3 + 2] = uz * d + vz * c + (-uy * vx + ux * vy) * s
  }
}
