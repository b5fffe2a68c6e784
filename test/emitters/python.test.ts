import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {configHash} from '../../src/trace/header.js'
import {canonicalJson, decodeNumber, encodeNumber} from '../../src/trace/numbers.js'
import {ROOT, runCli, schemaValidator, tempDir} from '../parity/helpers.js'

const EMITTER_DIR = join(ROOT, 'emitters', 'python')
const probe = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {encoding: 'utf8'})
const pythonVersion = probe.status === 0 ? probe.stdout.trim() : null

function py(code: string, input?: string): string {
  const r = spawnSync('python3', ['-c', code], {cwd: EMITTER_DIR, encoding: 'utf8', input, maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

function hexOf(x: number): string {
  const b = Buffer.alloc(8)
  b.writeDoubleBE(x)
  return b.toString('hex')
}

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('python emitter (emitters/python/nbtrace_emit.py)', function () {
  before(function () {
    if (!pythonVersion) {
      console.log('      (skipped: python3 is not installed; the Python emitter tests need it)')
      this.skip()
    }
  })

  it('the vectorized example writes a schema-valid trace that `nbtrace validate` accepts', () => {
    const dir = tempDir('nbtrace-py-')
    const out = join(dir, 'toy.jsonl')
    const r = spawnSync('python3', [join(EMITTER_DIR, 'example_vectorized.py'), out], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const validate = schemaValidator('trace.schema.json')
    const recs = lines(out)
    for (const [i, rec] of recs.entries()) assert.deepEqual(validate(rec), {ok: true, errors: ''}, `line ${i + 1}`)
    const header = recs[0] as {type: string; producer: {language: string}; pixel: unknown}
    assert.equal(header.type, 'header')
    assert.equal(header.producer.language, 'python')
    assert.deepEqual(header.pixel, {slow: 31, fast: 40})
    const values = recs.slice(1, -1)
    values.forEach((v, i) => assert.equal(v.seq, i))
    assert.deepEqual(recs[recs.length - 1], {type: 'footer', count: values.length, status: 'complete'})
    // loop keys in contract order, one record per element along the vectorized axis
    const rotA = values.filter((v) => v.name === 'rot_a')
    assert.equal(rotA.length, 4 * 3)
    assert.equal(JSON.stringify(rotA[4].loop), '{"thick":0,"subS":0,"subF":0,"source":0,"phi":1,"mosaic":1}')
    assert.deepEqual(readdirSync(dir), ['toy.jsonl'], 'a temporary file was left behind')
    if (existsSync(join(ROOT, 'src', 'commands', 'validate.ts'))) {
      const v = runCli(['validate', out])
      assert.equal(v.status, 0, v.stdout + v.stderr)
      assert.match(v.stdout, /valid \(\d+ value records\)/)
    }
  })

  it('js_number/encode_number print every double as JavaScript does (40k doubles)', () => {
    const xs: number[] = [
      0, -0, NaN, Infinity, -Infinity, 1, -1, 0.1, 1e-7, 1e-6, 1.5e-6, 0.000001, 1e16, 1e21, 1e20, 9.999999999999999e20, 1.5e29, 123, 123.456,
      5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1 / 3, 2 / 3, 100, 1e-10, 4.35, 0.3,
    ]
    fc.sample(fc.double(), 15000).forEach((x) => xs.push(x))
    fc.sample(fc.double({min: -1e25, max: 1e25, noNaN: true}), 5000).forEach((x) => xs.push(x))
    fc.sample(fc.tuple(fc.integer({min: -99999, max: 99999}), fc.integer({min: -330, max: 310})), 10000).forEach(([m, e]) => xs.push(Number(`${m}e${e}`)))
    fc.sample(fc.integer({min: -1100, max: 1100}), 5000).forEach((e) => xs.push(2 ** e, -(2 ** e) * 1.5))
    const code = 'import sys\nfrom nbtrace_emit import encode_number\nimport struct\nsys.stdout.write("\\n".join(encode_number(struct.unpack(">d", bytes.fromhex(h))[0]) for h in sys.stdin.read().split()))'
    const got = py(code, xs.map(hexOf).join('\n')).split('\n')
    assert.equal(got.length, xs.length)
    let bad = 0
    const examples: string[] = []
    xs.forEach((x, i) => {
      const want = encodeNumber(x)
      if (got[i] !== want) {
        bad++
        if (examples.length < 5) examples.push(`${want} printed as ${got[i]}`)
      }
    })
    assert.equal(bad, 0, examples.join('; '))
    assert.ok(xs.length > 40000)
  })

  it('special doubles survive emitter → reader exactly (scalars and vectors)', () => {
    const dir = tempDir('nbtrace-py-')
    const out = join(dir, 'specials.jsonl')
    const specials = [NaN, Infinity, -Infinity, -0, 0, 5e-324, -5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1, 1e-7, 1e16, 1e21, 2 ** 53 + 2, 1 / 3]
    const code = `
import struct, sys
from nbtrace_emit import TraceEmitter
xs = [struct.unpack(">d", bytes.fromhex(h))[0] for h in sys.stdin.read().split()]
with TraceEmitter(${JSON.stringify(out)}, producer="specials", version="1", pixel={"slow": 0, "fast": 1}) as tr:
    tr.emit_axis("I_term", xs, axis="mosaic", thick=0, subS=0, subF=0, source=0, phi=0)
    tr.emit("pix0_vector", [xs[0], xs[3], xs[1]])
`
    py(code, specials.map(hexOf).join('\n'))
    const validate = schemaValidator('trace.schema.json')
    const recs = lines(out)
    for (const rec of recs) assert.deepEqual(validate(rec), {ok: true, errors: ''})
    const terms = recs.filter((r) => r.name === 'I_term')
    assert.equal(terms.length, specials.length)
    terms.forEach((r, i) => {
      const v = decodeNumber(r.value)
      assert.ok(Object.is(v, specials[i]), `${specials[i]} came back as ${v}`)
      assert.equal((r.loop as {mosaic: number}).mosaic, i)
    })
    const vec = recs.find((r) => r.name === 'pix0_vector')!.value as unknown[]
    assert.deepEqual(vec, ['NaN', -0, 'Infinity'])
    assert.ok(Object.is(vec[1], -0))
    assert.match(readFileSync(out, 'utf8'), /"value":\["NaN",-0,"Infinity"\]/)
  })

  it('configHash and canonical JSON match the TypeScript implementation', () => {
    const out = py(`
from nbtrace_emit import canonical_json, config_hash
cfg = {"zeta": 1e-07, "alpha": [1e16, -0.0, float("nan"), float("inf")], "Beta": None, "mid": {"b": True, "a": "MOSFLM", "é": 1.5e+29}, "n": 64, "x": 0.1}
print(canonical_json(cfg))
print(config_hash(cfg))
`).trim().split('\n')
    const cfg = {zeta: 1e-7, alpha: [1e16, -0, NaN, Infinity], Beta: null, mid: {b: true, a: 'MOSFLM', é: 1.5e29}, n: 64, x: 0.1}
    assert.equal(out[0], canonicalJson(cfg))
    assert.equal(out[1], configHash(cfg))
  })

  it('an exception inside `with` leaves an aborted trace with the reason; nothing exists before close', () => {
    const dir = tempDir('nbtrace-py-')
    const out = join(dir, 'aborted.jsonl')
    const res = py(`
import os
from nbtrace_emit import TraceEmitter
seen = None
try:
    with TraceEmitter(${JSON.stringify(out)}, producer="p", version="1") as tr:
        tr.emit("fpixels", 64)
        seen = os.path.exists(${JSON.stringify(out)})
        raise RuntimeError("boom\\nsecond line")
except RuntimeError:
    pass
print(seen)
`)
    assert.equal(res.trim(), 'False')
    const recs = lines(out)
    assert.deepEqual(recs[recs.length - 1], {type: 'footer', count: 1, status: 'aborted', reason: 'RuntimeError: boom second line'})
    assert.deepEqual(readdirSync(dir), ['aborted.jsonl'])
  })

  it('accepts array-likes with .tolist() and refuses what the contract does not allow', () => {
    const dir = tempDir('nbtrace-py-')
    const out = join(dir, 't.jsonl')
    const res = py(`
from nbtrace_emit import TraceEmitter
class FakeTensor:
    def __init__(self, v): self.v = v
    def tolist(self): return self.v
errors = []
with TraceEmitter(${JSON.stringify(out)}, producer="p", version="1") as tr:
    tr.emit_axis("ap", FakeTensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), axis="phi", thick=0, subS=0, subF=0, source=0)
    tr.emit("fpixels", FakeTensor(64))
    for bad in [lambda: tr.emit("not_in_catalogue", 1.0), lambda: tr.emit("phi", 1.0, phi=0), lambda: tr.emit("fpixels", True),
                lambda: tr.emit("convention", "has space"), lambda: tr.emit("ap", [1.0, 2.0], thick=0, subS=0, subF=0, source=0, phi=0),
                lambda: tr.emit("phi", 1.0, thick=0, subS=0, subF=0, source=0, phi=-1)]:
        try:
            bad()
        except (ValueError, TypeError) as e:
            errors.append(type(e).__name__)
print(",".join(errors))
`)
    assert.equal(res.trim(), 'ValueError,ValueError,TypeError,ValueError,ValueError,ValueError')
    const recs = lines(out)
    assert.deepEqual(recs.slice(1, -1).map((r) => [r.name, r.value, (r.loop as {phi?: number}).phi]), [
      ['ap', [1, 2, 3], 0],
      ['ap', [4, 5, 6], 1],
      ['fpixels', 64, undefined],
    ])
  })

  it('runs on the Python 3.8 language level (no newer syntax)', () => {
    const r = py(`
import ast, sys
src = open("nbtrace_emit.py").read()
ast.parse(src, feature_version=(3, 8))
ast.parse(open("example_vectorized.py").read(), feature_version=(3, 8))
print("ok")
`)
    assert.equal(r.trim(), 'ok')
  })
})
