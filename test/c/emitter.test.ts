// The drop-in emitter (instrumented-c/include/nbtrace.h) on its own: a tiny C program writes a
// trace; it must validate against the schemas, print doubles exactly like JavaScript's String(x),
// hash files and the canonical config like Node does, write atomically and mark early exits.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {canonicalJson, decodeNumber, encodeNumber} from '../../src/trace/numbers.js'
import {CDIR, readJsonl, traceValidator} from './helpers.js'

const PROGRAM = String.raw`
#define NBTRACE_IMPLEMENTATION
#include "nbtrace.h"
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static double from_bits(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }

int main(int argc, char **argv)
{
    const char *mode = argv[1];
    if (!strcmp(mode, "fmt")) {            /* hex bit patterns on stdin -> JS text */
        char line[64], buf[32];
        while (fgets(line, sizeof line, stdin)) {
            uint64_t b = strtoull(line, NULL, 16);
            puts(nbt_fmt_num(buf, from_bits(b)));
        }
        return 0;
    }
    if (!strcmp(mode, "sha")) { char hex[65]; if (nbt_sha256_file(argv[2], hex)) return 1; puts(hex); return 0; }
    if (!strcmp(mode, "canon")) {           /* config text file -> canonical hash via header */
        static char text[1 << 20]; FILE *f = fopen(argv[2], "rb"); size_t n = fread(text, 1, sizeof text - 1, f); text[n] = 0; fclose(f);
        if (nbt_open(argv[3], -1, -1)) return 2;
        if (nbt_set_config_json(text)) return 3;
        nbt_close();
        return 0;
    }
    /* trace / exit / signal */
    if (nbt_open(argv[2], 3, 4)) return 2;
    nbt_set_producer("tiny", "1.0", NULL, "{\"cc\":\"gcc\",\"opt\":\"-O2\",\"fp_contract\":\"off\"}");
    nbt_set_args(argc, argv);
    nbt_add_input("hkl", argv[0]);
    nbt_begin();
    {
        FILE *probe = fopen(argv[2], "r");
        if (probe) { fclose(probe); fprintf(stderr, "final file visible before close\n"); return 4; }
    }
    nbt_on = nbt_armed;
    {
        double v[3] = {1e-7, 1.5e29, 0.000001}, m[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        NBT_INT("fpixels", NBT_L0, 64);
        NBT_SCALAR("pixel_size", NBT_L0, 1e-4);
        NBT_VEC3("beam_vector", NBT_L0, v);
        NBT_IVEC3("N_cells", NBT_L0, 5, 5, 5);
        NBT_ENUM("convention", NBT_L0, "MOSFLM");
        NBT_MAT3("mosaic_umat", NBT_LDOMAIN(0), m);
        NBT_SCALAR("Odet", NBT_LTHICK(0), -0.0);
        NBT_SCALAR("airpath", NBT_LSUB(0, 1, 2), NAN);
        NBT_SCALAR("stol", NBT_LSRC(0, 1, 2, 3), INFINITY);
        NBT_SCALAR("phi", NBT_LPHI(0, 1, 2, 3, 4), -INFINITY);
        NBT_VEC3V("hkl_frac", NBT_LMOS(0, 1, 2, 3, 4, 5), DBL_MAX, DBL_MIN, 5e-324);
        NBT_ENUM("F_cell_mode", NBT_LMOS(0, 1, 2, 3, 4, 5), "tricubic");
    }
    if (!strcmp(mode, "exit")) exit(3);
    if (!strcmp(mode, "signal")) raise(SIGTERM);
    nbt_on = 0;
    nbt_close();
    return 0;
}
`

