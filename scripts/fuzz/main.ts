// npm run fuzz -- --seed S --n N [--no-shrink] [--no-save] [--fixtures DIR] [--report FILE] [--quiet]
//
// Differential fuzzing of the two engines against upstream nanoBragg itself: N random valid
// configurations from the whole flag space (scripts/fuzz/space.ts), each run by upstream
// (bl831, built once in a temporary folder), the C engine and the TypeScript engine; float
// images compared bit for bit, SMV/PGM/side files byte for byte. Every mismatch is shrunk to a
// small configuration that still fails the same way and saved as test/fixtures/fuzz/<id>-<engine>.json.
// Prints one line per mismatch and a summary (JSON with --report). Exit 0 when both engines
// agree everywhere (TS: pixels within 1e-6 relative, see docs/ts-engine.md), 1 otherwise.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildModel} from '../../src/sim/model.js'
import {compareRuns, describe, signature, type Verdict} from './compare.js'
import {FUZZ_FIXTURES, fixtureOf, saveFixture} from './fixtures.js'
import {Prng} from './prng.js'
import {cBinaryMissing, runAll, upstream, type Program} from './programs.js'
import {shrink} from './shrink.js'
import {argsOf, drawConfig, type FuzzConfig} from './space.js'

/** Work budget per configuration: pixels x layers x steps (sub-pixels, sources, phi, domains). */
export const WORK_BUDGET = 1.5e6
/** The TypeScript engine may differ from glibc in the last ulp of sin/cos/exp/pow (docs/ts-engine.md). */
export const TS_REL_TOL = 1e-6

export interface EngineTally {
  configs: number
  /** configurations whose every output is byte-identical to upstream's */
  identical: number
  refusedBoth: number
  pixels: number
  exactPixels: number
  maxRel: number
  /** configurations with a difference beyond the engine's tolerance */
  failures: {id: string; what: string; args: string[]; fixture?: string}[]
}

export interface FuzzSummary {
  seed: number
  n: number
  skipped: number
  /** configurations upstream refused (exit != 0), and those whose float image is not all zero */
  upstreamRefused: number
  nonZeroImages: number
  nonZeroPixels: number
  c: EngineTally
  ts: EngineTally
}

const tally = (): EngineTally => ({configs: 0, identical: 0, refusedBoth: 0, pixels: 0, exactPixels: 0, maxRel: 0, failures: []})

