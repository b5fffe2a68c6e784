// Number formatting for reports and evidence text: six significant digits, exponent form outside
// [1e-4, 1e7), -0 kept, vectors in brackets.
export const fmt = (x: unknown): string => {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) return String(x)
    if (x === 0) return Object.is(x, -0) ? '-0' : '0'
    const a = Math.abs(x)
    return a >= 1e-4 && a < 1e7 ? String(Number(x.toPrecision(6))) : x.toExponential(4).replace(/\.?0+e/, 'e')
  }
  if (Array.isArray(x)) return '[' + x.map(fmt).join(', ') + ']'
  return String(x)
}
