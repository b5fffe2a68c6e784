// Streaming alignment of contract files: reports are identical whatever the emission order and
// whether the records are pending in the compact tables (files) or as objects (in-memory sides);
// pending state stays bounded (none for traces in the same order).
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {align} from '../../src/align/align.js'
import {contractSide as fileSide} from '../../src/trace/source/contract.js'
import {resolveTolerances} from '../../src/align/tolerance.js'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import {compareTraces} from '../../src/compare/pipeline.js'
import type {Report} from '../../src/compare/report.js'
import type {ValueRecord} from '../../src/trace/records.js'
import {loadTrace} from '../../src/trace/reader.js'
import {writeTrace} from '../../src/trace/writer.js'
import {generateTrace} from '../../bench/gen.js'
import {asLoaded, byVariable, header, perturb, shuffled, synthTrace, tempDir} from './synth.js'

/** The report without what depends on where the records came from (file names, timing, text fast path). */
function norm(r: Report): unknown {
  return {...r, elapsedMs: 0, ref: {...r.ref, file: ''}, cand: {...r.cand, file: ''}, alignment: {...r.alignment, textEqual: 0}}
}

describe('compare: streaming alignment of files', function () {
  this.timeout(120000)
  const H = header({config: null})
  const base = synthTrace({thick: 1, subS: 2, subF: 2, source: 3, phi: 2, mosaic: 2})
  let wd = ''
  let n = 0
  before(() => {
    wd = tempDir()
  })
  after(() => rmSync(wd, {recursive: true, force: true}))
  const file = async (values: ValueRecord[]): Promise<string> => {
    const f = join(wd, `t${n++}.jsonl`)
    await writeTrace(
      f,
      H,
      values.map((r, i) => ({...r, seq: i})),
    )
    return f
  }
  const same = async (ref: ValueRecord[], cand: ValueRecord[]): Promise<Report> => {
    const mem = await compareTraces(asLoaded({header: H, values: ref}), asLoaded({header: H, values: cand}))
    const fil = await compareTraces(await file(ref), await file(cand))
    assert.deepEqual(norm(fil), norm(mem))
    return fil
  }

  const cases: [string, () => ValueRecord[]][] = [
    ['agreeing', () => base],
    ['a perturbed set-up constant', () => perturb(base, 'pix0_vector', 1.001)],
    ['a perturbed loop variable at one source', () => perturb(base, 'F_cell', 1.2, (l) => l.source === 1)],
    ['two roots', () => perturb(perturb(base, 'a_star', 1.5), 'kahn_factor', 2)],
    ['missing iterations and a missing variable', () => base.filter((v) => v.loop?.phi !== 1 && v.name !== 'parallax')],
    [
      'NaN, infinities and -0',
      () =>
        base.map((r) =>
          r.name === 'F_latt' && r.loop?.mosaic === 1 ? {...r, value: r.loop.source === 0 ? 'NaN' : r.loop.source === 1 ? '-Infinity' : -0} : r,
        ),
    ],
  ]
  for (const [what, make] of cases) {
    it(`${what}: identical reports in memory and from files, in loop order, per variable and shuffled`, async () => {
      const cand = make()
      const inOrder = await same(base, cand)
      const perVar = await same(base, byVariable(cand))
      const shuf = await same(shuffled(base, 3), shuffled(cand, 5))
      // the reference in the same order: the same first divergence and root causes
      const key = (r: Report) => r.rootCauses.map((x) => [x.name, x.class, x.iterations, x.cascade, x.loop])
      assert.equal(perVar.status, inOrder.status)
      assert.deepEqual(perVar.counts, inOrder.counts)
      assert.deepEqual(key(perVar), key(inOrder), 'per variable')
      assert.deepEqual(perVar.firstDivergence?.loop, inOrder.firstDivergence?.loop)
      // both shuffled: "first" follows the reference order, the findings do not
      const set = (r: Report) => r.rootCauses.map((x) => `${x.name} ${x.class} ${x.iterations} ${x.cascade}`).sort()
      assert.equal(shuf.status, inOrder.status)
      assert.deepEqual(shuf.counts, inOrder.counts)
      assert.deepEqual(set(shuf), set(inOrder), 'shuffled')
      assert.equal(inOrder.alignment.maxPending, what.startsWith('missing') ? inOrder.alignment.maxPending : 0)
    })
  }

  it('pending state: none in the same order; per variable, a few tens of bytes per pending record', async () => {
    const cat = loadCatalogue()
    const tolerances = resolveTolerances(cat, {precision: 'f64'})
    const N = 60000
    const a = join(wd, 'big-a.jsonl')
    const b = join(wd, 'big-b.jsonl')
    const v = join(wd, 'big-v.jsonl')
    await generateTrace(a, N)
    await generateTrace(b, N, {perturbAt: N - 100})
    await generateTrace(v, N, {order: 'variable'})
    const same = align(fileSide('ref', a), fileSide('cand', b), {tolerances, strictZero: false})
    assert.equal(same.maxPending, 0)
    assert.equal(same.pendingBytes, 0)
    assert.equal(same.counts.diverged, 1) // the perturbed I_term (the generator's I_sum does not carry it)
    const pv = align(fileSide('ref', a), fileSide('cand', v), {tolerances, strictZero: false})
    assert.equal(pv.counts.agree, N)
    assert.equal(pv.counts.onlyRef + pv.counts.onlyCand, 0)
    assert.ok(pv.maxPending > N / 4, String(pv.maxPending))
    // capacity of every table together (growth slack included) per record pending at the peak
    assert.ok(pv.pendingBytes / pv.maxPending < 160, `${pv.pendingBytes} B for ${pv.maxPending} pending`)
  })

  it('evidence read from checkpoints (divergence near the end of long traces) gives the report of a full read', async () => {
    const N = 150000 // 25000 records per variable: series capped, the window far past them
    const a = join(wd, 'long-a.jsonl')
    const b = join(wd, 'long-b.jsonl')
    const v = join(wd, 'long-v.jsonl')
    await generateTrace(a, N)
    await generateTrace(b, N, {perturbAt: N - 1000})
    await generateTrace(v, N, {perturbAt: N - 1000, order: 'variable'})
    const A = await loadTrace(a)
    for (const c of [b, v]) {
      const fil = await compareTraces(a, c)
      const mem = await compareTraces(A, await loadTrace(c))
      assert.equal(fil.status, 'diverged')
      assert.ok(fil.context.length > 0 && fil.context.every((x) => x.cand !== null), JSON.stringify(fil.context))
      assert.deepEqual(norm(fil), norm(mem))
    }
  })
})