describe('nbtrace.h emitter', function () {
  this.timeout(60000)
  let dir = ''
  let exe = ''
  before(function () {
    const cc = process.env.CC || 'gcc'
    if (spawnSync(cc, ['--version']).status !== 0) this.skip()
    dir = mkdtempSync(join(tmpdir(), 'nbtrace-emitter-'))
    writeFileSync(join(dir, 'tiny.c'), PROGRAM)
    exe = join(dir, 'tiny')
    const r = spawnSync(cc, ['-std=c99', '-O2', '-ffp-contract=off', '-Wall', '-Wextra', '-DNBTRACE_ENABLE', `-I${join(CDIR, 'include')}`, 'tiny.c', '-o', exe, '-lm'], {cwd: dir, encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stderr.trim(), '', 'the emitter compiles without warnings')
  })
  after(() => dir && rmSync(dir, {recursive: true, force: true}))

  it('writes a schema-valid trace with every value kind and special doubles', () => {
    const out = join(dir, 't.jsonl')
    const r = spawnSync(exe, ['trace', out], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    assert.ok(!existsSync(out + '.part'), 'temporary file renamed away')
    const recs = readJsonl(out)
    const validate = traceValidator()
    for (const rec of recs) assert.ok(validate(rec), JSON.stringify(validate.errors))
    const h = recs[0]
    assert.equal(h.producer.language, 'c')
    assert.equal(h.producer.precision, 'float64')
    assert.deepEqual(h.producer.flags, {cc: 'gcc', fp_contract: 'off', opt: '-O2'})
    assert.deepEqual(h.pixel, {slow: 3, fast: 4})
    assert.equal(h.config, null)
    assert.equal(h.inputs[0].sha256, createHash('sha256').update(readFileSync(exe)).digest('hex'))
    const byName = Object.fromEntries(recs.filter((x) => x.type === 'value').map((x) => [x.name, x]))
    assert.deepEqual(byName.beam_vector.value, [1e-7, 1.5e29, 0.000001])
    assert.ok(Object.is(decodeNumber(byName.Odet.value), -0))
    assert.ok(Number.isNaN(decodeNumber(byName.airpath.value)))
    assert.equal(decodeNumber(byName.stol.value), Infinity)
    assert.equal(decodeNumber(byName.phi.value), -Infinity)
    assert.deepEqual(byName.hkl_frac.value, [Number.MAX_VALUE, 2.2250738585072014e-308, 5e-324])
    assert.deepEqual(byName.hkl_frac.loop, {thick: 0, subS: 1, subF: 2, source: 3, phi: 4, mosaic: 5})
    assert.deepEqual(byName.mosaic_umat.loop, {mosaic: 0})
    const text = readFileSync(out, 'utf8').split('\n')
    assert.equal(text[1], '{"type":"value","seq":0,"name":"fpixels","loop":{},"value":64}')
    assert.ok(text.includes('{"type":"value","seq":6,"name":"Odet","loop":{"thick":0},"value":-0}'))
    assert.ok(text.includes('{"type":"value","seq":2,"name":"beam_vector","loop":{},"value":[1e-7,1.5e+29,0.000001]}'))
    assert.deepEqual(recs[recs.length - 1], {type: 'footer', count: 12, status: 'complete'})
  })

  it('prints doubles exactly like JavaScript String(x)', () => {
    const xs: number[] = [0.1, 1 / 3, 2 / 3, 1e21, 1e20, 123456789012345680000, 1e-6, 9.999999999999999e-7, 1e-7, 5e-324,
      Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 2 ** -1074, 2 ** 1023, 1.5e29, 125932015286227086360700780544.0, 7.94079248018965e-30,
      100, 1e10, 0.000001234, 1.7976931348623157e308, 4.35, 0.3, 1e23, 2 ** 60, 9007199254740993]
    for (let e = -1074; e <= 1023; e += 7) xs.push(2 ** e, -(2 ** e) * 3)
    const buf = new DataView(new ArrayBuffer(8))
    let seed = 12345
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296)
    for (let i = 0; i < 20000; i++) {
      buf.setUint32(0, Math.floor(rnd() * 4294967296))
      buf.setUint32(4, Math.floor(rnd() * 4294967296))
      const x = buf.getFloat64(0)
      if (Number.isFinite(x)) xs.push(x)
      xs.push(Number((rnd() * 10 ** Math.floor(rnd() * 40 - 20)).toPrecision(1 + Math.floor(rnd() * 17))))
    }
    xs.push(-0, 0, NaN, Infinity, -Infinity)
    const hex = xs.map((x) => {
      buf.setFloat64(0, x)
      return buf.getBigUint64(0).toString(16)
    })
    const r = spawnSync(exe, ['fmt'], {input: hex.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26})
    assert.equal(r.status, 0)
    const got = r.stdout.trim().split('\n')
    assert.equal(got.length, xs.length)
    const bad = xs.map((x, i) => [encodeNumber(x), got[i]]).filter(([a, b]) => a !== b)
    assert.deepEqual(bad.slice(0, 10), [])
  })

  it('hashes files with SHA-256 like Node', () => {
    for (const content of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'q'.repeat(100000)]) {
      const f = join(dir, 'h.txt')
      writeFileSync(f, content)
      const r = spawnSync(exe, ['sha', f], {encoding: 'utf8'})
      assert.equal(r.stdout.trim(), createHash('sha256').update(content).digest('hex'))
    }
  })

  it('canonicalizes a config object and hashes it like canonicalJson', () => {
    const config = {zeta: [1e-7, -0, 1.5e29, null], alpha: {b: true, a: 'x\n"y"'}, mid: 0.1, neg: -3, s: 'é', e: []}
    const text = '{ "zeta": [1e-7, -0.0, 15e28, null], "alpha": {"b": true, "a": "x\\n\\"y\\""},\n "mid": 0.10, "neg": -3E0, "s": "\\u00e9", "e": [ ] }'
    const f = join(dir, 'cfg.json')
    writeFileSync(f, text)
    const out = join(dir, 'c.jsonl')
    const r = spawnSync(exe, ['canon', f, out], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const raw = readFileSync(out, 'utf8').split('\n')[0]
    const canon = canonicalJson(config)
    assert.ok(raw.includes(`"config":${canon},`), `${raw}\n${canon}`)
    assert.equal(JSON.parse(raw).configHash, createHash('sha256').update(canon).digest('hex'))
  })

  it('marks an early exit as aborted with a reason', () => {
    const out = join(dir, 'x.jsonl')
    const r = spawnSync(exe, ['exit', out])
    assert.equal(r.status, 3)
    const recs = readJsonl(out)
    const foot = recs[recs.length - 1]
    assert.equal(foot.status, 'aborted')
    assert.match(foot.reason, /exited/)
    assert.equal(foot.count, 12)
    assert.ok(traceValidator()(foot))
  })

  it('marks a fatal signal as aborted', () => {
    const out = join(dir, 's.jsonl')
    const r = spawnSync(exe, ['signal', out])
    assert.equal(r.signal, 'SIGTERM')
    const recs = readJsonl(out)
    assert.deepEqual(recs[recs.length - 1], {type: 'footer', count: 12, status: 'aborted', reason: 'killed by SIGTERM (15)'})
  })

  it('compiles out entirely without NBTRACE_ENABLE', () => {
    const src = join(dir, 'off.c')
    writeFileSync(src, '#include "nbtrace.h"\nint main(void){ double x = 1; NBT_SCALAR("airpath", NBT_LSUB(0,0,0), x); NBT_PIXEL(0,0); NBT_PIXEL_END(); return (int)x - 1; }\n')
    const r = spawnSync(process.env.CC || 'gcc', ['-std=c99', '-O2', '-Wall', `-I${join(CDIR, 'include')}`, src, '-o', join(dir, 'off')], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const nm = spawnSync('nm', [join(dir, 'off')], {encoding: 'utf8'})
    if (nm.status === 0) assert.ok(!/nbt_/.test(nm.stdout), 'no emitter symbols linked')
    assert.equal(spawnSync(join(dir, 'off')).status, 0)
  })
})
