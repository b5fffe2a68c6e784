// Sizes both engines check before they allocate (issue #14): a detector, an hkl grid, mosaic
// domains, sources and phi steps too large for memory are refused with one line (exit 2)
// instead of a heap dump or a RangeError. The C engine gets the same numbers from the generated
// instrumented-c/src/flags_gen.h.
import {InputError} from '../util/errors.js'

/** Most pixels an image may have: the float image alone is 4 bytes a pixel (the C engine holds more). */
export const MAX_PIXELS = 1 << 28
/** Most structure-factor grid nodes ((h range+1)(k range+1)(l range+1) doubles). */
export const MAX_HKL_NODES = 1 << 27
/** Most mosaic domains (9 doubles each, plus their draws). */
export const MAX_DOMAINS = 1 << 20
/** Most beam sources before the round-divergence trim (hdivsteps x vdivsteps x dispsteps). */
export const MAX_SOURCES = 1 << 20
/** Most phi steps (three rotated cell vectors each, C engine). */
export const MAX_PHISTEPS = 1 << 20

const gib = (bytes: number): string => {
  const g = bytes / 2 ** 30
  return g >= 1e3 ? g.toExponential(2) : g.toFixed(1)
}

/** Refuses a detector whose image cannot be allocated, before allocating it. */
export function checkPixelCount(fpixels: number, spixels: number, field = '-detpixels'): void {
  const n = fpixels * spixels
  if (!(n <= MAX_PIXELS)) {
    throw new InputError(
      `detector of ${fpixels}x${spixels} pixels is too large: its float image alone needs ${gib(n * 4)} GiB (limit ${MAX_PIXELS} pixels, ${(MAX_PIXELS * 4) / 2 ** 30} GiB)`,
      {field},
    )
  }
}

/** Refuses a count above its limit: `what` names it, `field` the flag that set it. */
export function checkCount(n: number, limit: number, what: string, field: string, bytesEach: number, file?: string): void {
  if (!(n <= limit)) {
    const count = Number.isFinite(n) && n < 1e15 ? String(n) : n.toPrecision(3)
    throw new InputError(`${what}: ${count} is too many (limit ${limit}; each needs ${bytesEach} bytes)`, {field, file})
  }
}
