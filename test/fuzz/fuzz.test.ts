// The differential fuzzer as part of the suite: every saved fuzz fixture (a shrunk configuration
// that once made an engine disagree with upstream nanoBragg) replayed through both engines
// against the upstream outputs it recorded, and, where ../shared/upstream exists, a fixed-seed
// run of fresh configurations against upstream itself.
import assert from 'node:assert/strict'
import {acceptable, fuzz} from '../../scripts/fuzz/main.js'
import {compareRuns, describe as describeVerdict} from '../../scripts/fuzz/compare.js'
import {configOf, FUZZ_FIXTURES, loadFixtures, upstreamOf} from '../../scripts/fuzz/fixtures.js'
import {cBinaryMissing, runAll} from '../../scripts/fuzz/programs.js'
import {upstreamMissing} from '../helpers/upstream.js'

const DIR = process.env.NBTRACE_FUZZ_FIXTURES || FUZZ_FIXTURES
const SEED = 2024
const N = Number(process.env.NBTRACE_FUZZ_N ?? 30)

describe('fuzz: both engines against upstream nanoBragg', function () {
  this.timeout(600000)
  before(function () {
    const why = cBinaryMissing()
    if (why) throw new Error(why)
  })

  const fixtures = loadFixtures(DIR)
  it(`replays the ${fixtures.length} fuzz fixtures: C byte-identical to upstream, TS within 1e-6`, async () => {
    assert.ok(fixtures.length > 0, `no fixtures in ${DIR}`)
    const bad: string[] = []
    for (const fx of fixtures) {
      const up = upstreamOf(fx)
      const missing = Object.entries(fx.upstream.outputs).filter(([, o]) => !o.base64)
      const r = await runAll(configOf(fx), ['c', 'ts'])
      for (const engine of ['c', 'ts'] as const) {
        const got = r.get(engine)!
        // outputs recorded by hash only: compare hashes
        for (const [f, o] of missing) {
          const b = got.outputs.get(f)
          if (!b || (await import('node:crypto')).createHash('sha256').update(b).digest('hex') !== o.sha256)
            bad.push(`${fx.id} ${engine}: ${f} differs from upstream's (hash)`)
          got.outputs.delete(f)
        }
        const v = compareRuns(up, got)
        if (!acceptable(engine, v)) bad.push(`${fx.id} ${engine}: ${describeVerdict(v)} (found: ${fx.found})`)
      }
    }
    assert.deepEqual(bad, [])
  })

  it(`a fixed-seed run of ${N} fresh configurations (seed ${SEED}) agrees with upstream`, async function () {
    const why = upstreamMissing('bl831')
    if (why) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }
    const s = await fuzz({seed: SEED, n: N, shrink: false, save: false, log: () => undefined})
    const fails = [
      ...s.c.failures.map((f) => `c ${f.id}: ${f.what}\n  ${f.args.join(' ')}`),
      ...s.ts.failures.map((f) => `ts ${f.id}: ${f.what}\n  ${f.args.join(' ')}`),
    ]
    assert.deepEqual(fails, [])
    assert.equal(s.c.identical + s.c.refusedBoth, N)
  })
})
