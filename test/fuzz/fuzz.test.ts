// The differential fuzzer as part of the suite: every saved fuzz fixture (a shrunk configuration
// that once made an engine disagree with upstream nanoBragg) replayed through both engines
// against the upstream outputs it recorded, and, where ../shared/upstream exists, a fixed-seed
// run of fresh configurations against upstream itself.
import assert from 'node:assert/strict'
import {acceptable, fuzz} from '../../scripts/fuzz/main.js'
import {compareRuns, describe as describeVerdict} from '../../scripts/fuzz/compare.js'
import {configOf, FUZZ_FIXTURES, loadFixtures, upstreamOf} from '../../scripts/fuzz/fixtures.js'
import {cBinaryMissing, runAll} from '../../scripts/fuzz/programs.js'
import {chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {C_BINARY} from '../../scripts/fuzz/programs.js'
import {argsOf} from '../../scripts/fuzz/space.js'
import {configAt} from '../../scripts/fuzz/main.js'
import {ROOT, runProcess, TSX_LOADER} from '../helpers/cli.js'
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

  it('finds a difference planted in the C engine, shrinks it and saves it as a fixture (npm run fuzz)', async function () {
    const why = upstreamMissing('bl831')
    if (why) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }
    // the C engine with a planted partial-image fault, as the fuzzer's C program
    const dir = mkdtempSync(join(tmpdir(), 'nbtrace-fuzz-planted-'))
    try {
      const wrapper = join(dir, 'c.sh')
      writeFileSync(wrapper, `#!/bin/sh\nexec '${C_BINARY}' -nbtrace_faults tile-fast-offset "$@"\n`)
      chmodSync(wrapper, 0o755)
      const fx = join(dir, 'fixtures')
      const report = join(dir, 'report.json')
      const r = await runProcess(
        [
          process.execPath,
          '--import',
          TSX_LOADER,
          join(ROOT, 'scripts', 'fuzz', 'main.ts'),
          '--seed',
          '5',
          '--n',
          '2',
          '--fixtures',
          fx,
          '--report',
          report,
          '--quiet',
        ],
        {
          env: {NBTRACE_C_BINARY: wrapper},
          timeoutMs: 300_000,
        },
      )
      assert.equal(r.code, 1, r.stdout + r.stderr)
      const s = JSON.parse(readFileSync(report, 'utf8')) as {c: {failures: {id: string; args: string[]; fixture?: string}[]}; ts: {failures: unknown[]}}
      assert.equal(s.ts.failures.length, 0, 'the TS engine has no planted fault here')
      assert.ok(s.c.failures.length >= 1, 'the planted fault was not found')
      const saved = readdirSync(fx).sort()
      assert.deepEqual(saved, s.c.failures.map((f) => `${f.id}-c.json`).sort())
      for (const f of s.c.failures) {
        const i = Number(f.id.split('-')[1])
        assert.ok(f.args.length < argsOf(configAt(5, i)).length, `not shrunk: ${f.args.join(' ')}`)
        const fixture = loadFixtures(fx).find((x) => x.id === f.id)!
        assert.match(fixture.found, /pixels differ/)
        // the shrunk configuration still shows the planted fault, and only it: the faithful C
        // engine agrees with upstream's recorded outputs on it
        const run = await runAll(configOf(fixture), ['c'])
        assert.ok(acceptable('c', compareRuns(upstreamOf(fixture), run.get('c')!)), `${f.id}: the faithful engine differs too`)
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
