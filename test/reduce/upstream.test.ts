// nbtrace reduce on faults planted in real code: upstream nanoBragg.c with the line changes of the
// truth corpus (test/truth/cases/upstream-faults), instrumented with nbtrace.h as the guide says
// and run as an external program (--cand-cmd) that computes the whole image, against the C
// engine. From the maximal configuration, reduce must reach every loop at 1 except what the
// fault needs, with the same root cause; the region of interest is used where it provably keeps
// the pixel's value and refused, with the reason, where the phi carry-over forbids it.
// Skipped, with the reason, where ../shared/upstream (or $NBTRACE_UPSTREAM) or gcc is missing.
import {strict as assert} from 'node:assert'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cBinaryPath} from '../../src/engines/c.js'
import type {ReduceResult} from '../../src/reduce/result.js'
import {Workspace} from '../truth/lib/sides.js'
import {CASES, type ProgramSide} from '../truth/lib/cases.js'
import {checkReduction, MAXIMAL, MAXIMAL_LOOPS, reduceJob, twoAtATime} from './helpers.js'

interface UpstreamFault {
  /** test/truth/cases/upstream-faults/<case>.json: the edit planted in upstream */
  case: string
  /** what the fault needs (the needs.loops form of schemas/faults.json) */
  needs: Record<string, number>[]
  class: string
  /** added to the maximal configuration */
  extra?: string[]
  /** the region of interest is expected (false: refused, the reason matching this) */
  roi: true | RegExp
}

const FAULTS: UpstreamFault[] = [
  {case: 'sincg-wrong-index', needs: [], class: 'lattice', roi: true},
  // steps is 1 when every loop is: any one loop of the step count shows it (not the layers)
  {case: 'steps-not-divided', needs: [{n_sources: 2}, {mosaic_domains: 2}, {oversample: 2}, {phisteps: 2}], class: 'normalization', roi: true},
  {case: 'polar-forced-one', needs: [], class: 'polarization', roi: true},
  {case: 'incident-x-sign', needs: [], class: 'source-weighting', roi: true},
  // domain 0 is the identity: the extra draw shows from the second domain on
  {case: 'mosaic-extra-draw', needs: [{mosaic_domains: 2}], class: 'rng', roi: true},
  // a phi step at 0: the whole image, and the result says why
  {case: 'phi-always-rotated', needs: [{phisteps: 2}], class: 'state-carry-over', extra: ['-phi', '0'], roi: /phi carry-over quirk/},
]

describe('nbtrace reduce: faults planted in upstream nanoBragg.c, as an external whole-image program', function () {
  this.timeout(1_800_000)
  const ws = new Workspace()
  let wd = ''
  const results = new Map<string, Promise<{out: ReduceResult | null; error: string}>>()

  before(async function () {
    const why = await ws.unavailable({program: 'upstream'})
    if (why || !existsSync(cBinaryPath())) {
      process.stdout.write(`      skipped: ${why ?? 'C engine not built'}\n`)
      this.skip()
    }
    wd = mkdtempSync(join(tmpdir(), 'nbtrace-reduce-upstream-'))
    // builds first (one compiler at a time; the truth corpus builds the same programs, and the
    // build cache is shared), then the reductions two at a time
    const sides: string[][] = []
    for (const f of FAULTS) {
      const c = JSON.parse(readFileSync(join(CASES, 'upstream-faults', `${f.case}.json`), 'utf8')) as {cand: ProgramSide}
      sides.push(await ws.traceFlags(c.cand, 'cand'))
    }
    const all = twoAtATime(
      FAULTS.map(
        (f, i) => () => reduceJob(['--pixel', '20,24', '--ref-engine', 'c', ...sides[i], '--out', `out-${f.case}`, '--', ...MAXIMAL, ...(f.extra ?? [])], wd),
      ),
    )
    FAULTS.forEach((f, i) =>
      results.set(
        f.case,
        all.then((r) => r[i]),
      ),
    )
  })
  after(() => {
    if (wd) rmSync(wd, {recursive: true, force: true})
    ws.cleanup()
  })

  for (const f of FAULTS) {
    it(`${f.case}: every loop at 1 but what it needs, same root cause (${f.class})`, async () => {
      const out = checkReduction(await results.get(f.case)!, {loops0: MAXIMAL_LOOPS, cls: f.class, needs: f.needs, outDir: join(wd, `out-${f.case}`)})
      if (f.roi === true) {
        assert.equal(out.roi.used, true, out.roi.reason)
        assert.equal(out.roi.verified, true, JSON.stringify(out.steps.filter((s) => s.dimension === 'roi')))
      } else {
        assert.equal(out.roi.used, false)
        assert.match(out.roi.reason, f.roi)
      }
    })
  }
})
