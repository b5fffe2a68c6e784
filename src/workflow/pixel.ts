import type {Pixel} from '../trace/records.js'
import {InputError} from '../util/errors.js'

/** `S,F` (slow, fast), `auto`, or nothing. */
export function parsePixelFlag(s: string | undefined): Pixel | 'auto' | null {
  if (s === undefined) return null
  if (s === 'auto') return 'auto'
  const m = s.match(/^(\d+),(\d+)$/)
  if (!m) throw new InputError(`expected SLOW,FAST (two non-negative integers) or auto, found ${JSON.stringify(s)}`, {field: '--pixel'})
  return {slow: Number(m[1]), fast: Number(m[2])}
}
