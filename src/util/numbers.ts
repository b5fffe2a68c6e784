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

/** Shares closer than this to 0 or 1 are float round-off of sums of shares, not a real remainder. */
const SHARE_ROUNDOFF = 1e-9

/**
 * A share (0..1) as a percentage for people: 3 significant digits at most, "0%" and "100%" only
 * when the share is (to round-off) exactly that, and never "100%" for a share that is not all:
 * 99.95–100 prints as 99.9%.
 */
export function percent(x: number | null): string {
  if (x === null) return 'n/a'
  if (Math.abs(x) < SHARE_ROUNDOFF) return '0%'
  if (Math.abs(x - 1) < SHARE_ROUNDOFF) return '100%'
  const v = 100 * x
  if (v >= 99.95 && v < 100) return '99.9%'
  const a = Math.abs(v)
  return `${a >= 10 ? v.toFixed(1) : a >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}%`.replace(/\.0%$/, '%')
}
