// Synthetic trace pairs for benchmarks: realistic per-term records in loop order.
import {makeHeader} from '../src/trace/header.js'
import {AtomicStream} from '../src/util/atomic.js'
import {encodeRecord} from '../src/trace/writer.js'

/** Writes a trace of about n value records (mosaic-level records of a big loop nest); optionally perturbs one record near the end. */
export async function generateTrace(file: string, n: number, opts: {perturbAt?: number} = {}): Promise<number> {
  const out = new AtomicStream(file)
  out.write(encodeRecord(makeHeader({producer: {name: 'bench', version: '0', precision: 'float64'}, pixel: {slow: 1, fast: 2}, args: [], config: null})) + '\n')
  let seq = 0
  const names = ['rot_a', 'hkl_frac', 'F_latt', 'F_cell', 'I_term', 'I_sum'] as const
  let sum = 0
  outer: for (let source = 0; ; source++) {
    for (let phi = 0; phi < 10; phi++) {
      for (let mosaic = 0; mosaic < 10; mosaic++) {
        const loop = {thick: 0, subS: 0, subF: 0, source, phi, mosaic}
        const h = Math.sin(seq * 1e-3) * 3
        for (const name of names) {
          if (seq >= n) break outer
          let value: number | number[]
          if (name === 'rot_a' || name === 'hkl_frac') value = [h, h * 0.5 + 1e-3, -h * 0.25]
          else if (name === 'I_sum') value = (sum += h * h)
          else value = h * 7.5 + 1
          if (seq === opts.perturbAt) value = Array.isArray(value) ? value.map((x) => x * 1.001) : value * 1.001
          const ok = out.write(encodeRecord({type: 'value', seq, name, loop, value}) + '\n')
          seq++
          if (!ok) await new Promise((r) => out.stream.once('drain', r))
        }
      }
    }
  }
  out.write(encodeRecord({type: 'footer', count: seq, status: 'complete'}) + '\n')
  await out.commit()
  return seq
}
