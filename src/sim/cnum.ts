// C's number conversions as nanoBragg uses them (atof/atoi on argv and file text, (int) casts).

/** C atof: longest valid leading decimal/inf/nan prefix after whitespace, 0 when none. */
export function atof(s: string | undefined): number {
  if (s === undefined) return 0
  const t = s.replace(/^[\s]+/, '')
  const m = /^[+-]?(?:inf(?:inity)?|nan)/i.exec(t)
  if (m) {
    const neg = m[0][0] === '-'
    if (/nan/i.test(m[0])) return Number.NaN
    return neg ? -Infinity : Infinity
  }
  const d = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(t)
  return d ? Number(d[0]) : 0
}

/** C atoi: leading integer, 0 when none, wrapped to 32 bits (garbage in, garbage out). */
export function atoi(s: string | undefined): number {
  if (s === undefined) return 0
  const m = /^\s*([+-]?\d+)/.exec(s)
  if (!m) return 0
  return Number(m[1]) | 0
}

/** C (int) conversion of a double on x86-64: truncation, INT_MIN when out of range or NaN. */
export function cInt(x: number): number {
  return x >= -2147483648 && x < 2147483648 ? Math.trunc(x) | 0 : -2147483648
}
