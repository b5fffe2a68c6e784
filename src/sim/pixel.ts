// The per-pixel loop nest (physics.md §8.1) in serial order, with the reference's caches
// (omega, polarization, capture fraction: Q6), the phi carry-over (Q3) and the sticky
// interpolation fallback (Q8). One function serves the image and the traced pixel: every
// trace point is guarded by `if (sink)`, so tracing off costs one branch per point.
// Hot loops use plain numbers only (no vector objects, no allocation).
import type {Loop, TraceSink} from '../trace/records.js'
import {SHAPE_GAUSS, SHAPE_ROUND, SHAPE_SQUARE, SHAPE_TOPHAT} from './lattice.js'
import type {KernelModel} from './model.js'
import {polarizationFactor} from './polarization.js'
import {nearestF, nearestInGrid, tricubic, tricubicOutOfRange} from './structure-factor.js'

/** The C int the reference stores: ceil() results as integers (no -0), out of range or NaN as INT_MIN (x86 cvttsd2si). */
function cInt(x: number): number {
  return x >= -2147483648 && x < 2147483648 ? x | 0 : -2147483648
}

/** State the serial loop carries from pixel to pixel (Q3 and Q8). */
export interface CarryState {
  /** ap, bp, cp (9 numbers) in effect */
  ap: Float64Array
  /** the global interpolate flag (1 tricubic, 0 nearest) */
  interpolate: number
  /** set when the interpolation fallback fired during this call */
  fallbackFired: boolean
}

export function initialCarry(m: KernelModel): CarryState {
  const ap = new Float64Array(9)
  ap.set(m.a0, 0)
  ap.set(m.b0, 3)
  ap.set(m.c0, 6)
  return {ap, interpolate: m.interpolate, fallbackFired: false}
}

const scratch = new Float64Array(24)
const COS_30_DEG = Math.cos(Math.PI / 6)
const pol = new Float64Array(5)

function sincg(x: number, N: number): number {
  return x === 0.0 ? N : Math.sin(x * N) / Math.sin(x)
}

/** In scan mode the function returns this when the interpolation fallback fires. */
export const SCAN_FIRED = -1

/**
 * Computes one pixel; returns the double `test` added to the float image (I_pixel_final).
 * scan=true: only looks for the interpolation fallback (no F_cell), returns SCAN_FIRED when it
 * fires, 0 otherwise. `imgBefore` is the float image value before the addition (for tracing).
 */
