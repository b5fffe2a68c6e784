// Pending records spilled to disk past a memory budget (align/spill/): through the CLI, the
// report is the one of the in-memory path, byte for byte of its JSON (the first divergence, root
// causes, evidence with line numbers, unmatched records, maxPending), and no temporary file is
// left, after a run or after bad input.
import assert from 'node:assert/strict'
import {mkdirSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import type {Report} from '../../src/compare/report.js'
import type {ValueRecord} from '../../src/trace/records.js'
import {writeTrace} from '../../src/trace/writer.js'
import {runCli} from '../helpers/cli.js'
import {byVariable, header, perturb, synthTrace, tempDir} from './synth.js'

describe('compare: pending records spilled past NBTRACE_PENDING_BUDGET', function () {
  this.timeout(600000)
  const H = header({config: null})
  let wd = ''
  let tmp = ''
  before(() => {
    wd = tempDir()
    tmp = join(wd, 'tmp')
    mkdirSync(tmp)
  })
  after(() => rmSync(wd, {recursive: true, force: true}))

  const write = async (name: string, values: ValueRecord[]): Promise<string> => {
    const f = join(wd, name)
    await writeTrace(
      f,
      H,
      values.map((r, i) => ({...r, seq: i})),
    )
    return f
  }
  /** compare through the CLI with the spill's temporary folder in `tmp`; budget undefined: in memory */
  const compare = async (ref: string, cand: string, budget?: string, json = true) => {
    const env: Record<string, string> = {TMPDIR: tmp, TMP: tmp, TEMP: tmp}
    if (budget !== undefined) env.NBTRACE_PENDING_BUDGET = budget
    const r = await runCli(['compare', ref, cand, ...(json ? ['--json'] : [])], {env})
    assert.deepEqual(readdirSync(tmp), [], 'temporary files left behind')
    return r
  }
  const report = (stdout: string): Report => ({...(JSON.parse(stdout) as Report), elapsedMs: 0})

  it('the report of a spilled alignment equals the in-memory one (divergences, unmatched records on both sides, duplicate keys), in both directions', async () => {
    const base = synthTrace({thick: 1, subS: 2, subF: 2, source: 4, phi: 3, mosaic: 3})
    // a key traced twice by the reference and three times by the candidate (paired first come, first served)
    const dupOf = (v: ValueRecord[], times: number, f: number): ValueRecord[] =>
      v.flatMap((r) =>
        r.name === 'F_cell' && r.loop?.source === 2 && r.loop.phi === 1 && r.loop.mosaic === 0
          ? Array.from({length: times}, (_, k) => ({...r, value: (r.value as number) * (1 + k * f)}))
          : [r],
      )
    const ref = dupOf(
      base.filter((r) => !(r.name === 'parallax' && r.loop?.subS === 1)),
      2,
      0.5,
    )
    const cand = byVariable(
      dupOf(
        perturb(
          perturb(base, 'F_cell', 1.2, (l) => l.source === 1),
          'kahn_factor',
          2,
        ).filter((r) => !(r.name === 'F_latt' && r.loop?.mosaic === 2)),
        3,
        0.5,
      ),
    )
    const a = await write('ref-loop.jsonl', ref)
    const b = await write('cand-var.jsonl', cand)
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const mem = await compare(x, y)
      assert.equal(mem.code, 1, mem.stderr)
      const want = report(mem.stdout)
      assert.equal(want.status, 'diverged')
      assert.ok(want.counts.onlyRef > 0 && want.counts.onlyCand > 0, JSON.stringify(want.counts))
      assert.ok(want.alignment.maxPending > 100, String(want.alignment.maxPending))
      assert.ok(want.context.length > 0)
      // 0: everything pending goes to disk at once; 20000 bytes: the spill begins part-way
      for (const budget of ['0', '20000']) {
        const sp = await compare(x, y, budget)
        assert.equal(sp.code, 1, sp.stderr)
        assert.deepEqual(report(sp.stdout), want, `budget ${budget}`)
      }
    }
  })

  it('bad input after the spill began: the one-line file:line:field error, exit 2, no temporary file left', async () => {
    const base = synthTrace({thick: 1, subS: 2, subF: 2, source: 3, phi: 2, mosaic: 2})
    const bad = byVariable(base).map((r, i, all) => (i === all.length - 3 ? {...r, value: 'oops'} : r))
    const a = await write('ok.jsonl', base)
    const b = await write('bad.jsonl', bad)
    const line = bad.length - 3 + 2 // the header is line 1
    const r = await compare(a, b, '0', false)
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.match(r.stderr, new RegExp(`^nbtrace: [^\\n]*bad\\.jsonl:${line}: /value: [^\\n]+\\n$`), r.stderr)
    const j = await compare(a, b, '0')
    assert.equal(j.code, 2, j.stdout + j.stderr)
    const e = (JSON.parse(j.stdout) as {error: {file: string; line: number; field: string}}).error
    assert.deepEqual([e.file.endsWith('bad.jsonl'), e.line, e.field], [true, line, '/value'], j.stdout)
  })
})
