// The drop-in emitter (instrumented-c/include/nbtrace.h) on its own: a tiny C program writes a
// trace; it must validate against the schemas, print doubles exactly like JavaScript's String(x),
// hash files and the canonical config like Node does, write atomically and mark early exits.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {canonicalJson, decodeNumber, encodeNumber} from '../../src/trace/numbers.js'
import {CDIR, readJsonl, traceValidator} from './helpers.js'

const CC = process.env.CC || 'gcc'
const STRICT = ['-O2', '-fno-fast-math', '-ffp-contract=off']
const FMT_CHECK = fileURLToPath(new URL('./fmt-check.c', import.meta.url))

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
    const r = spawnSync(
      cc,
      ['-std=c99', '-O2', '-ffp-contract=off', '-Wall', '-Wextra', '-DNBTRACE_ENABLE', `-I${join(CDIR, 'include')}`, 'tiny.c', '-o', exe, '-lm'],
      {cwd: dir, encoding: 'utf8'},
    )
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
    // literals with more digits than a double holds are deliberate: the nearest double is the input
    /* eslint-disable no-loss-of-precision */
    const xs: number[] = [
      0.1,
      1 / 3,
      2 / 3,
      1e21,
      1e20,
      123456789012345680000,
      1e-6,
      9.999999999999999e-7,
      1e-7,
      5e-324,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      2 ** 53,
      2 ** -1074,
      2 ** 1023,
      1.5e29,
      125932015286227086360700780544.0,
      7.94079248018965e-30,
      100,
      1e10,
      0.000001234,
      1.7976931348623157e308,
      4.35,
      0.3,
      1e23,
      2 ** 60,
      9007199254740993,
    ]
    /* eslint-enable no-loss-of-precision */
    for (let e = -1074; e <= 1023; e += 7) xs.push(2 ** e, -(2 ** e) * 3)
    const buf = new DataView(new ArrayBuffer(8))
    let seed = 12345
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296
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
    writeFileSync(
      src,
      '#include "nbtrace.h"\nint main(void){ double x = 1; NBT_SCALAR("airpath", NBT_LSUB(0,0,0), x); NBT_PIXEL(0,0); NBT_PIXEL_END(); return (int)x - 1; }\n',
    )
    const r = spawnSync(process.env.CC || 'gcc', ['-std=c99', '-O2', '-Wall', `-I${join(CDIR, 'include')}`, src, '-o', join(dir, 'off')], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const nm = spawnSync('nm', [join(dir, 'off')], {encoding: 'utf8'})
    if (nm.status === 0) assert.ok(!/nbt_/.test(nm.stdout), 'no emitter symbols linked')
    assert.equal(spawnSync(join(dir, 'off')).status, 0)
  })

  it("prints the shortest round-trip digits on 10^6 random doubles (subnormals included), checked with printf %.Ne + strtod, and the old formatter's text on 5x10^4", function () {
    this.timeout(600000) // about 4 s of CPU; much more wall time on a loaded machine
    const bin = join(dir, 'fmt-check')
    const b = spawnSync(CC, ['-std=c99', ...STRICT, '-D_DEFAULT_SOURCE', '-Wall', '-Wextra', `-I${join(CDIR, 'include')}`, FMT_CHECK, '-o', bin, '-lm'], {
      encoding: 'utf8',
    })
    assert.equal(b.status, 0, b.stderr)
    assert.equal(b.stderr.trim(), '', 'fmt-check compiles without warnings')
    // a different slice of the 10^7 that bench/cases/fmt.ts checks (seed 1 there)
    let r = spawnSync(bin, ['check', '1000000', '20240601'], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const res = JSON.parse(r.stdout)
    assert.deepEqual([res.roundTripFailures, res.notShortest, res.notNearest, res.printf17gFailures], [0, 0, 0, 0])
    assert.ok(res.subnormal > 50000, `subnormals exercised (${res.subnormal})`)
    r = spawnSync(bin, ['ref', '50000', '7'], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).referenceDifferences, 0)
  })

  it('prints what JavaScript prints on 200 000 more doubles of the same mix', function () {
    this.timeout(300000)
    const bin = join(dir, 'fmt-check')
    if (!existsSync(bin)) this.skip()
    const r = spawnSync(bin, ['print', '200000', '99'], {encoding: 'utf8', maxBuffer: 1 << 26})
    assert.equal(r.status, 0, r.stderr)
    const buf = new DataView(new ArrayBuffer(8))
    const bad: string[] = []
    for (const line of r.stdout.trim().split('\n')) {
      const [hex, text] = line.split(' ')
      buf.setBigUint64(0, BigInt('0x' + hex))
      const js = encodeNumber(buf.getFloat64(0))
      if (String(js) !== text) bad.push(`${hex}: C ${text}, JS ${js}`)
    }
    assert.deepEqual(bad.slice(0, 10), [])
  })

  it('nbt_take_args removes the trace flags wherever they are, so the program parses exactly the other arguments', () => {
    const src = join(dir, 'args.c')
    writeFileSync(
      src,
      String.raw`
#define NBTRACE_IMPLEMENTATION
#include "nbtrace.h"
#include <stdio.h>
int main(int argc, char **argv)
{
    int i, r = nbt_take_args(&argc, argv);
    printf("%d %d", r, argc);
    for (i = 1; i < argc; i++) printf(" [%s]", argv[i]);
    printf(" %s\n", argv[argc] == NULL ? "null" : "?");
    if (r == 1) { nbt_begin(); nbt_close(); }
    return r < 0 ? 2 : 0;
}
`,
    )
    const bin = join(dir, 'args')
    const b = spawnSync(CC, ['-std=c99', ...STRICT, '-Wall', '-Wextra', '-DNBTRACE_ENABLE', `-I${join(CDIR, 'include')}`, src, '-o', bin, '-lm'], {
      encoding: 'utf8',
    })
    assert.equal(b.status, 0, b.stderr)
    const out = join(dir, 'args.jsonl')
    // upstream-style parsers read "-misset_seed 5" followed by three more arguments as misset
    // angles: the trace flags after it must vanish before the program looks
    let r = spawnSync(bin, ['-cell', '1', '-misset_seed', '5', '-trace_pixel', '7', '9', '-trace_out', out], {encoding: 'utf8'})
    assert.equal(r.stdout.trim(), '1 5 [-cell] [1] [-misset_seed] [5] null')
    const h = readJsonl(out)[0]
    assert.deepEqual(h.pixel, {slow: 7, fast: 9})
    assert.deepEqual(h.args, ['-cell', '1', '-misset_seed', '5'])
    r = spawnSync(bin, ['-trace_out', out, '-pixel', '0.1', '-trace_pixel', '3', '4', '-N', '5'], {encoding: 'utf8'})
    assert.equal(r.stdout.trim(), '1 5 [-pixel] [0.1] [-N] [5] null')
    assert.deepEqual(readJsonl(out)[0].pixel, {slow: 3, fast: 4})
    r = spawnSync(bin, ['-N', '5'], {encoding: 'utf8'})
    assert.equal(r.stdout.trim(), '0 3 [-N] [5] null', 'no trace flags: nothing opened')
    for (const bad of [
      ['-trace_pixel', '3'],
      ['-trace_pixel', '3', 'x'],
      ['-trace_pixel', '-1', '2'],
      ['-trace_pixel', '1', '2', '-trace_out'],
    ]) {
      r = spawnSync(bin, bad, {encoding: 'utf8'})
      assert.equal(r.status, 2, bad.join(' '))
      assert.match(r.stderr, /^nbtrace: -trace_(pixel|out) needs/)
    }
  })

  it('under OpenMP with default(none), only the thread computing the traced pixel emits: 1, 2 and 16 threads write the serial trace byte for byte', function () {
    this.timeout(300000)
    if (spawnSync(CC, ['-fopenmp', '-x', 'c', '-', '-o', join(dir, 'omp-probe')], {input: 'int main(void){return 0;}'}).status !== 0) {
      console.log('      (skipped: this compiler has no -fopenmp)')
      this.skip()
    }
    // the region names only its own variables: the trace macros need no clause entries
    const src = join(dir, 'omp.c')
    writeFileSync(
      src,
      String.raw`
#define NBTRACE_IMPLEMENTATION
#include "nbtrace.h"
#include <math.h>
#include <stdio.h>
static double img[48 * 48];
int main(int argc, char **argv)
{
    int s, f, n = 48; double sum = 0;
    if (nbt_take_args(&argc, argv) < 0) return 2;
    nbt_begin();
    NBT_SETUP_BEGIN(); NBT_INT("fpixels", NBT_L0, n); NBT_SETUP_END();
    #pragma omp parallel for schedule(static, 1) private(f) shared(n, img) reduction(+:sum) default(none)
    for (s = 0; s < n; s++) {
        for (f = 0; f < n; f++) {
            double I = 0; int m;
            NBT_PIXEL(s, f);
            for (m = 0; m < 40; m++) {
                I += sin(0.1 * s + 0.01 * f + m);
                NBT_SCALAR("I_sum", NBT_LMOS(0, 0, 0, 0, 0, m), I);
            }
            NBT_SCALAR("I_before_scaling", NBT_L0, I);
            img[s * n + f] = I;
            NBT_SCALAR("float_pixel", NBT_L0, (double)(float)I);
            NBT_PIXEL_END();
            sum += I;
        }
    }
    nbt_close();
    printf("%.17g\n", sum);
    return 0;
}
`,
    )
    const build = (flags: string[], name: string): string => {
      const bin = join(dir, name)
      const b = spawnSync(
        CC,
        ['-std=gnu99', ...STRICT, '-Wall', '-Wextra', '-DNBTRACE_ENABLE', ...flags, `-I${join(CDIR, 'include')}`, src, '-o', bin, '-lm'],
        {encoding: 'utf8'},
      )
      assert.equal(b.status, 0, b.stderr)
      assert.equal(b.stderr.trim(), '', `${name} compiles without warnings`)
      return bin
    }
    const serial = build(['-Wno-unknown-pragmas'], 'omp-serial')
    const par = build(['-fopenmp'], 'omp-par')
    const body = (bin: string, threads: number, tag: string): string => {
      const out = join(dir, `omp-${tag}.jsonl`)
      const r = spawnSync(bin, ['-trace_pixel', '17', '29', '-trace_out', out], {encoding: 'utf8', env: {...process.env, OMP_NUM_THREADS: String(threads)}})
      assert.equal(r.status, 0, r.stderr)
      return readFileSync(out, 'utf8').replace(/"created":"[^"]*"/, '"created":""')
    }
    const ref = body(serial, 1, 'serial')
    const recs = ref
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.equal(recs.length, 1 + 1 + 40 + 2 + 1)
    assert.deepEqual(recs[0].pixel, {slow: 17, fast: 29})
    for (const t of [1, 2, 16]) assert.equal(body(par, t, `t${t}`), ref, `${t} threads`)
  })
})
