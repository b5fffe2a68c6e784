// Synthetic trace pairs for benchmarks: realistic per-term records in loop order.
import {makeHeader} from '../src/trace/header.js'
import {AtomicStream} from '../src/util/atomic.js'
import {encodeRecord} from '../src/trace/writer.js'

/**
 * Writes a trace of about n value records (mosaic-level records of a big loop nest); optionally
 * perturbs one record near the end (`perturbAt`: its position in loop order). `order: 'variable'`
 * writes the same records (same values, same loop coordinates) variable by variable, as a
 * vectorized port would: every rot_a, then every hkl_frac, … (seq renumbered in file order).
 */
export async function generateTrace(file: string, n: number, opts: {perturbAt?: number; order?: 'loop' | 'variable'} = {}): Promise<number> {
  const out = new AtomicStream(file)
  out.write(encodeRecord(makeHeader({producer: {name: 'bench', version: '0', precision: 'float64'}, pixel: {slow: 1, fast: 2}, args: [], config: null})) + '\n')
  let seq = 0
  const names = ['rot_a', 'hkl_frac', 'F_latt', 'F_cell', 'I_term', 'I_sum'] as const
  const N = names.length
  // I_sum of iteration i is the running sum of h² up to i, whatever the emission order
  const sums = opts.order === 'variable' ? new Float64Array(Math.ceil(n / N)) : null
  if (sums) {
    let sum = 0
    for (let i = 0; i * N + N - 1 < n; i++) {
      const h = Math.sin((i * N + N - 1) * 1e-3) * 3
      sums[i] = sum += h * h
    }
  }
  let sum = 0
  const emit = async (i: number, j: number): Promise<void> => {
    const ls = i * N + j // position in loop order
    const loop = {thick: 0, subS: 0, subF: 0, source: Math.floor(i / 100), phi: Math.floor(i / 10) % 10, mosaic: i % 10}
    const h = Math.sin(ls * 1e-3) * 3
    const name = names[j]
    let value: number | number[]
    if (name === 'rot_a' || name === 'hkl_frac') value = [h, h * 0.5 + 1e-3, -h * 0.25]
    else if (name === 'I_sum') value = sums ? sums[i] : (sum += h * h)
    else value = h * 7.5 + 1
    if (ls === opts.perturbAt) value = Array.isArray(value) ? value.map((x) => x * 1.001) : value * 1.001
    const ok = out.write(encodeRecord({type: 'value', seq, name, loop, value}) + '\n')
    seq++
    if (!ok) await new Promise<void>((r) => out.stream.once('drain', () => r()))
  }
  if (opts.order === 'variable') {
    for (let j = 0; j < N; j++) for (let i = 0; i * N + j < n; i++) await emit(i, j)
  } else {
    for (let ls = 0; ls < n; ls++) await emit(Math.floor(ls / N), ls % N)
  }
  out.write(encodeRecord({type: 'footer', count: seq, status: 'complete'}) + '\n')
  await out.commit()
  return seq
}
