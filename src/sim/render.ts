// Whole-image rendering in serial order, and the carried state (Q3 phi carry-over, Q8 sticky
// interpolation fallback) the serial loop would have at any pixel, so a chunk of rows or a
// single traced pixel can be computed alone with bit-identical results.
//
// Q3: ap/bp/cp change only when phi != 0, and always to rotate(a0, spindle, phi). Inside any
// pixel that evaluates at least one source (not culled by -dmin), the phi loop runs every step,
// so afterwards the state is the rotation by the LAST non-zero phi of the phi list. Hence the
// state at pixel P is: a0 if no pixel before P evaluated anything, else R(last non-zero phi).
// Q8: the fallback fires at the first term (serial order) whose fractional hkl is outside the
// interpolation range; it depends on geometry only, so a scan (the pixel loop without F_cell)
// finds that pixel once; pixels after it start with interpolate = 0.
import type {KernelModel} from './model.js'
import {computePixel, initialCarry, rotateCell, SCAN_FIRED, type CarryState} from './pixel.js'

export function pixelSelected(m: KernelModel, s: number, f: number): boolean {
  if (f < m.roiXmin || f > m.roiXmax || s < m.roiYmin || s > m.roiYmax) return false
  if (m.mask && m.mask[s * m.fpixels + f] === 0) return false
  return true
}

/** Renders rows [row0, row1) into img (float32 accumulation, as the reference); img row 0 is detector row imgRow0. */
export function renderRows(m: KernelModel, img: Float32Array, row0: number, row1: number, st: CarryState, onRow?: (row: number) => void, imgRow0 = 0): void {
  const fp = m.fpixels
  for (let s = row0; s < row1; s++) {
    if (s >= m.roiYmin && s <= m.roiYmax) {
      for (let f = 0; f < fp; f++) {
        if (f < m.roiXmin || f > m.roiXmax) continue
        const idx = s * fp + f
        if (m.mask && m.mask[idx] === 0) continue
        img[idx - imgRow0 * fp] += computePixel(m, s, f, st, null)
      }
    }
    if (onRow) onRow(s)
  }
}

/** The last non-zero phi of the phi list, or null. */
function lastNonZeroPhi(m: KernelModel): number | null {
  let last: number | null = null
  for (let t = 0; t < m.phisteps; t++) {
    const phi = m.phi0 + m.phistep * t
    if (phi !== 0.0) last = phi
  }
  return last
}

/**
 * Index (s*fpixels+f) of the first pixel in serial order that evaluates at least one source,
 * scanning up to but excluding `limit`; -1 when none does there.
 */
export function firstEvaluation(m: KernelModel, limit: number): number {
  const os = m.oversample
  const sub = m.subpixelSize
  for (let s = 0; s < m.spixels; s++) {
    for (let f = 0; f < m.fpixels; f++) {
      const idx = s * m.fpixels + f
      if (idx >= limit) return -1
      if (!pixelSelected(m, s, f)) continue
      if (!(m.dmin > 0)) return idx
      for (let t = 0; t < m.thicksteps; t++) {
        const Odet = t * m.thickstep
        for (let a = 0; a < os; a++) {
          for (let b = 0; b < os; b++) {
            const Fdet = sub * (f * os + b) + sub / 2.0
            const Sdet = sub * (s * os + a) + sub / 2.0
            const px = Fdet * m.fdet[0] + Sdet * m.sdet[0] + Odet * m.odet[0] + m.pix0[0]
            const py = Fdet * m.fdet[1] + Sdet * m.sdet[1] + Odet * m.odet[1] + m.pix0[1]
            const pz = Fdet * m.fdet[2] + Sdet * m.sdet[2] + Odet * m.odet[2] + m.pix0[2]
            if (m.curved) return idx // conservative: curved + dmin is not modelled here
            const r = Math.sqrt(px * px + py * py + pz * pz)
            const dx = px / r,
              dy = py / r,
              dz = pz / r
            for (let src = 0; src < m.nSources; src++) {
              const l = m.srcLambda[src]
              const sx = (dx + m.srcX[src]) / l
              const sy = (dy + m.srcY[src]) / l
              const sz = (dz + m.srcZ[src]) / l
              const stol = 0.5 * Math.sqrt(sx * sx + sy * sy + sz * sz)
              if (!(m.dmin > 0 && stol > 0 && m.dmin > 0.5 / stol)) return idx
            }
          }
        }
      }
    }
  }
  return -1
}

/**
 * Index (s*fpixels+f) of the pixel where the interpolation fallback fires, scanning serial
 * order up to but excluding `limit`; -1 when it does not fire there.
 */
export function fallbackPixel(m: KernelModel, limit: number): number {
  if (m.interpolate !== 1 || m.hkl === null) return -1
  const st = initialCarry(m)
  const fp = m.fpixels
  for (let s = 0; s < m.spixels; s++) {
    for (let f = 0; f < fp; f++) {
      const idx = s * fp + f
      if (idx >= limit) return -1
      if (!pixelSelected(m, s, f)) continue
      if (computePixel(m, s, f, st, null, true) === SCAN_FIRED) return idx
    }
  }
  return -1
}

/**
 * What the serial loop carries from pixel to pixel, found once (mirrors instrumented-c's
 * nb_order_scan): the first pixel that evaluates a source (Q3: after it the cell is the rotation
 * by the last non-zero phi) and the pixel where the interpolation fallback fires (Q8), both
 * scanned up to `limit` (a traced pixel needs only what comes before it).
 */
export interface OrderScan {
  firstEval: number
  fallbackAt: number
  lastPhi: number | null
}

export function orderScan(m: KernelModel, limit = Infinity): OrderScan {
  return {
    firstEval: m.fix.q3 ? -1 : firstEvaluation(m, limit),
    fallbackAt: m.interpolate === 1 && m.hkl !== null ? fallbackPixel(m, limit) : -1,
    lastPhi: lastNonZeroPhi(m),
  }
}

/** The state the serial loop has on reaching pixel index idx (mirrors nb_chunk_start). */
export function chunkStart(m: KernelModel, o: OrderScan, idx: number): CarryState {
  const st = initialCarry(m)
  if (!m.fix.q3 && o.lastPhi !== null && o.firstEval >= 0 && o.firstEval < idx) rotateCell(m, o.lastPhi, st.ap)
  if (st.interpolate === 1 && m.hkl !== null && o.fallbackAt >= 0 && o.fallbackAt < idx) st.interpolate = 0
  return st
}

/** The state the serial loop has when it reaches pixel (s,f). */
export function carryAt(m: KernelModel, s: number, f: number): CarryState {
  const idx = s * m.fpixels + f
  return chunkStart(m, orderScan(m, idx), idx)
}
