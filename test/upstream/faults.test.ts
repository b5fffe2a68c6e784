// The truth of the upstream-faults group of the truth corpus (test/truth/cases/upstream-faults),
// established without nbtrace's compare: each case's `edits` is a real line change in upstream
// nanoBragg.c. Built instrumented per the guide, with and without the edit, the same program
// writes the same sequence of trace records; the first record whose value differs is where the
// edit acts, and the case must name it (variable and loop coordinates), the difference must be
// far outside any tolerance, and the image must change. The verdict nbtrace gives on each case
// is scored by the corpus runner (test/truth), not here.
import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import {ROOT} from '../helpers/fixtures.js'
import {upstreamMissing, upstreamSource} from '../helpers/upstream.js'
import {applyEdits, buildInstrumented, openmpMissing, runTraced, stage, untimed, type Edit, type GoldenConfig} from './helpers.js'

const DIR = join(ROOT, 'test', 'truth', 'cases', 'upstream-faults')

interface FaultCase {
  group: string
  description: string
  via: 'compare' | 'trace'
  pixel: [number, number]
  inputs: string
  args: string[]
  ref: {engine: 'c' | 'ts'}
  cand: {program: 'upstream'; edits: Edit[]; openmp?: number}
  expect: {status: string; first: {name: string; class: string; loop: Record<string, number>}; rootClasses: string[]; notRoot: string[]}
}

const cases: [string, FaultCase][] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, f), 'utf8'))])

function relDiff(a: unknown, b: unknown): number {
  const x = [a].flat() as number[]
  const y = [b].flat() as number[]
  if (x.length !== y.length) return Infinity
  return Math.max(
    ...x.map((v, i) =>
      typeof v === 'number' && typeof y[i] === 'number' ? Math.abs(v - y[i]) / Math.max(Math.abs(v), Math.abs(y[i]), 1e-300) : v === y[i] ? 0 : Infinity,
    ),
  )
}

describe('upstream-faults truth cases (established without compare)', function () {
  this.timeout(600000)
  let root = ''
  let clean = ''
  let noOmp: string | null = null

  it('the group covers every class of porting bug with at least 10 real line changes, including the two of issue #11', () => {
    assert.ok(cases.length >= 10, `${cases.length} cases`)
    const classes = new Set(cases.map(([, c]) => c.expect.first.class))
    for (const k of ['geometry', 'normalization', 'source-weighting', 'rng', 'lattice', 'structure-factor', 'polarization', 'units', 'state-carry-over'])
      assert.ok(classes.has(k), `no case of class ${k}`)
    const byFind = new Map(cases.flatMap(([id, c]) => c.cand.edits.map((e) => [e.find, {id, c}] as const)))
    const del = byFind.get('if(! oversample_polar) test *= polar;')
    assert.ok(del && !del.c.cand.edits[0].replace.includes('test *='), 'deleting test *= polar')
    assert.equal(del.c.expect.first.class, 'polarization')
    assert.ok(del.c.expect.notRoot.includes('polar'))
    const one = cases.find(([, c]) => c.cand.edits.some((e) => e.replace === 'polar = 1.0;'))
    assert.ok(one, 'polar = 1.0')
    assert.deepEqual(one[1].expect.rootClasses, ['polarization'])
    const cat = loadCatalogue()
    for (const [id, c] of cases) {
      assert.equal(c.group, 'upstream-faults', id)
      assert.ok(cat.byName.has(c.expect.first.name), `${id}: ${c.expect.first.name} is not a catalogue name`)
      for (const n of c.expect.notRoot) assert.ok(cat.byName.has(n), `${id}: notRoot ${n} is not a catalogue name`)
      assert.ok(!c.expect.notRoot.includes(c.expect.first.name), id)
      assert.ok(!c.args.includes('-trace_pixel'), `${id}: args without the trace flags`)
    }
  })

  describe('on upstream nanoBragg.c', function () {
    before(function () {
      const why = upstreamMissing('bl831')
      if (why) {
        console.log(`      (skipped: ${why})`)
        this.skip()
      }
      root = mkdtempSync(join(tmpdir(), 'nbtrace-upstream-faults-'))
      clean = buildInstrumented()
      noOmp = openmpMissing()
    })
    after(() => root && rmSync(root, {recursive: true, force: true}))

    for (const [id, c] of cases) {
      it(`${id}: the edit changes the image and acts first on ${c.expect.first.name} ${JSON.stringify(c.expect.first.loop)}`, function () {
        const golden = c.inputs.replace(/^golden\//, '')
        const cfg: GoldenConfig = {name: golden, what: '', args: c.args, pixel: {slow: c.pixel[0], fast: c.pixel[1]}}
        // each find occurs exactly once in upstream (applyEdits throws otherwise)
        const edited = applyEdits(readFileSync(upstreamSource('bl831'), 'utf8'), c.cand.edits)
        assert.notEqual(edited, readFileSync(upstreamSource('bl831'), 'utf8'))
        const faulty = buildInstrumented({edits: c.cand.edits})
        const d0 = stage(root, golden, `${id}-clean`)
        const d1 = stage(root, golden, `${id}-fault`)
        const a = runTraced(clean, cfg, d0)
        const b = runTraced(faulty, cfg, d1)
        assert.equal(a.status, 0, a.stderr)
        assert.equal(b.status, 0, b.stderr)
        assert.ok(!readFileSync(join(d0, 'float.bin')).equals(readFileSync(join(d1, 'float.bin'))), 'the float image changes')
        const la = a.trace.trim().split('\n')
        const lb = b.trace.trim().split('\n')
        assert.equal(JSON.parse(lb[lb.length - 1]).status, 'complete')
        let i = 1
        while (i < Math.min(la.length, lb.length) && la[i] === lb[i]) i++
        const ra = JSON.parse(la[i])
        const rb = JSON.parse(lb[i])
        assert.equal(`${rb.name} ${JSON.stringify(rb.loop)}`, `${c.expect.first.name} ${JSON.stringify(c.expect.first.loop)}`, 'first record the edit changes')
        assert.equal(ra.name, rb.name)
        const rel = relDiff(ra.value, rb.value)
        assert.ok(rel > 1e-9, `${rb.name} differs by ${rel} relative: not a clear fault at this pixel`)
        if (c.cand.openmp) {
          if (noOmp) return console.log(`      (${noOmp})`)
          const par = buildInstrumented({edits: c.cand.edits, openmp: true})
          const p = runTraced(par, cfg, stage(root, golden, `${id}-omp`), c.cand.openmp)
          assert.equal(untimed(p.trace), untimed(b.trace), `the -fopenmp build at ${c.cand.openmp} threads writes the serial trace`)
        }
      })
    }
  })
})