export function computePixel(m: KernelModel, spixel: number, fpixel: number, st: CarryState, sink: TraceSink | null, scan = false, imgBefore = 0): number {
  const os = m.oversample
  const sub = m.subpixelSize
  const ap = st.ap
  const fix = m.fix
  const fault = m.fault
  let I = m.Ibg
  let polar = m.nopolar ? 1.0 : 0.0
  let omega = 0.0
  let capture = 0.0
  // weighted sums for the Q4/Q6 fixes (the faithful accumulator I stays unchanged)
  let wCapture = 0.0
  let wPolar = 0.0
  let wOmegaPolar = 0.0
  let firstPolar = Number.NaN
  let firstOmega = Number.NaN
  const pix0x = m.pix0[0], pix0y = m.pix0[1], pix0z = m.pix0[2]
  const fx = m.fdet[0], fy = m.fdet[1], fz = m.fdet[2]
  const sx_ = m.sdet[0], sy_ = m.sdet[1], sz_ = m.sdet[2]
  const ox = m.odet[0], oy = m.odet[1], oz = m.odet[2]
  const Na = m.Na, Nb = m.Nb, Nc = m.Nc
  const shape = m.shape
  const umats = m.umats
  const useMosaic = m.mosaicSpread > 0.0
  const hkl = m.hkl
  const nSources = m.nSources
  const osOmega = m.osOmega, osThick = m.osThick, osPolar = m.osPolar
  const fixQ3 = fix.q3, fixQ4 = fix.q4, fixQ6 = fix.q6
  const sincgNoPi = fault.sincgNoPi
  const sincgOffset = fault.sincgOffset, f32acc = fault.float32Acc, perM = fault.scatteringPerM
  // partial-image faults: the second detector tile off by one pixel, the obliquity dropped at
  // high angle, F = 0 outside the hkl table
  const fIndex = fault.tileFastOffset && fpixel >= Math.floor(m.fpixels / 2) ? fpixel + 1 : fpixel
  const highAngle = fault.highAngleObliquity
  const outsideF = fault.hklOutsideZero ? 0 : m.defaultF
  const phisteps = m.phisteps, phi0 = m.phi0, phistep = m.phistep, domains = m.mosaicDomains
  const waterSize = m.waterSize, defaultF = m.defaultF
  const PI = Math.PI
  let loop: Loop = {}
  for (let thick = 0; thick < m.thicksteps; thick++) {
    const Odet = thick * m.thickstep
    if (sink) sink.value('Odet', {thick}, Odet)
    capture = m.detectorThick === 0.0 ? 1.0 : 0.0
    for (let subS = 0; subS < os; subS++) {
      for (let subF = 0; subF < os; subF++) {
        const Fdet = sub * (fIndex * os + subF) + sub / 2.0
        const Sdet = sub * (spixel * os + subS) + sub / 2.0
        let px = Fdet * fx + Sdet * sx_ + Odet * ox + pix0x
        let py = Fdet * fy + Sdet * sy_ + Odet * oy + pix0y
        let pz = Fdet * fz + Sdet * sz_ + Odet * oz + pix0z
        if (m.curved) {
          // Q13: lab y and z of the flat position drive the two rotations
          const d = m.distance
          const b = m.beam
          let qx = d * b[0], qy = d * b[1], qz = d * b[2]
          ;[qx, qy, qz] = rotAxis(qx, qy, qz, sx_, sy_, sz_, py / d)
          ;[px, py, pz] = rotAxis(qx, qy, qz, fx, fy, fz, pz / d)
        }
        const airpath = Math.sqrt(px * px + py * py + pz * pz)
        let dx = px / airpath
        let dy = py / airpath
        let dz = pz / airpath
        // the high-angle-obliquity fault: no obliquity factor where 2θ (to the beam axis) > 30°
        const dropObliquity = highAngle && dx * m.beam[0] + dy * m.beam[1] + dz * m.beam[2] < COS_30_DEG
        if (omega === 0.0 || osOmega || fixQ6) {
          if (dropObliquity) omega = ((m.pixelSize * m.pixelSize) / airpath) / airpath
          else omega = ((((m.pixelSize * m.pixelSize) / airpath) / airpath) * m.closeDistance) / airpath
          if (m.pointPixel) omega = 1.0 / airpath / airpath
        }
        if (fixQ6 && !m.nopolar) polar = 0.0
        let parallax = Number.NaN
        if (capture === 0.0 || osThick) {
          parallax = dx * ox + dy * oy + dz * oz
          capture = Math.exp((-thick * m.thickstep * m.mu) / parallax) - Math.exp((-(thick + 1) * m.thickstep * m.mu) / parallax)
        }
        if (sink) {
          loop = {thick, subS, subF}
          sink.value('Fdet', loop, Fdet)
          sink.value('Sdet', loop, Sdet)
          sink.value('pixel_pos', loop, [px, py, pz])
          sink.value('airpath', loop, airpath)
          sink.value('diffracted', loop, [dx, dy, dz])
          sink.value('obliquity', loop, dropObliquity ? 1.0 : m.closeDistance / airpath)
          sink.value('omega_pixel', loop, omega)
          sink.value('parallax', loop, dx * ox + dy * oy + dz * oz)
          sink.value('capture_fraction', loop, capture)
        }
        for (let source = 0; source < nSources; source++) {
          const ix = -m.srcX[source]
          const iy = -m.srcY[source]
          const iz = -m.srcZ[source]
          const lambda = m.srcLambda[source]
          let sx: number, sy: number, sz: number
          if (perM) {
            sx = ((dx - ix) / lambda) * 1e-10
            sy = ((dy - iy) / lambda) * 1e-10
            sz = ((dz - iz) / lambda) * 1e-10
          } else {
            sx = (dx - ix) / lambda
            sy = (dy - iy) / lambda
            sz = (dz - iz) / lambda
          }
          const stol = 0.5 * Math.sqrt(sx * sx + sy * sy + sz * sz)
          if (sink) {
            loop = {thick, subS, subF, source}
            sink.value('incident', loop, [ix, iy, iz])
            sink.value('lambda', loop, lambda)
            sink.value('scattering', loop, [sx, sy, sz])
            sink.value('stol', loop, stol)
          }
          if (m.dmin > 0 && stol > 0 && m.dmin > 0.5 / stol) continue
          // traced cos2theta: dot(incident, diffracted) as they are before the polarization call
          const cos2theta = sink ? ix * dx + iy * dy + iz * dz : 0
          if (polar === 0.0 || osPolar) {
            polarizationFactor(m.kahn, ix, iy, iz, dx, dy, dz, m.polarVec[0], m.polarVec[1], m.polarVec[2], pol)
            polar = pol[0]
            dx = pol[2]
            dy = pol[3]
            dz = pol[4]
          }
          if (Number.isNaN(firstPolar)) {
            firstPolar = polar
            firstOmega = omega
          }
          if (sink) {
            sink.value('cos2theta', loop, cos2theta)
            sink.value('polar', loop, polar)
          }
          const srcScale = m.srcTermScale[source]
          for (let phiTic = 0; phiTic < phisteps; phiTic++) {
            const phi = phi0 + phistep * phiTic
            if (phi !== 0.0) {
              rotateCell(m, phi, ap)
            } else if (fixQ3) {
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
            for (let mos = 0; mos < domains; mos++) {
              let ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number
              if (useMosaic) {
                const o = mos * 9
                const u0 = umats[o], u1 = umats[o + 1], u2 = umats[o + 2]
                const u3 = umats[o + 3], u4 = umats[o + 4], u5 = umats[o + 5]
                const u6 = umats[o + 6], u7 = umats[o + 7], u8 = umats[o + 8]
                ax = u0 * ap[0] + u1 * ap[1] + u2 * ap[2]
                ay = u3 * ap[0] + u4 * ap[1] + u5 * ap[2]
                az = u6 * ap[0] + u7 * ap[1] + u8 * ap[2]
                bx = u0 * ap[3] + u1 * ap[4] + u2 * ap[5]
                by = u3 * ap[3] + u4 * ap[4] + u5 * ap[5]
                bz = u6 * ap[3] + u7 * ap[4] + u8 * ap[5]
                cx = u0 * ap[6] + u1 * ap[7] + u2 * ap[8]
                cy = u3 * ap[6] + u4 * ap[7] + u5 * ap[8]
                cz = u6 * ap[6] + u7 * ap[7] + u8 * ap[8]
              } else {
                ax = ap[0]; ay = ap[1]; az = ap[2]
                bx = ap[3]; by = ap[4]; bz = ap[5]
                cx = ap[6]; cy = ap[7]; cz = ap[8]
              }
              const h = ax * sx + ay * sy + az * sz
              const k = bx * sx + by * sy + bz * sz
              const l = cx * sx + cy * sy + cz * sz
              const h0 = Math.ceil(h - 0.5)
              const k0 = Math.ceil(k - 0.5)
              const l0 = Math.ceil(l - 0.5)
              let Flatt: number
              let Fa = 1, Fb = 1, Fc = 1
              if (shape === SHAPE_SQUARE) {
                if (sincgNoPi) {
                  if (Na > 1) Fa = sincg(h, Na)
                  if (Nb > 1) Fb = sincg(k, Nb)
                  if (Nc > 1) Fc = sincg(l, Nc)
                } else if (sincgOffset) {
                  if (Na > 1) Fa = sincg(PI * (h - h0), Na)
                  if (Nb > 1) Fb = sincg(PI * (k - k0), Nb)
                  if (Nc > 1) Fc = sincg(PI * (l - l0), Nc)
                } else {
                  // sincg(pi*h, N) inlined
                  if (Na > 1) {
                    const x = PI * h
                    Fa = x === 0.0 ? Na : Math.sin(x * Na) / Math.sin(x)
                  }
                  if (Nb > 1) {
                    const x = PI * k
                    Fb = x === 0.0 ? Nb : Math.sin(x * Nb) / Math.sin(x)
                  }
                  if (Nc > 1) {
                    const x = PI * l
                    Fc = x === 0.0 ? Nc : Math.sin(x * Nc) / Math.sin(x)
                  }
                }
                Flatt = 1.0 * Fa * Fb * Fc
              } else if (shape === SHAPE_ROUND) {
                const hrad = (h - h0) * (h - h0) * Na * Na + (k - k0) * (k - k0) * Nb * Nb + (l - l0) * (l - l0) * Nc * Nc
                const x = Math.PI * Math.sqrt(hrad * m.fudge)
                Flatt = Na * Nb * Nc * 0.723601254558268 * (x === 0 ? 1.0 : (3.0 * (Math.sin(x) / x - Math.cos(x))) / (x * x))
              } else {
                const as = m.aStar, bs = m.bStar, cs = m.cStar
                const dh = h - h0, dk = k - k0, dl = l - l0
                const rx = dh * as[0] + dk * bs[0] + dl * cs[0]
                const ry = dh * as[1] + dk * bs[1] + dl * cs[1]
                const rz = dh * as[2] + dk * bs[2] + dl * cs[2]
                const rad = (rx * rx + ry * ry + rz * rz) * Na * Na * Nb * Nb * Nc * Nc
                if (shape === SHAPE_GAUSS) Flatt = Na * Nb * Nc * Math.exp(-((rad / 0.63) * m.fudge))
                else Flatt = Na * Nb * Nc * (rad * m.fudge < 0.3969 ? 1 : 0)
              }
              if (sink) {
                loop = {thick, subS, subF, source, phi: phiTic, mosaic: mos}
                sink.value('rot_a', loop, [ax, ay, az])
                sink.value('rot_b', loop, [bx, by, bz])
                sink.value('rot_c', loop, [cx, cy, cz])
                sink.value('hkl_frac', loop, [h, k, l])
                sink.value('hkl_rounded', loop, [cInt(h0), cInt(k0), cInt(l0)])
                if (shape === SHAPE_SQUARE) {
                  sink.value('F_latt_a', loop, Fa)
                  sink.value('F_latt_b', loop, Fb)
                  sink.value('F_latt_c', loop, Fc)
                }
                sink.value('F_latt', loop, Flatt)
              }
              if (Flatt === 0.0 && waterSize === 0.0) continue
              let Fcell = defaultF
              let mode = 'default'
              if (hkl !== null) {
                if (st.interpolate === 1) {
                  if (tricubicOutOfRange(hkl, h, k, l)) {
                    Fcell = m.defaultF
                    st.interpolate = 0
                    st.fallbackFired = true
                    if (scan) return SCAN_FIRED
                  } else if (!scan) {
                    Fcell = tricubic(hkl, h, k, l, scratch)
                    mode = 'tricubic'
                  }
                }
                if (scan) continue
                if (st.interpolate === 0) {
                  Fcell = nearestF(hkl, h0, k0, l0, outsideF)
                  mode = nearestInGrid(hkl, h0, k0, l0) ? 'nearest' : 'default'
                }
              } else if (scan) {
                continue
              }
              let term = Fcell * Fcell * Flatt * Flatt
              if (srcScale !== 1) term *= srcScale
              if (f32acc) I = Math.fround(I + term)
              else I += term
              if (osThick) I *= capture
              if (osPolar) I *= polar
              if (osOmega) I *= omega
              if (fixQ4) wCapture += capture * term
              if (fixQ6) {
                wPolar += polar * term
                wOmegaPolar += omega * polar * term
              }
              if (sink) {
                sink.value('F_cell_mode', loop, mode)
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
  let capApplied = m.osThick ? 1 : capture
  let polApplied = m.osPolar ? 1 : polar
  let omeApplied = m.osOmega ? 1 : omega
  if (fix.q4 && !m.osThick && I !== 0) capApplied = (wCapture + m.Ibg * capture) / I
  if (fix.q6 && I !== 0 && !Number.isNaN(firstPolar)) {
    const wp = wPolar + m.Ibg * firstPolar
    const wop = wOmegaPolar + m.Ibg * firstOmega * firstPolar
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
  const ux = m.spindle[0], uy = m.spindle[1], uz = m.spindle[2]
  for (let i = 0; i < 3; i++) {
    const v = i === 0 ? m.a0 : i === 1 ? m.b0 : m.c0
    const vx = v[0], vy = v[1], vz = v[2]
    const d = (ux * vx + uy * vy + uz * vz) * (1 - c)
    ap[i * 3] = ux * d + vx * c + (-uz * vy + uy * vz) * s
    ap[i * 3 + 1] = uy * d + vy * c + (uz * vx - ux * vz) * s
    ap[i * 3 + 2] = uz * d + vz * c + (-uy * vx + ux * vy) * s
  }
}
