// Contract traces from the TypeScript engine: schema-valid files, the traced float_pixel equals
// the full image's pixel bit for bit (including the order-dependent quirks Q3 and Q8), config
// hash, inputs, and speed on a large detector.
import {strict as assert} from 'node:assert'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tsEngine} from '../../src/engines/ts.js'
import {validateFile} from '../../src/trace/validate-files.js'
import {canonicalJson} from '../../src/trace/numbers.js'
import {sha256Hex} from '../../src/trace/header.js'
import {buildModel} from '../../src/sim/model.js'
import {renderImage, traceInMemory} from '../../src/sim/run.js'
import {goldenCases, tempDir} from './helpers.js'

describe('sim: contract traces', function () {
  this.timeout(60000)

  it('writes a schema-valid trace with header, config hash and input hashes', async () => {
    const c = goldenCases().find((x) => x.name.startsWith('c03'))!
    const wd = tempDir()
    try {
      writeFileSync(join(wd, 'sparse.hkl'), readFileSync(join(c.dir, 'sparse.hkl')))
      const r = await tsEngine.run({args: c.args, cwd: wd, tracePixel: c.tracePixel, traceOut: 't.jsonl'})
      assert.deepEqual(r.outputs, [join(wd, 't.jsonl')])
      const v = await validateFile(join(wd, 't.jsonl'))
      assert.ok(v.valid, v.error ?? '')
      const lines = readFileSync(join(wd, 't.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      const h = lines[0]
      assert.equal(h.producer.name, 'nbtrace-ts')
      assert.equal(h.producer.language, 'typescript')
      assert.equal(h.producer.precision, 'float64')
      assert.deepEqual(h.pixel, c.tracePixel)
      assert.equal(h.configHash, sha256Hex(canonicalJson(h.config)))
      assert.equal(h.inputs.length, 1)
      assert.equal(h.inputs[0].role, 'hkl')
      assert.equal(h.inputs[0].sha256, sha256Hex(readFileSync(join(c.dir, 'sparse.hkl'))))
      assert.equal(lines[lines.length - 1].type, 'footer')
      assert.equal(lines[lines.length - 1].count, lines.length - 2)
    } finally {
      rmSync(wd, {recursive: true, force: true})
    }
  })

  it('traced float_pixel equals the full image pixel bit for bit (every 7th pixel, Q3 and Q8 cases)', async () => {
    for (const name of ['c05', 'c19', 'c10', 'c11', 'c07']) {
      const c = goldenCases().find((x) => x.name.startsWith(name))!
      const m = buildModel(c.args, {cwd: c.dir})
      const img = await renderImage(m)
      const k = m.kernel
      for (let idx = 0; idx < img.length; idx += 7) {
        const slow = Math.floor(idx / k.fpixels)
        const fast = idx % k.fpixels
        const t = traceInMemory({args: c.args, cwd: c.dir, pixel: {slow, fast}})
        const fp = t.values[t.values.length - 1]
        assert.equal(fp.name, 'float_pixel')
        assert.ok(Object.is(fp.value, img[idx]), `${name} pixel ${slow},${fast}: traced ${fp.value} vs image ${img[idx]}`)
      }
    }
  })

  it('traces one pixel of a 4096x4096 detector in well under a second', () => {
    const args =
      '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 4096 -pixel 0.05 -N 5 -oversample 2 -phi 0 -osc 1 -phisteps 2'.split(' ')
    const t0 = Date.now()
    const t = traceInMemory({args, cwd: '.', pixel: {slow: 4000, fast: 4000}})
    const ms = Date.now() - t0
    assert.ok(ms < 1000, `${ms} ms`)
    assert.equal(t.values[t.values.length - 1].name, 'float_pixel')
  })
})
