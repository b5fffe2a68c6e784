// nbtrace trace end to end: both engines for one pixel at once, planted faults found on golden
// configurations, agreement without one, --pixel auto inside a perturbed region, failing sides
// reported with nothing written, concurrent runs, and the committed example traces.
import assert from 'node:assert/strict'
import {copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {EXAMPLES, makeExamples} from '../../scripts/make-example-traces.js'
import {ROOT, runCli, validateAgainst} from '../helpers/cli.js'
import {GOLDEN} from '../helpers/fixtures.js'

/** nanoBragg arguments of a golden case without the program name and output flags, and a temp cwd holding its inputs. */
function goldenCase(name: string): {args: string[]; cwd: string} {
  const words = readFileSync(join(GOLDEN, name, 'cmd.txt'), 'utf8')
    .trim()
    .split(/\s+/)
    .slice(1)
  const args: string[] = []
  for (let i = 0; i < words.length; i++) {
    if (['-floatfile', '-intfile', '-noisefile', '-pgmfile'].includes(words[i])) i++
    else if (!['-nopgm', '-noprogress'].includes(words[i])) args.push(words[i])
  }
  const cwd = mkdtempSync(join(tmpdir(), `nbtrace-trace-${name}-`))
  for (const f of readdirSync(join(GOLDEN, name)))
    if (/\.(hkl|txt|mat)$/.test(f) && f !== 'cmd.txt' && f !== 'trace_cmd.txt' && !f.startsWith('std')) copyFileSync(join(GOLDEN, name, f), join(cwd, f))
  return {args, cwd}
}

function goldenPixel(name: string): string {
  const m = /-trace_pixel (\d+) (\d+)/.exec(readFileSync(join(GOLDEN, name, 'trace_cmd.txt'), 'utf8'))!
  return `${m[1]},${m[2]}`
}

interface Planted {
  golden: string
  cand: string[]
  variable: string | null
  cls: string | null
  /** trace this pixel instead of the golden on-peak one */
  pixel?: string
}

const PLANTED: Planted[] = [
  {golden: 'c01_cubic_default_F', cand: [], variable: null, cls: null},
  {golden: 'c01_cubic_default_F', cand: ['--cand-inject', 'steps-no-oversample2'], variable: 'steps', cls: 'normalization'},
  {golden: 'c06_mosaic', cand: ['--cand-inject', 'mosaic-extra-draw'], variable: 'mosaic_rng_draws', cls: 'rng'},
  {golden: 'c07_div_disp', cand: ['--cand-inject', 'source-lambda-ignored'], variable: 'source_lambda', cls: 'source-weighting'},
  {golden: 'c12_tilted_beam_pivot', cand: ['--cand-inject', 'twotheta-axis-sign'], variable: 'twotheta_axis', cls: 'geometry'},
  {golden: 'c18_polar', cand: ['--cand-inject', 'scattering-per-m'], variable: 'scattering', cls: 'units'},
  {golden: 'c19_phi_carryover', cand: ['--cand-fix', 'Q3'], variable: 'ap', cls: 'state-carry-over'},
  // off-peak: at the peak h ≈ 0 and sincg(h) ≈ sincg(πh), a difference no bigger than rounding
  {golden: 'c03_hkl_sparse', cand: ['--cand-inject', 'sincg-no-pi'], variable: 'F_latt_a', cls: 'lattice', pixel: '40,52'},
  {golden: 'c11_thick_abs', cand: ['--cand-fix', 'Q4'], variable: 'capture_fraction_applied', cls: 'normalization'},
]

describe('nbtrace trace', function () {
  this.timeout(300_000)
  const dirs: string[] = []
  after(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})))

  for (const p of PLANTED) {
    it(`${p.golden} ${p.cand.join(' ') || '(faithful)'} → ${p.variable ?? 'agreement'}`, async () => {
      const {args, cwd} = goldenCase(p.golden)
      dirs.push(cwd)
      const r = await runCli(['trace', '--pixel', p.pixel ?? goldenPixel(p.golden), '--out', 'ev', '--json', ...p.cand, '--', ...args], {cwd})
      const out = JSON.parse(r.stdout)
      assert.equal(validateAgainst('trace-command.schema.json', out), null)
      if (p.variable === null) {
        assert.equal(r.code, 0, r.stdout.slice(0, 2000))
        assert.equal(out.status, 'agree')
      } else {
        assert.equal(r.code, 1)
        assert.equal(out.report.firstDivergence.name, p.variable)
        assert.equal(out.report.firstDivergence.class, p.cls)
        assert.equal(out.report.rootCauses[0].name, p.variable)
      }
      for (const f of ['ref.jsonl', 'cand.jsonl', 'report.json', 'diff.patch', 'repro.sh']) assert.ok(existsSync(join(cwd, 'ev', f)), f)
      assert.equal(validateAgainst('report.schema.json', JSON.parse(readFileSync(join(cwd, 'ev', 'report.json'), 'utf8'))), null)
      // the same CLI by absolute path, never `npx nbtrace` (which outside the project asks the registry)
      const repro = readFileSync(join(cwd, 'ev', 'repro.sh'), 'utf8')
      assert.match(repro, /^exec '?\/\S+'? .* trace .*--pixel \d+,\d+ --out "\$out"/m)
      assert.doesNotMatch(repro, /npx/)
      assert.deepEqual(
        readdirSync(cwd).filter((f) => f.includes('nbtrace-stage')),
        [],
        'no staging folder left',
      )
    })
  }

  it('the README example (no arguments, demo configuration) finds the planted normalization fault', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nbtrace-readme-'))
    dirs.push(cwd)
    const r = await runCli(['trace', '--cand-inject', 'steps-no-oversample2'], {cwd})
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /DIVERGED: first divergence steps \{\} \[normalization\]/)
    assert.match(r.stdout, /built-in demonstration configuration/)
    assert.ok(existsSync(join(cwd, 'nbtrace-out', 'report.json')))
  })

  it('--pixel auto picks a pixel inside the only region where the images differ', async () => {
    const {args, cwd} = goldenCase('c01_cubic_default_F')
    dirs.push(cwd)
    const ref = new Float32Array(readFileSync(join(GOLDEN, 'c01_cubic_default_F', 'float.bin')).buffer.slice(0))
    const cand = Float32Array.from(ref)
    // the region: slow 40..47, fast 10..17 (scaled up: a port bug confined there)
    for (let s = 40; s < 48; s++) for (let f = 10; f < 18; f++) cand[s * 64 + f] *= 1.5 + 0.01 * (s + f)
    writeFileSync(join(cwd, 'ref.bin'), Buffer.from(ref.buffer))
    writeFileSync(join(cwd, 'cand.bin'), Buffer.from(cand.buffer))
    const r = await runCli(['trace', '--pixel', 'auto', '--ref-image', 'ref.bin', '--cand-image', 'cand.bin', '--out', 'ev', '--json', '--', ...args], {cwd})
    const out = JSON.parse(r.stdout)
    assert.ok(out.pixel.slow >= 40 && out.pixel.slow < 48 && out.pixel.fast >= 10 && out.pixel.fast < 18, JSON.stringify(out.pixel))
    assert.match(out.pixelReason, /share/)
    assert.ok(existsSync(join(cwd, 'ev', 'parity.json')) && existsSync(join(cwd, 'ev', 'heatmap.png')))
  })

  it('a crashing candidate is reported with its stderr tail and nothing is written', async () => {
    const {args, cwd} = goldenCase('c01_cubic_default_F')
    dirs.push(cwd)
    const r = await runCli(['trace', '--pixel', '33,33', '--out', 'ev', '--cand-cmd', 'echo "segfault in pixel loop" >&2; exit 139', '--', ...args], {cwd})
    assert.equal(r.code, 3, 'a failed side is not a divergence')
    assert.match(r.stdout, /FAILED: candidate side: exited with 139/)
    assert.match(r.stdout, /segfault in pixel loop/)
    assert.ok(!existsSync(join(cwd, 'ev')), 'no output folder')
    assert.deepEqual(
      readdirSync(cwd).filter((f) => f.includes('nbtrace-stage')),
      [],
    )
  })

  it('a hanging candidate is ended by --timeout', async () => {
    const {args, cwd} = goldenCase('c01_cubic_default_F')
    dirs.push(cwd)
    const t = Date.now()
    const r = await runCli(['trace', '--pixel', '33,33', '--out', 'ev', '--timeout', '2', '--cand-cmd', 'sleep 60', '--json', '--', ...args], {cwd})
    assert.equal(r.code, 3)
    const out = JSON.parse(r.stdout)
    assert.equal(out.status, 'failed')
    assert.match(out.failure.what, /timed out after 2 s/)
    assert.ok(Date.now() - t < 30_000)
    assert.ok(!existsSync(join(cwd, 'ev')))
  })

  it('a truncated candidate trace (no footer) is reported as such', async () => {
    const {args, cwd} = goldenCase('c01_cubic_default_F')
    dirs.push(cwd)
    const good = join(cwd, 'good.jsonl')
    await runCli(['simulate', '--engine', 'ts', '--trace-pixel', '33,33', '--trace-out', good, '--', ...args], {cwd})
    const lines = readFileSync(good, 'utf8').trimEnd().split('\n')
    writeFileSync(join(cwd, 'partial.jsonl'), lines.slice(0, 200).join('\n') + '\n')
    const r = await runCli(['trace', '--pixel', '33,33', '--out', 'ev', '--cand-cmd', 'cat {cwd}/partial.jsonl', '--json', '--', ...args], {cwd})
    assert.equal(r.code, 1)
    const out = JSON.parse(r.stdout)
    assert.equal(out.status, 'mismatch')
    assert.match(out.report.verdict, /^TRUNCATED: candidate trace no footer after 199 value records \(last record seen: seq 198 \w+, line 200\)/)
    assert.match(out.report.cand.file, /\/ev\/cand\.jsonl$/)
  })

  it('two runs at once into different folders do not interfere', async () => {
    const {args, cwd} = goldenCase('c01_cubic_default_F')
    dirs.push(cwd)
    const [a, b] = await Promise.all([
      runCli(['trace', '--pixel', '33,33', '--out', 'a', '--json', '--', ...args], {cwd}),
      runCli(['trace', '--pixel', '33,33', '--out', 'b', '--json', '--cand-inject', 'steps-no-oversample2', '--', ...args], {cwd}),
    ])
    assert.equal(a.code, 0)
    assert.equal(b.code, 1)
    assert.equal(JSON.parse(readFileSync(join(cwd, 'a', 'report.json'), 'utf8')).status, 'agree')
    assert.equal(JSON.parse(readFileSync(join(cwd, 'b', 'report.json'), 'utf8')).firstDivergence.name, 'steps')
  })

  it('traces/ holds what scripts/make-example-traces.ts produces, and each pair shows its class', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nbtrace-examples-'))
    dirs.push(out)
    await makeExamples(out)
    for (const ex of EXAMPLES) {
      for (const f of ['ref.jsonl', 'cand.jsonl']) {
        assert.equal(
          readFileSync(join(out, ex.dir, f), 'utf8'),
          readFileSync(join(ROOT, 'traces', ex.dir, f), 'utf8'),
          `${ex.dir}/${f} is stale: run node --import tsx scripts/make-example-traces.ts`,
        )
      }
    }
    const runs = await Promise.all(EXAMPLES.map((ex) => runCli(['compare', `traces/${ex.dir}/ref.jsonl`, `traces/${ex.dir}/cand.jsonl`, '--json'])))
    EXAMPLES.forEach((ex, i) => {
      const rep = JSON.parse(runs[i].stdout)
      if (ex.expectClass === null) assert.equal(rep.status, 'agree', ex.dir)
      else {
        assert.equal(rep.firstDivergence.name, ex.expectVariable, ex.dir)
        assert.equal(rep.firstDivergence.class, ex.expectClass, ex.dir)
      }
    })
  })
})
