// Flag values every command reads the same way: a pixel (SLOW,FAST) and an image size (FASTxSLOW).
import {InputError} from './errors.js'

export interface PixelIndex {
  slow: number
  fast: number
}

function index(text: string, digits: string, field: string, what: string): number {
  const v = Number(digits)
  if (!Number.isSafeInteger(v)) throw new InputError(`${what} index ${digits} is too large, got "${text}"`, {field})
  return v
}

/** `S,F`: slow, fast (non-negative integers). */
export function parsePixel(text: string, field: string): PixelIndex {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text)
  if (!m) throw new InputError(`expected SLOW,FAST (two non-negative integers, e.g. 512,300), got "${text}"`, {field})
  return {slow: index(text, m[1], field, 'slow'), fast: index(text, m[2], field, 'fast')}
}

/** `FxS` (fast x slow, `,` also accepted), each at least 1. */
export function parseSize(text: string, field: string): {fast: number; slow: number} {
  const m = /^\s*(\d+)\s*[xX,]\s*(\d+)\s*$/.exec(text)
  if (!m) throw new InputError(`expected FASTxSLOW (e.g. 1024x1024), got "${text}"`, {field})
  const fast = index(text, m[1], field, 'fast')
  const slow = index(text, m[2], field, 'slow')
  if (fast < 1 || slow < 1) throw new InputError(`sizes must be at least 1, got "${text}"`, {field})
  return {fast, slow}
}
