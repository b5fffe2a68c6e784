// Detector conventions, pivots (quirk Q2), rotations, pix0 and distances (docs/ts-engine.md#conventions,
// #detector-geometry).
import type {Convention, ParsedArgs, Pivot} from './cli.js'
import {cross, dot, magnitude, rotate, rotateAxis, unitize, type Vec3} from './vector.js'

export interface DetectorGeometry {
  convention: Convention
  pivot: Pivot
  beam: Vec3
  polar: Vec3
  spindle: Vec3
  vert: Vec3
  twothetaAxis: Vec3
  rot: Vec3
  twotheta: number
  fdet: Vec3
  sdet: Vec3
  odet: Vec3
  /** pivot offsets and distance used to place pix0 (before rotations) */
  pivotF: number
  pivotS: number
  pivotDistance: number
  pix0: Vec3
  closeDistance: number
  distance: number
  ratio: number
  Fbeam: number
  Sbeam: number
  Fclose: number
  Sclose: number
  ORGX: number
  ORGY: number
  Xbeam: number
  Ybeam: number
  Xclose: number
  Yclose: number
  dialsOrigin: Vec3
  fpixels: number
  spixels: number
  detsizeF: number
  detsizeS: number
  pixelSize: number
  warnings: string[]
}

export interface GeometryFaults {
  beamCenterHalfPixel?: boolean
  twothetaAxisSign?: boolean
  pix0InMm?: boolean
}