function work(c: FuzzConfig): number {
  const dir = mkdtempSync(join(tmpdir(), 'nbtrace-fuzz-cost-'))
  try {
    for (const [k, v] of Object.entries(c.files)) writeFileSync(join(dir, k), v)
    const m = buildModel(argsOf(c), {cwd: dir, timeSeed: 0}).kernel
    return m.fpixels * m.spixels * m.thicksteps * m.steps
  } catch {
    return 0 // refused: cheap
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** The i-th configuration of a seed, redrawn until it fits the work budget. */
export function configAt(seed: number, i: number): FuzzConfig {
  for (let k = 0; ; k++) {
    const r = new Prng((seed * 1000003 + i * 7919 + k * 104729) >>> 0)
    const c = drawConfig(r, `s${seed}-${i}`)
    if (k >= 30 || work(c) <= WORK_BUDGET) return c
  }
}

/** Is this difference within what the engine is held to? (C: none; TS: float pixels within TS_REL_TOL, and the files that follow from them) */
export function acceptable(engine: 'c' | 'ts', v: Verdict): boolean {
  if (v.status === 'same' || v.status === 'both-refused') return true
  if (engine === 'c' || v.status !== 'differs') return false
  return v.maxRel <= TS_REL_TOL && v.diffs.every((d) => d.kind === 'pixels' || (d.kind === 'bytes' && /\.(img|pgm)$/.test(d.file)))
}

export async function fuzz(opts: {seed: number; n: number; shrink: boolean; save: boolean; fixtures?: string; log: (s: string) => void}): Promise<FuzzSummary> {
  const fixtures = opts.fixtures ?? FUZZ_FIXTURES
  const s: FuzzSummary = {seed: opts.seed, n: opts.n, skipped: 0, upstreamRefused: 0, nonZeroImages: 0, nonZeroPixels: 0, c: tally(), ts: tally()}
  const u = upstream()
  if (!u.exe) throw new Error(u.why ?? 'upstream not available')
  const why = cBinaryMissing()
  if (why) throw new Error(why)
  if (opts.save) mkdirSync(fixtures, {recursive: true})
  const t0 = Date.now()
  for (let i = 0; i < opts.n; i++) {
    const c = configAt(opts.seed, i)
    const r = await runAll(c, ['upstream', 'c', 'ts'])
    const up = r.get('upstream')!
    if (up.status !== 0) s.upstreamRefused++
    const fl = up.outputs.get('floatimage.bin')
    if (fl) {
      let nz = 0
      for (let k = 0; k + 4 <= fl.length; k += 4) if (fl.readFloatLE(k) !== 0) nz++
      s.nonZeroPixels += nz
      if (nz) s.nonZeroImages++
    }
    for (const engine of ['c', 'ts'] as const) {
      const v = compareRuns(up, r.get(engine)!)
      const t = s[engine]
      t.configs++
      t.pixels += v.pixels
      t.exactPixels += v.exactPixels
      t.maxRel = Math.max(t.maxRel, v.status === 'differs' ? v.maxRel : 0)
      if (v.status === 'same') t.identical++
      if (v.status === 'both-refused') t.refusedBoth++
      if (acceptable(engine, v)) continue
      const what = describe(v)
      opts.log(`${c.id} ${engine}: ${what}\n  ${argsOf(c).join(' ')}`)
      const fail: EngineTally['failures'][number] = {id: c.id, what, args: argsOf(c)}
      if (opts.shrink) {
        const small = await shrink(c, engine as Program, signature(v), 120, opts.log)
        const rr = await runAll(small, ['upstream', engine])
        const vv = compareRuns(rr.get('upstream')!, rr.get(engine)!)
        fail.args = argsOf(small)
        opts.log(`  shrunk: ${fail.args.join(' ')}\n  ${describe(vv)}`)
        if (opts.save) fail.fixture = saveFixture(fixtureOf(small, engine, describe(vv), rr.get('upstream')!), fixtures)
      }
      t.failures.push(fail)
    }
    if ((i + 1) % 25 === 0 || i + 1 === opts.n) {
      const el = (Date.now() - t0) / 1000
      opts.log(
        `[${i + 1}/${opts.n}] ${el.toFixed(0)} s; C identical ${s.c.identical}/${s.c.configs}, TS pixels exact ${((100 * s.ts.exactPixels) / Math.max(1, s.ts.pixels)).toFixed(4)} %`,
      )
    }
  }
  return s
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const val = (k: string, d?: string): string | undefined => {
    const i = argv.indexOf(k)
    return i >= 0 ? argv[i + 1] : d
  }
  const seed = Number(val('--seed', '1'))
  const n = Number(val('--n', '100'))
  const report = val('--report')
  const quiet = argv.includes('--quiet')
  if (!Number.isInteger(seed) || !Number.isInteger(n) || n < 0) {
    process.stderr.write('usage: npm run fuzz -- --seed S --n N [--no-shrink] [--no-save] [--fixtures DIR] [--report FILE]\n')
    process.exit(2)
  }
  const s = await fuzz({
    seed,
    n,
    shrink: !argv.includes('--no-shrink'),
    save: !argv.includes('--no-save'),
    fixtures: val('--fixtures'),
    log: (x) => quiet || process.stderr.write(x + '\n'),
  })
  const pct = (t: EngineTally): string => ((100 * t.exactPixels) / Math.max(1, t.pixels)).toFixed(4)
  const line = (name: string, t: EngineTally): string =>
    `${name}: ${t.identical}/${t.configs} configurations byte-identical to upstream (${t.refusedBoth} refused by both), float pixels exact ${pct(t)} % of ${t.pixels}, max rel ${t.maxRel.toExponential(2)}, ${t.failures.length} failing`
  process.stdout.write(
    `fuzz seed ${seed}, ${n} configurations (upstream refused ${s.upstreamRefused}; ${s.nonZeroImages} images not all zero, ${s.nonZeroPixels} non-zero pixels)\n${line('C engine', s.c)}\n${line('TS engine', s.ts)}\n`,
  )
  if (report) writeFileSync(report, JSON.stringify(s, null, 1) + '\n')
  process.exit(s.c.failures.length || s.ts.failures.length ? 1 : 0)
}

if (process.argv[1] && /main\.[tj]s$/.test(process.argv[1]) && process.argv[1].includes('fuzz')) {
  main().catch((e) => {
    process.stderr.write(`nbtrace fuzz: ${(e as Error).message}\n`)
    process.exit(2)
  })
}
