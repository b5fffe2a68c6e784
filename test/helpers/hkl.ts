// HKL tables the tests write (nanoBragg's four-column text format).

/** Every h, k, l in [-n, n] with F = 50: pixels whose nearest hkl is of a higher order fall outside it. */
export function lowOrderHkl(n: number): string {
  const rows: string[] = []
  for (let h = -n; h <= n; h++) for (let k = -n; k <= n; k++) for (let l = -n; l <= n; l++) rows.push(`${h} ${k} ${l} 50`)
  return rows.join('\n') + '\n'
}
