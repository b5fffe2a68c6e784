// A region of interest around the traced pixel, for external programs that compute the whole
// image to trace one pixel (upstream nanoBragg instrumented with nbtrace.h does). It is used
// only where it provably leaves the pixel's value as the full image computes it. nanoBragg's
// pixel loop resets its per-pixel caches (polarization, solid angle, capture fraction) at every
// pixel; what it carries from one pixel to the next is:
//  * the phi-rotated cell when a phi step is exactly 0 (quirk Q3): that step reuses the rotation
//    of the previous evaluation, which can be the previous pixel's, and every earlier pixel
//    decides which it is (the very first evaluation of a run sees the unrotated cell) — no ROI;
//  * the tricubic interpolation switch (quirk Q8): the first lookup outside the hkl grid anywhere
//    earlier turns interpolation off for the rest of the run — no ROI while it is on;
//  * the polarization axis, normalized in place at every call: the ROI also holds the pixel just
//    before the traced one in serial order, so the axis has been through a call as in the full
//    image (the C engine's single-pixel mode relies on the same); this needs that pixel to call
//    it, which a mask or a resolution limit (-dmin) can prevent — no ROI then.
// The faithful model of the configuration (the TypeScript engine's set-up) answers each question.
import type {PixelIndex} from '../util/parse.js'
import {buildModel} from './ports.js'

export type RoiBox = [number, number, number, number]

export type RoiDecision = {ok: true; box: RoiBox; why: string} | {ok: false; why: string}

export function roiFor(args: string[], cwd: string, pixel: PixelIndex): RoiDecision {
  let k
  try {
    k = buildModel(args, {cwd, timeSeed: 0}).kernel
  } catch (e) {
    return {ok: false, why: `the configuration's set-up could not be checked (${(e as Error).message.split('\n')[0]})`}
  }
  const {slow, fast} = pixel
  if (slow < 0 || fast < 0 || slow >= k.spixels || fast >= k.fpixels) return {ok: false, why: 'the pixel is outside the detector'}
  if (k.roiXmin !== 0 || k.roiYmin !== 0 || k.roiXmax < k.fpixels - 1 || k.roiYmax < k.spixels - 1)
    return {ok: false, why: 'the arguments already restrict the image with -roi'}
  const phis = Array.from({length: k.phisteps}, (_, t) => k.phi0 + k.phistep * t)
  if (phis.some((p) => p === 0.0) && phis.some((p) => p !== 0.0)) {
    return {
      ok: false,
      why: 'state carried from the previous pixel forbids it: a phi step at exactly 0° reuses the rotation of the previous evaluation (the phi carry-over quirk, Q3), which earlier pixels decide',
    }
  }
  if (k.hkl !== null && k.interpolate === 1) {
    return {
      ok: false,
      why: 'state carried from earlier pixels forbids it: tricubic interpolation is on, and the first lookup outside the hkl grid anywhere earlier turns it off for the rest of the run (quirk Q8)',
    }
  }
  const polar = !k.nopolar || k.osPolar
  if (polar && (k.mask !== null || k.dmin > 0)) {
    return {
      ok: false,
      why: `the polarization axis is normalized in place at every call, and with ${k.mask !== null ? 'a mask' : '-dmin'} the pixel before this one may not call it: its state could differ from the full image's`,
    }
  }
  let box: RoiBox
  if (fast > 0) box = [fast - 1, fast, slow, slow]
  else if (slow > 0) box = [0, k.fpixels - 1, slow - 1, slow]
  else box = [0, 0, 0, 0]
  const why = polar
    ? 'nothing but the polarization axis is carried between pixels here (no phi step at 0°, no tricubic interpolation); the pixel before this one is included so the axis is as the full image leaves it'
    : 'nothing is carried between pixels here (no phi step at 0°, no tricubic interpolation, no polarization call)'
  return {ok: true, box, why}
}

/** -roi xmin xmax ymin ymax (fast, then slow; inclusive). */
export const roiArgs = (b: RoiBox): string[] => ['-roi', ...b.map(String)]
