// nbtrace triage end to end, through the command: images that agree (exit 0, nothing traced),
// float32 rounding (one precision cause, whether the candidate accumulates in float32 or the
// images differ by an ulp only), the evidence folder (manifest, one folder per traced pixel whose
// report shows the cause), the cause map (the legend's colours are where the causes are), the C
// engine as candidate, a side that fails (exit 3, nothing written), and bad input (exit 2, one
// line naming the field or file, nothing written).
import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import pngjs from 'pngjs'
import {runCli} from '../helpers/cli.js'
import {CONFIGS, fault, triage, workDir} from './helpers.js'

const A = CONFIGS[0]

function floats(path: string): Float32Array {
  const b = readFileSync(path)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

describe('nbtrace triage', function () {
  this.timeout(600_000)
  let wd = ''
  before(async () => {
    wd = workDir()
    // the faithful image of configuration A, for the runs that are given images
    const img = await runCli(['simulate', '--engine', 'c', '--', ...A.args, '-floatfile', 'same.bin', '-intfile', 'same.img', '-nopgm', '-nonoise'], {cwd: wd})
    assert.equal(img.code, 0, img.stderr)
  })
  after(() => wd && rmSync(wd, {recursive: true, force: true}))

  it('two causes: verdict, table, cause map, evidence folders and manifest', async () => {
    const {r, json} = await triage(wd, ['--out', 'two', '--cand-inject', 'kahn-default-one,tile-fast-offset'], A.args)
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(json.causes.map((c) => c.variable).sort(), ['Fdet', 'kahn_factor'])
    const fdet = json.causes.find((c) => c.variable === 'Fdet')!
    // the tile fault acts on the second tile only; the polarization fault everywhere
    assert.deepEqual(fdet.region.tiles.sort(), ['lower-right', 'upper-right'])
    assert.equal(json.causes.find((c) => c.variable === 'kahn_factor')!.region.tiles.length, 4)
    // every traced pixel has its evidence, and each cause's representative shows that cause
    for (const t of json.traced) {
      for (const f of ['ref.jsonl', 'cand.jsonl', 'report.json', 'report.txt', 'diff.patch'])
        assert.ok(existsSync(join(wd, 'two', t.evidence, f)), `${t.evidence}/${f}`)
    }
    for (const c of json.causes) {
      const rep = JSON.parse(readFileSync(join(wd, 'two', c.representative.evidence, 'report.json'), 'utf8')) as {rootCauses: {name: string}[]}
      assert.ok(
        rep.rootCauses.some((x) => x.name === c.variable),
        `${c.representative.evidence}: ${rep.rootCauses.map((x) => x.name)}`,
      )
    }
    const manifest = JSON.parse(readFileSync(join(wd, 'two', 'manifest.json'), 'utf8')) as {files: {name: string}[]}
    const names = manifest.files.map((f) => f.name)
    for (const f of ['triage.json', 'causes.png', 'ref.float.bin', 'cand.float.bin', `${json.traced[0].evidence}/report.json`]) assert.ok(names.includes(f), f)
    // the cause map: each cause's legend colour is painted (at full strength at its largest |Δ|)
    const png = pngjs.PNG.sync.read(readFileSync(join(wd, 'two', 'causes.png')))
    const seen = new Set<string>()
    for (let i = 0; i < png.width * png.height; i++) {
      const o = 4 * i
      seen.add('#' + [png.data[o], png.data[o + 1], png.data[o + 2]].map((x) => x.toString(16).padStart(2, '0')).join(''))
    }
    assert.equal(json.map!.legend.length, 2)
    for (const l of json.map!.legend) assert.ok(seen.has(l.colour), `legend colour ${l.colour} (${l.name}) not in the map`)
    // the text output: the verdict line first, each cause with its share and representative
    const text = await runCli(['triage', '--out', 'two', '--cand-inject', 'kahn-default-one,tile-fast-offset', '--', ...A.args], {
      cwd: wd,
      env: {COLUMNS: '100'},
    })
    assert.equal(text.code, 1)
    const lines = text.stdout.split('\n')
    assert.ok(
      lines.every((l) => l.length <= 100),
      'a line is wider than COLUMNS',
    )
    // the verdict comes first (wrapped to the width)
    assert.match(
      text.stdout.replace(/\n {2,}/g, ' '),
      /^DIVERGED {2}2 independent causes explain (99\.9|100)% of the discrepancy: geometry \(Fdet\) [\d.]+%, polarization \(kahn_factor\) [\d.]+%/,
    )
    assert.match(text.stdout, /representative pixel \d+,\d+ .*pixels\/s\d+_f\d+/)
    assert.match(text.stdout, /cause map: two\/causes\.png/)
  })

  it('exits 0 at once when the images agree', async () => {
    const {r, json} = await triage(wd, ['--out', 'agree', '--ref-image', 'same.bin', '--cand-image', 'same.bin'], A.args)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(json.status, 'agree')
    assert.match(json.verdict, /^the images agree: all 9216 pixels are identical$/)
    assert.deepEqual(json.traced, [])
    assert.deepEqual(json.causes, [])
    assert.ok(!existsSync(join(wd, 'agree', 'pixels')))
  })

  it('float32 accumulation in the candidate: one precision cause', async () => {
    const {r, json} = await triage(wd, ['--out', 'f32', '--cand-inject', 'float32-accumulation'], A.args)
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(
      json.causes.map((c) => [c.variable, c.class]),
      [[fault('float32-accumulation').variable, 'precision']],
    )
    assert.equal(json.unexplained.share, 0)
  })

  it('images an ulp apart, traces that agree: one precision cause (the float32 store)', async () => {
    const ref = floats(join(wd, 'same.bin'))
    const cand = ref.slice()
    // every 7th pixel one float32 ulp up
    const bits = new Uint32Array(cand.buffer)
    for (let i = 0; i < cand.length; i += 7) if (cand[i] > 0) bits[i] += 1
    writeFileSync(join(wd, 'ulp.bin'), Buffer.from(cand.buffer))
    const {r, json} = await triage(wd, ['--out', 'ulp', '--ref-image', 'same.bin', '--cand-image', 'ulp.bin', '--cand-engine', 'c'], A.args)
    assert.equal(r.code, 1, r.stderr)
    assert.equal(json.causes.length, 1)
    assert.equal(json.causes[0].class, 'precision')
    assert.equal(json.causes[0].share, 1)
    assert.ok(json.traced.every((t) => t.status === 'agree'))
  })

  it('the C engine as candidate, with its planted faults', async () => {
    const {r, json} = await triage(wd, ['--out', 'c-cand', '--cand-engine', 'c', '--cand-inject', 'hkl-outside-zero,tile-fast-offset'], A.args)
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(json.causes.map((c) => [c.variable, c.class]).sort(), [
      ['F_cell', 'structure-factor'],
      ['Fdet', 'geometry'],
    ])
  })

  it('a side that fails: exit 3, the reason, nothing written', async () => {
    const r = await runCli(['triage', '--out', 'failed', '--ref-cmd', 'exit 4', '--ref-image', 'same.bin', '--cand-image', 'ulp.bin', '--', ...A.args], {
      cwd: wd,
    })
    assert.equal(r.code, 3, r.stdout + r.stderr)
    assert.match(r.stdout, /^FAILED {2}no traced pixel could be compared: reference side: exited with 4/)
    assert.ok(!existsSync(join(wd, 'failed')), 'a run whose sides failed wrote its folder')
    const bad = await runCli(['triage', '--out', 'failed2', '--ref-engine', 'c', '--ref-inject', 'kahn-default-one', '--', ...A.args], {cwd: wd})
    assert.equal(bad.code, 2)
    assert.ok(!existsSync(join(wd, 'failed2')))
  })

  it('bad input: exit 2, one line naming the field or file, nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['--max-pixels', '0'], /^nbtrace: --max-pixels: must be an integer >= 1, got 0$/],
      [['--ref-image', 'missing.bin', '--cand-image', 'same.bin'], /^nbtrace: missing\.bin: --ref-image: no such file$/],
      [['--ref-image', 'same.bin', '--cand-image', 'a.hkl'], /^nbtrace: .*a\.hkl.*(float32|size|pixels)/],
      [['--ref-cmd', 'true {out}'], /^nbtrace: --ref-image: triage with --ref-cmd needs --ref-image/],
      [['--cand-inject', 'no-such-fault'], /^nbtrace: --cand-inject: unknown fault 'no-such-fault'/],
    ]
    for (const [flags, re] of cases) {
      const r = await runCli(['triage', '--out', 'bad', ...flags, '--', ...A.args], {cwd: wd})
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`)
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('nbtrace: warning'))
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], re)
      assert.ok(!existsSync(join(wd, 'bad')), `${flags.join(' ')} wrote its output folder`)
    }
    // a folder nbtrace did not make is never replaced
    const r = await runCli(['triage', '--out', '.', '--', ...A.args], {cwd: wd})
    assert.equal(r.code, 2)
    assert.ok(readdirSync(wd).includes('a.hkl'))
  })
})
