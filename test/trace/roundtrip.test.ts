// Writer then reader returns every double exactly: NaN, ±Infinity, -0, subnormals, extremes.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {makeHeader} from '../../src/trace/header.js'
import {canonicalJson, encodeNumber} from '../../src/trace/numbers.js'
import {loadTrace} from '../../src/trace/reader.js'
import type {ValueRecord} from '../../src/trace/records.js'
import {TraceWriter, writeTrace} from '../../src/trace/writer.js'

const header = () => makeHeader({producer: {name: 'test', version: '0', precision: 'float64'}, pixel: {slow: 1, fast: 2}, args: [], config: null})
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

describe('trace number round-trip', () => {
  let dir: string
  before(() => (dir = mkdtempSync(join(tmpdir(), 'nbtrace-rt-'))))
  after(() => rmSync(dir, {recursive: true, force: true}))

  const specials = [
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e-10,
    0.1,
    1 / 3,
    1.2598e29,
    2 ** 53 + 2,
  ]

  it('encodes specials as the contract says', () => {
    assert.equal(encodeNumber(-0), '-0')
    assert.equal(encodeNumber(Number.NaN), '"NaN"')
    assert.equal(encodeNumber(-Infinity), '"-Infinity"')
    assert.equal(encodeNumber(1e-7), '1e-7')
    assert.equal(canonicalJson({b: [1, -0], a: Number.NaN}), '{"a":"NaN","b":[1,-0]}')
  })

  it('special doubles survive writer → reader exactly (scalars and vectors)', async () => {
    const file = join(dir, 'specials.jsonl')
    const w = new TraceWriter(file, header())
    for (const x of specials) w.value('airpath', {thick: 0, subS: 0, subF: 0}, x)
    w.value('pixel_pos', {thick: 0, subS: 0, subF: 1}, [-0, Number.NaN, 5e-324])
    await w.close()
    const t = await loadTrace(file)
    specials.forEach((x, i) => assert.ok(same(t.values[i].value as number, x), `${x} → ${t.values[i].value}`))
    const v = t.values.at(-1)!.value as number[]
    assert.ok(Object.is(v[0], -0) && Number.isNaN(v[1]) && v[2] === 5e-324)
  })

  it('any double survives writer → reader exactly (property, 2000 runs)', async () => {
    const file = join(dir, 'prop.jsonl')
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double(), {minLength: 1, maxLength: 30}), async (xs) => {
        const values: ValueRecord[] = xs.map((x, i) => ({type: 'value', seq: i, name: 'airpath', loop: {thick: 0, subS: 0, subF: i}, value: x}))
        await writeTrace(file, header(), values)
        const t = await loadTrace(file)
        return t.values.every((r, i) => same(r.value as number, xs[i]))
      }),
      {numRuns: 2000},
    )
  })

  it('a trace of many write chunks reads back record for record, loop keys in canonical order', async () => {
    // the writer joins lines into ~64 KiB chunks: 5000 records span several, with lines cut nowhere
    const file = join(dir, 'chunks.jsonl')
    const values: ValueRecord[] = Array.from({length: 5000}, (_, i) => ({
      type: 'value',
      seq: i,
      name: i % 3 === 0 ? 'pixel_pos' : 'airpath',
      loop: {subF: i % 7, thick: 0, subS: i >> 3},
      value: i % 3 === 0 ? [i / 7, -0, Number.NaN] : i / 3,
    }))
    await writeTrace(file, header(), values)
    const text = readFileSync(file, 'utf8')
    assert.ok(text.length > 4 * 64 * 1024, `${text.length} bytes`)
    assert.equal(text.split('\n')[2], '{"type":"value","seq":1,"name":"airpath","loop":{"thick":0,"subS":0,"subF":1},"value":0.3333333333333333}')
    const t = await loadTrace(file)
    assert.equal(t.values.length, 5000)
    t.values.forEach((r, i) => {
      assert.equal(r.seq, i)
      assert.equal(r.name, values[i].name)
      assert.deepEqual(r.loop, values[i].loop)
    })
    assert.deepEqual(t.values[4998].value, [4998 / 7, -0, Number.NaN])
  })

  it('reads gzip traces', async () => {
    const {gzipSync} = await import('node:zlib')
    const file = join(dir, 'g.jsonl')
    await writeTrace(file, header(), [{type: 'value', seq: 0, name: 'fpixels', loop: {}, value: 64}])
    writeFileSync(file + '.gz', gzipSync(readFileSync(file)))
    const t = await loadTrace(file + '.gz')
    assert.equal(t.values[0].value, 64)
  })

  it('leaves nothing at the target when a write is aborted', async () => {
    const file = join(dir, 'aborted.jsonl')
    const w = new TraceWriter(file, header())
    w.value('fpixels', {}, 1)
    await w.abort()
    assert.throws(() => readFileSync(file), /ENOENT/)
  })
})
