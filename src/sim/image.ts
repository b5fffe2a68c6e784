// Outputs (docs/ts-engine.md#outputs): raw float image, SMV int and noise images with the reference's
// header, PGM; plus the statistics the reference prints.
import type {Model} from './model.js'
import {Deviates, type Seed} from './rng.js'

/** C printf("%g"). */
export function fmtG(x: number, prec = 6): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  const P = prec === 0 ? 1 : prec
  const exp = Number(x.toExponential(P - 1).split('e')[1])
  if (exp < -4 || exp >= P) {
    const parts = x.toExponential(P - 1).split('e')
    let mant = parts[0]
    const e = parts[1]
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '')
    const en = Number(e)
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`
  }
  let s = x.toFixed(Math.max(0, P - 1 - exp))
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '')
  return s
}

export interface ImageStats {
  maxI: number
  maxIx: number
  maxIy: number
  sum: number
  sumsq: number
  count: number
  mean: number
  rms: number
  rmsd: number
}

/**
 * The statistics upstream prints and scales with: maximum, sum and mean over the pixels it
 * rendered (ROI, mask zeros skipped); the rms deviation from that mean over every ROI pixel,
 * masked ones included; counts below 2 taken as 2 in the divisions (count - 1).
 */
export function imageStats(m: Model, img: Float32Array): ImageStats {
  const k = m.kernel
  let maxI = 0
  let maxIx = 0
  let maxIy = 0
  let sum = 0
  let sumsq = 0
  let count = 0
  const os = k.oversample
  for (let s = 0; s < k.spixels; s++) {
    if (s < k.roiYmin || s > k.roiYmax) continue
    for (let f = 0; f < k.fpixels; f++) {
      if (f < k.roiXmin || f > k.roiXmax) continue
      const idx = s * k.fpixels + f
      if (k.mask && k.mask[idx] === 0) continue
      const v = img[idx]
      if (v > maxI) {
        maxI = v
        maxIx = k.subpixelSize * (f * os + os - 1) + k.subpixelSize / 2.0
        maxIy = k.subpixelSize * (s * os + os - 1) + k.subpixelSize / 2.0
      }
      sum += v
      sumsq += v * v
      count++
    }
  }
  const mean = sum / (count <= 0 ? 1 : count)
  const rms = Math.sqrt(sumsq / ((count <= 1 ? 2 : count) - 1))
  let dev = 0
  let n2 = 0
  for (let s = 0; s < k.spixels; s++) {
    if (s < k.roiYmin || s > k.roiYmax) continue
    for (let f = 0; f < k.fpixels; f++) {
      if (f < k.roiXmin || f > k.roiXmax) continue
      const d = img[s * k.fpixels + f] - mean
      dev += d * d
      n2++
    }
  }
  const rmsd = Math.sqrt(dev / ((n2 <= 1 ? 2 : n2) - 1))
  return {maxI, maxIx, maxIy, sum, sumsq, count, mean, rms, rmsd}
}

export function floatFileBytes(img: Float32Array): Uint8Array {
  const out = new Uint8Array(img.length * 4)
  const dv = new DataView(out.buffer)
  for (let i = 0; i < img.length; i++) dv.setFloat32(i * 4, img[i], true)
  return out
}

export function smvHeader(m: Model): string {
  const g = m.geometry
  const pixMm = g.pixelSize * 1000
  const mm = (v: number): string => fmtG(v * 1000)
  const p = m.parsed
  const RTD = 180.0 * (1 / Math.PI)
  let h = '{\nHEADER_BYTES=512;\nDIM=2;\nBYTE_ORDER=little_endian;\nTYPE=unsigned_short;\n'
  h += `SIZE1=${g.fpixels};\nSIZE2=${g.spixels};\nPIXEL_SIZE=${fmtG(pixMm)};\nDISTANCE=${mm(g.distance)};\n`
  h += `WAVELENGTH=${fmtG(m.lambda0 * 1e10)};\nBEAM_CENTER_X=${mm(g.Xbeam)};\nBEAM_CENTER_Y=${mm(g.Ybeam)};\n`
  h += `ADXV_CENTER_X=${mm(g.Fbeam)};\nADXV_CENTER_Y=${mm(g.detsizeS - g.Sbeam)};\n`
  h += `MOSFLM_CENTER_X=${mm(g.Sbeam - 0.5 * g.pixelSize)};\nMOSFLM_CENTER_Y=${mm(g.Fbeam - 0.5 * g.pixelSize)};\n`
  h += `DENZO_X_BEAM=${mm(g.Sbeam)};\nDENZO_Y_BEAM=${mm(g.Fbeam)};\n`
  h += `DIALS_ORIGIN=${fmtG(g.dialsOrigin[0])},${fmtG(g.dialsOrigin[1])},${fmtG(g.dialsOrigin[2])}\n`
  h += `XDS_ORGX=${fmtG(g.ORGX)};\nXDS_ORGY=${fmtG(g.ORGY)};\nCLOSE_DISTANCE=${mm(g.closeDistance)};\n`
  h += `PHI=${fmtG(p.phi0 * RTD)};\nOSC_START=${fmtG(p.phi0 * RTD)};\nOSC_RANGE=${fmtG(m.osc * RTD)};\n`
  h += `TWOTHETA=${fmtG(g.twotheta * RTD)};\nDETECTOR_SN=000;\nBEAMLINE=fake;\n}\f`
  // padded to 512 bytes, or longer when the numbers need more room (upstream never truncates it)
  return h.padEnd(512, ' ')
}

function smvBytes(header: string, data: Uint16Array): Uint8Array {
  const hb = Buffer.from(header, 'latin1')
  const out = new Uint8Array(hb.length + data.length * 2)
  out.set(hb)
  const dv = new DataView(out.buffer)
  for (let i = 0; i < data.length; i++) dv.setUint16(hb.length + 2 * i, data[i], true)
  return out
}

function inRoi(m: Model, idx: number): boolean {
  const k = m.kernel
  const s = Math.floor(idx / k.fpixels)
  const f = idx - s * k.fpixels
  return f >= k.roiXmin && f <= k.roiXmax && s >= k.roiYmin && s <= k.roiYmax
}

export function intScale(m: Model, stats: ImageStats): number {
  const user = m.parsed.intfileScale
  if (user > 0) return user
  return stats.maxI > 0 ? 55000.0 / stats.maxI : 1.0
}

/** Noiseless SMV: floorf((float)(p*scale + adc + 0.5)) clamped to [0, 65535]. */
export function intImage(m: Model, img: Float32Array, scale: number): Uint8Array {
  const data = new Uint16Array(img.length)
  const adc = m.parsed.adcOffset
  for (let i = 0; i < img.length; i++) {
    if (!inRoi(m, i)) continue
    let t = img[i] * scale + adc
    if (t < 0.0) t = 0.0
    if (t > 65535.0) t = 65535.0
    data[i] = Math.floor(Math.fround(t + 0.5))
  }
  return smvBytes(smvHeader(m), data)
}

/** Poisson-noise SMV: one poidev per ROI pixel in row-major order. */
export function noiseImage(m: Model, img: Float32Array, seed: Seed): {bytes: Uint8Array; overloads: number} {
  const data = new Uint16Array(img.length)
  const dev = new Deviates(m.rng)
  const adc = m.parsed.adcOffset
  let overloads = 0
  for (let i = 0; i < img.length; i++) {
    if (!inRoi(m, i)) continue
    let t = dev.poidev(img[i], seed) + adc
    if (t > 65535.0) {
      t = 65535.0
      overloads++
    }
    data[i] = t < 0 ? 0 : Math.trunc(t)
  }
  return {bytes: smvBytes(smvHeader(m), data), overloads}
}

export function pgmImage(m: Model, img: Float32Array, stats: ImageStats, intscale: number): Uint8Array {
  const k = m.kernel
  let scale = m.parsed.pgmScale
  if (scale <= 0) scale = stats.rmsd > 0 ? 250.0 / (5 * stats.rmsd) : intscale
  const head = `P5\n${k.fpixels} ${k.spixels}\n# pixels scaled by ${fmtG(scale)}\n255\n`
  const hb = Buffer.from(head, 'latin1')
  const out = new Uint8Array(hb.length + img.length)
  out.set(hb)
  for (let i = 0; i < img.length; i++) {
    let v = img[i] * scale
    if (v > 255) v = 255
    out[hb.length + i] = v > 0 ? Math.trunc(v) : 0
  }
  return out
}
