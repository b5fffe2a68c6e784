// Printed values as logs write them: `1 2 3`, `[1.0, 2.0, 3.0]`, `[a b c; d e f; g h i]`,
// python lists, numpy and torch reprs (`np.float64(0.1)`, `array([...])`,
// `tensor([...], dtype=torch.float64)`), C's inf/-inf/nan/-nan, an optional unit after the
// numbers and an optional norm (`|v| = 0.1 m`, whose unit is the vector's). Everything is read
// by a character scanner: no regular expression that can backtrack on a long line.

export interface PrintedValue {
  nums: number[]
  /** the unit text after the numbers (or after the norm), null when none */
  unit: string | null
  /** the first token that is neither a number nor part of a unit, null when the text is clean */
  bad: string | null
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** A printed number: decimal with optional exponent, or inf/infinity/nan (any case, signed). */
export function parseLegacyNumber(tok: string): number | undefined {
  const t = tok.trim()
  const n = t.length
  if (n === 0 || n > 64) return undefined
  let i = 0
  const sign = t.charCodeAt(0) === 45 ? -1 : 1
  if (t.charCodeAt(0) === 43 || t.charCodeAt(0) === 45) i++
  const word = t.slice(i).toLowerCase()
  if (word === 'inf' || word === 'infinity') return sign * Infinity
  if (word === 'nan') return Number.NaN
  let digits = 0
  while (i < n && isDigit(t.charCodeAt(i))) {
    i++
    digits++
  }
  if (i < n && t.charCodeAt(i) === 46) {
    i++
    while (i < n && isDigit(t.charCodeAt(i))) {
      i++
      digits++
    }
  }
  if (digits === 0) return undefined
  if (i < n && (t.charCodeAt(i) === 101 || t.charCodeAt(i) === 69)) {
    i++
    if (i < n && (t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45)) i++
    let e = 0
    while (i < n && isDigit(t.charCodeAt(i))) {
      i++
      e++
    }
    if (e === 0) return undefined
  }
  if (i !== n) return undefined
  const v = Number(t)
  // a finite literal too large for a double is not a value any program printed
  return Number.isFinite(v) ? v : undefined
}

const SEP = new Set([' ', '\t', ',', ';', '[', ']', '(', ')', '{', '}'])

/** Tokens of a value text, without wrapper calls (`array(`, `np.float64(`) and keyword arguments (`dtype=…`). */
function tokens(text: string): string[] {
  const out: string[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    if (SEP.has(text[i])) {
      i++
      continue
    }
    let j = i
    while (j < n && !SEP.has(text[j])) j++
    const tok = text.slice(i, j)
    i = j
    if (text[j] === '(' && /^[A-Za-z_]/.test(tok)) continue // a wrapper call: np.float64(, array(, tensor(
    if (tok.includes('=') && /^[A-Za-z_]/.test(tok)) continue // dtype=torch.float64, device='cpu'
    out.push(tok)
  }
  return out
}

/** Splits a printed value into numbers and a unit. */
export function parseLegacyValues(text: string): PrintedValue {
  let body = text
  let unit: string | null = null
  const bar = text.indexOf('|')
  if (bar >= 0) {
    // `v |v| = n unit`: the unit after the norm is the vector's
    const close = text.indexOf('|', bar + 1)
    const eq = close >= 0 ? text.indexOf('=', close + 1) : -1
    if (eq < 0) return {nums: [], unit: null, bad: text.slice(bar, bar + 20)}
    const after = tokens(text.slice(eq + 1))
    if (after.length === 0 || parseLegacyNumber(after[0]) === undefined) return {nums: [], unit: null, bad: after[0] ?? '|'}
    if (after.length > 1) unit = after.slice(1).join(' ')
    body = text.slice(0, bar)
  }
  const toks = tokens(body)
  const nums: number[] = []
  for (let i = 0; i < toks.length; i++) {
    const v = parseLegacyNumber(toks[i])
    if (v !== undefined) {
      nums.push(v)
      continue
    }
    if (nums.length > 0) {
      const rest = toks.slice(i).join(' ')
      if (unit === null) unit = rest
      else if (rest !== unit) return {nums, unit, bad: rest}
      break
    }
    return {nums, unit, bad: toks[i]}
  }
  return {nums, unit, bad: null}
}