/** Detector size, beam/near-point defaults, conventions and unit vectors (docs/ts-engine.md#set-up), then the geometry. */
export function detectorGeometry(p: ParsedArgs, faults: GeometryFaults = {}): DetectorGeometry {
  const warnings: string[] = []
  const pix = p.pixelSize
  let detsizeF = p.detsizeF
  let detsizeS = p.detsizeS
  if (p.fpixels) detsizeF = pix * p.fpixels
  if (p.spixels) detsizeS = pix * p.spixels
  const fpixels = Math.ceil(detsizeF / pix - 0.5)
  const spixels = Math.ceil(detsizeS / pix - 0.5)

  let Fclose = Number.isNaN(p.ORGX) ? detsizeF / 2.0 : (p.ORGX - 0.5) * pix
  let Sclose = Number.isNaN(p.ORGY) ? detsizeS / 2.0 : (p.ORGY - 0.5) * pix
  const Xclose = Number.isNaN(p.Xclose) ? Fclose : p.Xclose
  const Yclose = Number.isNaN(p.Yclose) ? Sclose : p.Yclose
  let Fbeam = Fclose
  let Sbeam = Sclose
  let Xbeam = p.Xbeam
  let Ybeam = p.Ybeam

  let beam: Vec3 = p.beamVector.slice() as Vec3
  let fdet: Vec3 = p.fdetVector.slice() as Vec3
  let sdet: Vec3 = p.sdetVector.slice() as Vec3
  let odet: Vec3 = p.odetVector.slice() as Vec3
  let polar: Vec3 = p.polarVector.slice() as Vec3
  let spindle: Vec3 = p.spindleVector.slice() as Vec3
  let tta: Vec3 = p.twothetaAxis.slice() as Vec3
  let pivot: Pivot = p.pivot
  const conv = p.convention
  if (conv === 'MOSFLM' || conv === 'DENZO') {
    beam = [1, 0, 0]
    odet = [1, 0, 0]
    fdet = [0, 0, 1]
    sdet = [0, -1, 0]
    tta = [0, 0, -1]
    polar = [0, 0, 1]
    spindle = [0, 0, 1]
    if (Number.isNaN(Xbeam)) Xbeam = (detsizeS + pix) / 2.0
    if (Number.isNaN(Ybeam)) Ybeam = (detsizeF + pix) / 2.0
    if (conv === 'MOSFLM') {
      Fbeam = Ybeam + 0.5 * pix
      Sbeam = Xbeam + 0.5 * pix
    } else {
      Fbeam = Ybeam
      Sbeam = Xbeam
    }
    pivot = 'beam'
  } else if (conv === 'ADXV') {
    beam = [0, 0, 1]
    odet = [0, 0, 1]
    fdet = [1, 0, 0]
    sdet = [0, -1, 0]
    tta = [-1, 0, 0]
    polar = [1, 0, 0]
    spindle = [1, 0, 0]
    if (Number.isNaN(Xbeam)) Xbeam = (detsizeF + pix) / 2.0
    if (Number.isNaN(Ybeam)) Ybeam = (detsizeS - pix) / 2.0
    Fbeam = Xbeam
    Sbeam = detsizeS - Ybeam
    pivot = 'beam'
  } else if (conv === 'XDS' || conv === 'DIALS') {
    beam = [0, 0, 1]
    odet = [0, 0, 1]
    fdet = [1, 0, 0]
    if (conv === 'XDS') {
      sdet = [0, 1, 0]
      tta = [1, 0, 0]
      polar = [1, 0, 0]
      spindle = [1, 0, 0]
    } else {
      sdet = [0, 1, 0]
      tta = [0, 1, 0]
      polar = [0, 1, 0]
      spindle = [0, 1, 0]
    }
    if (Number.isNaN(Xbeam)) Xbeam = Xclose
    if (Number.isNaN(Ybeam)) Ybeam = Yclose
    Fbeam = Xbeam
    Sbeam = Ybeam
    pivot = 'sample'
  } else {
    // CUSTOM
    if (Number.isNaN(Xbeam)) Xbeam = Xclose
    if (Number.isNaN(Ybeam)) Ybeam = Yclose
    Fbeam = Xbeam
    Sbeam = Ybeam
    Fclose = Xbeam
    Sclose = Ybeam
  }
  if (faults.twothetaAxisSign) tta = [-tta[0], -tta[1], -tta[2]]

  beam = unitize(beam)
  fdet = unitize(fdet)
  sdet = unitize(sdet)
  const odetLen = magnitude(odet)
  odet = unitize(odet)
  if (odetLen !== 1.0) {
    odet = unitize(cross(fdet, sdet))
    warnings.push('odet_vector was not a unit vector: replaced by fdet x sdet')
  }
  polar = unitize(polar)
  spindle = unitize(spindle)
  const vert = unitize(cross(beam, polar))

  // docs/ts-engine.md#detector-geometry
  const rx = p.detectorRotx
  const ry = p.detectorRoty
  const rz = p.detectorRotz
  const tt = p.detectorTwotheta
  const vector = rotate(odet, rx, ry, rz)
  let ratio = dot(beam, vector)
  if (ratio === 0) ratio = 2.2250738585072014e-308 // DBL_MIN
  let closeDistance = p.closeDistance
  let distance = p.distance
  if (Number.isNaN(closeDistance)) closeDistance = Math.abs(ratio * distance)
  distance = closeDistance / ratio

  const halfPix = faults.beamCenterHalfPixel ? 0.5 * pix : 0
  let pix0: Vec3
  let pivotF: number, pivotS: number, pivotDistance: number
  if (pivot === 'sample') {
    pivotF = Fclose + halfPix
    pivotS = Sclose
    pivotDistance = closeDistance
    pix0 = [
      -pivotF * fdet[0] - pivotS * sdet[0] + pivotDistance * odet[0],
      -pivotF * fdet[1] - pivotS * sdet[1] + pivotDistance * odet[1],
      -pivotF * fdet[2] - pivotS * sdet[2] + pivotDistance * odet[2],
    ]
    pix0 = rotate(pix0, rx, ry, rz)
    pix0 = rotateAxis(pix0, tta, tt)
  } else {
    pivotF = Fbeam + halfPix
    pivotS = Sbeam
    pivotDistance = distance
    pix0 = [0, 0, 0]
  }
  fdet = rotateAxis(rotate(fdet, rx, ry, rz), tta, tt)
  sdet = rotateAxis(rotate(sdet, rx, ry, rz), tta, tt)
  odet = rotateAxis(rotate(odet, rx, ry, rz), tta, tt)
  if (pivot === 'beam') {
    pix0 = [
      -pivotF * fdet[0] - pivotS * sdet[0] + pivotDistance * beam[0],
      -pivotF * fdet[1] - pivotS * sdet[1] + pivotDistance * beam[1],
      -pivotF * fdet[2] - pivotS * sdet[2] + pivotDistance * beam[2],
    ]
  }
  if (faults.pix0InMm) pix0 = [pix0[0] * 1000, pix0[1] * 1000, pix0[2] * 1000]
  Fclose = -dot(pix0, fdet)
  Sclose = -dot(pix0, sdet)
  closeDistance = dot(pix0, odet)
  const d = closeDistance / ratio
  const nv: Vec3 = [d * beam[0] - pix0[0], d * beam[1] - pix0[1], d * beam[2] - pix0[2]]
  Fbeam = dot(fdet, nv)
  Sbeam = dot(sdet, nv)
  distance = closeDistance / ratio
  const ORGX = Fclose / pix + 0.5
  const ORGY = Sclose / pix + 0.5
  const dialsOrigin: Vec3 = [1000 * dot(pix0, [0, 0, 1]), 1000 * dot(pix0, [0, 1, 0]), 1000 * dot(pix0, [-1, 0, 0])]
  return {
    convention: conv,
    pivot,
    beam,
    polar,
    spindle,
    vert,
    twothetaAxis: tta,
    rot: [rx, ry, rz],
    twotheta: tt,
    fdet,
    sdet,
    odet,
    pivotF,
    pivotS,
    pivotDistance,
    pix0,
    closeDistance,
    distance,
    ratio,
    Fbeam,
    Sbeam,
    Fclose,
    Sclose,
    ORGX,
    ORGY,
    Xbeam,
    Ybeam,
    Xclose,
    Yclose,
    dialsOrigin,
    fpixels,
    spixels,
    detsizeF,
    detsizeS,
    pixelSize: pix,
    warnings,
  }
}
