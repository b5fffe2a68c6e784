// Math functions whose JavaScript versions could differ from glibc.
// Measured: with plain Math.sin/cos/exp/log/atan2 all 24 golden float images and both noise
// images are bit-identical; traces differ from a glibc build by 1 ulp in a few values (F_latt,
// mosaic_umat), which reaches the float32 image only with probability ~1e-9 per pixel.
// powf is the exception: glibc's single-precision powf is not correctly rounded, and
// fround(Math.pow(x, fround(1/3))) — which is — differs from it by one float ulp on 7e-4 of the
// inputs. nanoBragg calls it once per random rotation (mosaic domains, -misset random), where
// one ulp of the angle moves a 90-radian random misset by 5e-6 rad: pixel differences of 1e-3.
// Rather than copy glibc's tables, the engine asks glibc itself: the C engine's binary answers
// powf(x, 1/3) for a batch of floats (NBTRACE_POWF=1, bits in and out on stdin/stdout); without
// it (no C compiler at install) the emulation is used and the model says so.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export function powf(x: number, y: number): number {
  return Math.fround(Math.pow(Math.fround(x), Math.fround(y)))
}

const THIRD = Math.fround(1.0 / 3.0)
const glibc = new Map<number, number>()
let helper: string | null | undefined

function helperPath(): string | null {
  if (helper !== undefined) return helper
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
  const exe = process.env.NBTRACE_C_BINARY || join(root, 'instrumented-c', 'build', 'nanobragg-notrace')
  helper = existsSync(exe) ? exe : null
  return helper
}

const bitsOf = (x: number): number => {
  const b = new DataView(new ArrayBuffer(4))
  b.setFloat32(0, x)
  return b.getUint32(0)
}
const ofBits = (u: number): number => {
  const b = new DataView(new ArrayBuffer(4))
  b.setUint32(0, u)
  return b.getFloat32(0)
}

/**
 * Asks glibc for powf(x, 1/3) of these floats (once each); returns false when it could not (no C
 * engine binary), and powfThird then falls back to the emulation.
 */
export function prefetchPowfThird(xs: readonly number[]): boolean {
  const need = [...new Set(xs.map((x) => Math.fround(x)))].filter((x) => !glibc.has(x))
  if (need.length === 0) return true
  const exe = helperPath()
  if (!exe) return false
  const r = spawnSync(exe, [], {
    input: need.map((x) => bitsOf(x).toString(16)).join('\n') + '\n',
    env: {...process.env, NBTRACE_POWF: '1'},
    encoding: 'utf8',
    timeout: 30000,
    maxBuffer: 64 << 20,
  })
  const out = r.status === 0 ? r.stdout.trim().split('\n') : []
  if (out.length !== need.length) return false
  need.forEach((x, i) => glibc.set(x, ofBits(parseInt(out[i], 16))))
  return true
}

/** Is glibc's powf at hand (the C engine's binary)? */
export function glibcPowfAvailable(): boolean {
  return helperPath() !== null
}

/** glibc's powf(x, (float)(1/3)) when prefetched, else the emulation. */
export function powfThird(x: number): number {
  const v = glibc.get(Math.fround(x))
  return v !== undefined ? v : powf(x, THIRD)
}
