// Acceptance of nbtrace reduce on every planted fault and quirk fix of schemas/faults.json: from
// the maximal configuration (24 sources, 10 mosaic domains, 3 phi steps, oversample 3, 3 detector
// layers; a small detector, which a single-pixel trace does not depend on), reduce reaches a
// configuration in which every loop is 1 except what the entry needs (its `needs` field), with
// the root cause it started from. The 1024² detector is bench's (npm run bench).
import {strict as assert} from 'node:assert'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cBinaryPath} from '../../src/engines/c.js'
import type {ReduceResult} from '../../src/reduce/result.js'
import {faultNeeds, loadFaults} from '../../src/sim/quirks.js'
import {runCli, validateAgainst} from '../helpers/cli.js'
import {MAXIMAL, MAXIMAL_LOOPS, meetsNeeds, sourceList, twoAtATime} from './helpers.js'

/** What each entry needs added to the maximal configuration to show at all. */
const EXTRA: Record<string, string[]> = {
  'ghost-comment-source': ['-sourcefile', 'sources.txt'],
  Q7: ['-sourcefile', 'sources.txt'],
  'twotheta-axis-sign': ['-twotheta', '5'],
  // with an odd N the sign of each sincg factor, and so the trace, does not change
  'sincg-offset': ['-N', '6'],
  'sincg-no-pi': ['-N', '6'],
  Q1: ['-cell', '70', '80', '90', '75', '85', '95'],
  // the carry-over needs a phi step at exactly 0
  Q3: ['-phi', '0'],
}

describe('nbtrace reduce: every planted fault and quirk fix from the maximal configuration', function () {
  this.timeout(1_200_000)
  const f = loadFaults()
  const entries = [...f.faults.map((e) => ({...e, flag: '--cand-inject'})), ...f.fixes.map((e) => ({...e, flag: '--cand-fix'}))]
  let wd = ''
  const results = new Map<string, Promise<{out: ReduceResult | null; error: string}>>()

  before(function () {
    if (!existsSync(cBinaryPath())) this.skip()
    wd = mkdtempSync(join(tmpdir(), 'nbtrace-reduce-faults-'))
    writeFileSync(join(wd, 'sources.txt'), sourceList())
    // all entries run up front, two at a time; each test awaits its own
    const jobs = entries.map((e) => async () => {
      const r = await runCli(['reduce', '--pixel', '20,24', e.flag, e.id, '--out', `out-${e.id}`, '--json', '--', ...MAXIMAL, ...(EXTRA[e.id] ?? [])], {cwd: wd})
      try {
        return {out: JSON.parse(r.stdout) as ReduceResult, error: r.code === 1 ? '' : `exit ${r.code}: ${r.stderr.slice(-800)}`}
      } catch {
        return {out: null, error: `exit ${r.code}, no JSON: ${r.stderr.slice(-800)}`}
      }
    })
    const all = twoAtATime(jobs)
    entries.forEach((e, i) => results.set(e.id, all.then((r) => r[i])))
  })
  after(() => {
    if (wd) rmSync(wd, {recursive: true, force: true})
  })

  for (const e of entries) {
    it(`${e.id}: every loop at 1 but what it needs, same root cause (${e.class})`, async () => {
      const {out, error} = await results.get(e.id)!
      assert.ok(out, error)
      assert.equal(error, '', `${error}\n${out.verdict}`)
      assert.equal(validateAgainst('reduce.schema.json', out), null)
      assert.equal(out.status, 'reduced', out.verdict)
      const loops0 = {...MAXIMAL_LOOPS, ...(EXTRA[e.id]?.includes('-sourcefile') ? {n_sources: 24} : {})}
      assert.deepEqual(out.original!.loops, loops0)
      assert.ok(out.signature.some((c) => c.class === e.class), `held ${JSON.stringify(out.signature)}, declared class ${e.class}`)
      const needs = faultNeeds(e.id)
      assert.ok(needs, `${e.id} has no structured needs in schemas/faults.json`)
      const steps = out.steps.map((s) => `${s.dimension} ${s.what}: ${s.outcome}`).join('; ')
      assert.ok(meetsNeeds(out.minimal!.loops, needs.loops), `minimal loops ${JSON.stringify(out.minimal!.loops)} do not meet needs ${JSON.stringify(needs.loops)}: ${steps}`)
      for (const flag of needs.inputs) assert.ok(out.minimal!.args.some((a) => a === flag || a.startsWith(flag)), `minimal configuration lost ${flag}: ${out.minimal!.command}`)
      // the minimal run's own report (what the evidence folder holds) shows the held causes
      const report = JSON.parse(readFileSync(join(wd, `out-${e.id}`, 'report.json'), 'utf8')) as {rootCauses: {name: string; class: string}[]}
      for (const c of out.signature) assert.ok(report.rootCauses.some((r) => r.name === c.name && r.class === c.class), `${c.name} (${c.class}) is not a root cause of the minimal run`)
    })
  }
})
