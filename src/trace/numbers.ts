// Exact number encoding for traces. Finite doubles are JSON numbers in shortest round-trip
// form (what JavaScript prints), -0 is written as -0, and non-finite values are the strings
// "NaN", "Infinity" and "-Infinity". Decoding is the exact inverse.

export const NON_FINITE = ['NaN', 'Infinity', '-Infinity'] as const

/** Text of one double inside a JSON document. */
export function encodeNumber(x: number): string {
  if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : String(x)
  if (Number.isNaN(x)) return '"NaN"'
  return x > 0 ? '"Infinity"' : '"-Infinity"'
}

/** Parsed JSON value of a number slot back to a double; undefined when it is not a number slot. */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (v === 'NaN') return Number.NaN
  if (v === 'Infinity') return Number.POSITIVE_INFINITY
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY
  return undefined
}

/** Serializes a value (number, string, array, plain object) with exact doubles; objects keep insertion order. */
export function encodeJson(v: unknown): string {
  if (typeof v === 'number') return encodeNumber(v)
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return '[' + v.map(encodeJson).join(',') + ']'
  if (typeof v === 'object') {
    const parts: string[] = []
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue
      parts.push(JSON.stringify(k) + ':' + encodeJson(x))
    }
    return '{' + parts.join(',') + '}'
  }
  throw new TypeError(`cannot encode ${typeof v}`)
}

/** Canonical JSON: keys sorted, no whitespace, exact doubles. The config hash is SHA-256 of this text. */
export function canonicalJson(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}'
  }
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']'
  return encodeJson(v)
}
