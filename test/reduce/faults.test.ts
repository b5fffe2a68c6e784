// Acceptance of nbtrace reduce on every planted fault and quirk fix of schemas/faults.json: from
// the maximal configuration (24 sources, 10 mosaic domains, 3 phi steps, oversample 3, 3 detector
// layers; a small detector, which a single-pixel trace does not depend on), reduce reaches a
// configuration in which every loop is 1 except what the entry needs (its `needs` field), with
// the root cause it started from. Entries that act on some pixels only get a pixel or a
// configuration where they act (EXTRA, PIXEL). The 1024² detector is bench's (npm run bench).
import {strict as assert} from 'node:assert'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cBinaryPath} from '../../src/engines/c.js'
import type {ReduceResult} from '../../src/reduce/result.js'
import {faultNeeds, loadFaults} from '../../src/sim/quirks.js'
import {lowOrderHkl} from '../helpers/hkl.js'
import {checkReduction, MAXIMAL, MAXIMAL_LOOPS, reduceJob, sourceList, twoAtATime} from './helpers.js'

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
  // at pixel 10,10 (below) the nearest hkl is (0 2 -2), outside a table of orders up to 1
  'hkl-outside-zero': ['-hkl', 'low.hkl'],
  // pixel 20,24 at 2 mm is at 2θ ≈ 36°; at 100 mm no pixel of the detector exceeds 3°
  'high-angle-obliquity': ['-distance', '2'],
}

/** The pixel traced, where an entry acts on some pixels only (default 20,24). */
const PIXEL: Record<string, string> = {
  'hkl-outside-zero': '10,10',
  // the second half of the 64 fast pixels
  'tile-fast-offset': '20,40',
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
    writeFileSync(join(wd, 'low.hkl'), lowOrderHkl(1))
    // all entries run up front, two at a time; each test awaits its own
    const jobs = entries.map(
      (e) => () => reduceJob(['--pixel', PIXEL[e.id] ?? '20,24', e.flag, e.id, '--out', `out-${e.id}`, '--', ...MAXIMAL, ...(EXTRA[e.id] ?? [])], wd),
    )
    const all = twoAtATime(jobs)
    entries.forEach((e, i) =>
      results.set(
        e.id,
        all.then((r) => r[i]),
      ),
    )
  })
  after(() => {
    if (wd) rmSync(wd, {recursive: true, force: true})
  })

  for (const e of entries) {
    it(`${e.id}: every loop at 1 but what it needs, same root cause (${e.class})`, async () => {
      const needs = faultNeeds(e.id)
      assert.ok(needs, `${e.id} has no structured needs in schemas/faults.json`)
      // the source-file entries replace the 24 generated sources by a list of 24
      const out = checkReduction(await results.get(e.id)!, {loops0: MAXIMAL_LOOPS, cls: e.class, needs: needs.loops, outDir: join(wd, `out-${e.id}`)})
      for (const flag of needs.inputs)
        assert.ok(
          out.minimal!.args.some((a) => a === flag || a.startsWith(flag)),
          `minimal configuration lost ${flag}: ${out.minimal!.command}`,
        )
    })
  }
})
