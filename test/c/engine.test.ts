// src/engines/c.ts: the Engine wrapper around the C binary.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {cArgs, cEngine} from '../../src/engines/c.js'
import {caseArgs, ensureBuilt, GOLDEN, goldenCases, readJsonl, stageCase, traceProblems} from './helpers.js'

describe('cEngine', function () {
  this.timeout(120000)
  let dir = ''
  before(function () {
    if (!goldenCases().includes('c03_hkl_sparse')) this.skip()
    const why = ensureBuilt()
    if (why) throw new Error(why)
    dir = stageCase('c03_hkl_sparse')
  })
  after(() => dir && rmSync(dir, {recursive: true, force: true}))

  it('is available once built, and says why in one line when it is not', () => {
    assert.equal(cEngine.name, 'c')
    assert.equal(cEngine.unavailableReason(), null)
    const saved = process.env.NBTRACE_C_BINARY
    process.env.NBTRACE_C_BINARY = '/nonexistent/nanobragg-nbtrace'
    try {
      const why = cEngine.unavailableReason()
      assert.equal(why, 'C engine not found: NBTRACE_C_BINARY=/nonexistent/nanobragg-nbtrace does not exist')
      assert.ok(!why!.includes('\n'))
    } finally {
      if (saved === undefined) delete process.env.NBTRACE_C_BINARY
      else process.env.NBTRACE_C_BINARY = saved
    }
  })

  it('renders a full image in cwd and reports outputs and summary', async () => {
    let progress = 0
    const r = await cEngine.run({args: caseArgs('c03_hkl_sparse'), cwd: dir, timeoutMs: 60000, onProgress: (f) => (progress = f)})
    assert.deepEqual(r.outputs, [join(dir, 'float.bin'), join(dir, 'int.img')])
    assert.ok(readFileSync(join(dir, 'float.bin')).equals(readFileSync(join(GOLDEN, 'c03_hkl_sparse', 'float.bin'))))
    assert.deepEqual({...r.summary, meanI: 0}, {fpixels: 96, spixels: 96, sources: 1, steps: 1, oversample: 1, maxI: 5225.3115234375, meanI: 0})
    assert.equal(progress, 1)
  })

  it('traces one pixel into traceOut (trace flags first, so -misset_seed stays last)', async () => {
    assert.deepEqual(
      cArgs({args: ['-N', '5', '-misset_seed', '5'], cwd: '/w', tracePixel: {slow: 1, fast: 2}, traceOut: 't.jsonl'}),
      '-trace_pixel 1 2 -trace_out /w/t.jsonl -trace_only -N 5 -misset_seed 5'.split(' '),
    )
    const r = await cEngine.run({args: caseArgs('c03_hkl_sparse'), cwd: dir, tracePixel: {slow: 48, fast: 48}, traceOut: 'px.jsonl'})
    assert.ok(r.outputs.includes(join(dir, 'px.jsonl')))
    const recs = readJsonl(join(dir, 'px.jsonl'))
    assert.deepEqual(traceProblems(recs), [])
    assert.equal(recs.find((x) => x.name === 'float_pixel')!.value, 5225.3115234375)
  })

  it('rejects planted faults and fixes with one line', async () => {
    await assert.rejects(
      cEngine.run({args: caseArgs('c03_hkl_sparse'), cwd: dir, faults: ['fluence-per-mm2']}),
      (e: Error) => /--inject/.test(e.message) && !e.message.includes('\n'),
    )
    await assert.rejects(cEngine.run({args: caseArgs('c03_hkl_sparse'), cwd: dir, fixes: ['Q3']}), /no --fix/)
  })

  it("reports a refused run with the program's reason, as bad input (its exit 2)", async () => {
    await assert.rejects(
      cEngine.run({args: ['-cell', '10', '10', '10', '-nopgm'], cwd: dir}),
      (e: Error) => e.name === 'InputError' && /^no structure factors/.test(e.message),
    )
  })

  it('kills a run that exceeds the timeout', async () => {
    const t0 = Date.now()
    await assert.rejects(
      cEngine.run({
        args: '-cell 100 100 100 90 90 90 -default_F 1 -detpixels 3000 -oversample 4 -nopgm -nonoise -floatfile big.bin -intfile big.img'.split(' '),
        cwd: dir,
        timeoutMs: 300,
      }),
      /timed out/,
    )
    assert.ok(Date.now() - t0 < 10000)
    assert.ok(!existsSync(join(dir, 'big.img')))
  })
})
