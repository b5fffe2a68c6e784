// nbtrace reduce through the command a user runs: exit codes, --json against its schema, the
// evidence folder (reduce.json, repro.sh, the minimal run's traces and inputs), repro.sh run as
// is, the region of interest with a whole-image program, and ledger attach of the result.
import {strict as assert} from 'node:assert'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cBinaryPath} from '../../src/engines/c.js'
import type {ReduceResult} from '../../src/reduce/result.js'
import {runCli, runProcess, validateAgainst, type CliResult} from '../helpers/cli.js'
import {GOLDEN} from '../helpers/fixtures.js'

const BASE = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -pixel 0.1 -N 5'.split(' ')
/** every loop above 1, small counts (the maximal configuration is test/reduce/faults.test.ts's) */
const LOOPS =
  '-dispersion 2 -dispsteps 3 -mosaic 0.5 -mosaic_domains 3 -mosaic_seed 777 -phi 10 -osc 2 -phisteps 2 -oversample 3 -detector_thick 100 -detector_thicksteps 2 -detector_abs 300'.split(
    ' ',
  )

function json(r: CliResult): ReduceResult {
  assert.doesNotThrow(() => JSON.parse(r.stdout), `stdout is not JSON (exit ${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(-500)}`)
  const out = JSON.parse(r.stdout) as ReduceResult
  assert.equal(validateAgainst('reduce.schema.json', out), null)
  return out
}

const loopsOf = (r: ReduceResult) => r.minimal!.loops

const sh = (script: string, args: string[], cwd: string): Promise<CliResult> => runProcess(['/bin/sh', script, ...args], {cwd})

describe('nbtrace reduce', function () {
  this.timeout(300000)
  let wd = ''
  before(function () {
    if (!existsSync(cBinaryPath())) this.skip()
    wd = mkdtempSync(join(tmpdir(), 'nbtrace-reduce-'))
  })
  after(() => {
    if (wd) rmSync(wd, {recursive: true, force: true})
  })

  it('an agreeing pair exits 0 at once and writes nothing', async () => {
    const r = await runCli(['reduce', '--pixel', '20,24', '--cand-engine', 'ts', '--out', 'agree', '--json', '--', ...BASE, ...LOOPS], {cwd: wd})
    assert.equal(r.code, 0, r.stderr)
    const out = json(r)
    assert.equal(out.status, 'agree')
    assert.deepEqual(out.steps, [])
    assert.equal(out.minimal, null)
    assert.ok(!existsSync(join(wd, 'agree')))
  })

  let reduced: ReduceResult
  it('reduces a planted fault to every loop at 1 but the one it needs, with the steps, figures and evidence', async () => {
    const r = await runCli(['reduce', '--pixel', '20,24', '--cand-inject', 'steps-no-oversample2', '--out', 'ev', '--json', '--', ...BASE, ...LOOPS], {cwd: wd})
    assert.equal(r.code, 1, r.stderr)
    const out = (reduced = json(r))
    assert.equal(out.status, 'reduced')
    assert.deepEqual(out.signature, [{name: 'steps', class: 'normalization'}])
    assert.deepEqual(out.original!.loops, {n_sources: 3, mosaic_domains: 3, oversample: 3, phisteps: 2, detector_thicksteps: 2})
    assert.deepEqual(loopsOf(out), {n_sources: 1, mosaic_domains: 1, oversample: 2, phisteps: 1, detector_thicksteps: 1})
    // oversample 1 loses the cause: evidence, and the next reduction (2) is kept
    const os = out.steps.filter((s) => s.dimension === 'oversample')
    assert.deepEqual(
      os.map((s) => s.outcome),
      ['vanished', 'kept'],
    )
    assert.ok(out.evidence.includes('disappears with oversample 1: the cause lives in the sub-pixel loop'), out.evidence.join('; '))
    assert.ok(out.minimal!.ref.records < out.original!.ref.records / 20, `${out.minimal!.ref.records} vs ${out.original!.ref.records}`)
    assert.match(out.minimal!.command, /^nanoBragg -cell 100 100 100 90 90 90 .*-oversample 2/)
    assert.doesNotMatch(out.minimal!.command, /-dispersion|-mosaic |-mosaic_domains|-detector_thick |-osc/)
    assert.equal(out.roi.used, false)
    // the evidence folder: what the minimal run needs to be looked at and rerun
    const files = readdirSync(join(wd, 'ev')).sort()
    assert.deepEqual(files, ['cand.jsonl', 'diff.patch', 'manifest.json', 'reduce.json', 'ref.jsonl', 'report.json', 'repro.sh'])
    assert.deepEqual(JSON.parse(readFileSync(join(wd, 'ev', 'reduce.json'), 'utf8')), out)
    const report = JSON.parse(readFileSync(join(wd, 'ev', 'report.json'), 'utf8'))
    assert.equal(validateAgainst('report.schema.json', report), null)
    assert.equal(report.rootCauses[0].name, 'steps')
    assert.equal(report.ref.file, join(wd, 'ev', 'ref.jsonl'))
    // text output names the steps and the minimal command
    const text = await runCli(['reduce', '--pixel', '20,24', '--cand-inject', 'steps-no-oversample2', '--out', 'ev', '--', ...BASE, ...LOOPS], {cwd: wd})
    assert.equal(text.code, 1, text.stderr)
    assert.match(text.stdout, /^REDUCED: /)
    assert.match(text.stdout, /oversample: oversample 3 → 1 — vanished/)
    assert.match(text.stdout, /minimal configuration/)
    assert.match(text.stderr, /root cause held fixed: steps \(normalization\)/)
  })

  it('repro.sh reruns the minimal configuration from any folder and shows the same root cause', async () => {
    assert.ok(reduced, 'needs the reduction above')
    const elsewhere = mkdtempSync(join(tmpdir(), 'nbtrace-repro-'))
    try {
      const r = await sh(join(wd, 'ev', 'repro.sh'), ['again'], elsewhere)
      assert.equal(r.code, 1, r.stderr)
      const report = JSON.parse(readFileSync(join(elsewhere, 'again', 'report.json'), 'utf8'))
      assert.deepEqual(
        report.rootCauses.map((c: {name: string; class: string}) => [c.name, c.class]),
        [['steps', 'normalization']],
      )
      assert.equal(report.ref.records, reduced.minimal!.ref.records)
    } finally {
      rmSync(elsewhere, {recursive: true, force: true})
    }
  })

  it('ledger attach records the minimal repro of a reduction', async () => {
    assert.ok(reduced, 'needs the reduction above')
    const ledger = join(wd, 'fix_plan.md')
    writeFileSync(
      ledger,
      '# Ledger\n\n## [STEPS-001] steps parity\n- Status: in_progress\n- Attempts History:\n  * [2025-11-01] Attempt #1 — Result: baseline\n',
    )
    const r = await runCli(['ledger', 'attach', '--ledger', 'fix_plan.md', '--id', 'STEPS-001', '--report', 'ev', '--date', '2025-12-01', '--json'], {cwd: wd})
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(validateAgainst('ledger-attach.schema.json', out), null)
    assert.deepEqual(out.repro, {script: 'ev/repro.sh', command: reduced.minimal!.command})
    const line = readFileSync(ledger, 'utf8')
      .split('\n')
      .find((l) => l.includes('Attempt #2'))!
    assert.match(line, /Result: diverged — nbtrace first divergence: steps @ loop \{\} \(set-up\), class normalization/)
    assert.ok(line.includes(`minimal repro: \`ev/repro.sh\` (\`${reduced.minimal!.command}\`)`), line)
    const again = await runCli(['ledger', 'attach', '--ledger', 'fix_plan.md', '--id', 'STEPS-001', '--report', 'ev/reduce.json', '--json'], {cwd: wd})
    assert.equal(again.code, 0, again.stderr)
    assert.equal(JSON.parse(again.stdout).changed, false)
  })

  it('a divergence that needs two dimensions keeps both', async () => {
    // steps forgets oversample² (needs oversample > 1); Q4 weights each layer by its own capture
    // fraction (needs two layers): two root causes, each lost with one dimension
    const r = await runCli(
      ['reduce', '--pixel', '20,24', '--cand-inject', 'steps-no-oversample2', '--cand-fix', 'Q4', '--out', 'two', '--json', '--', ...BASE, ...LOOPS],
      {cwd: wd},
    )
    assert.equal(r.code, 1, r.stderr)
    const out = json(r)
    assert.deepEqual(
      out.signature.map((c) => c.name),
      ['capture_fraction_applied', 'steps'],
    )
    assert.deepEqual(loopsOf(out), {n_sources: 1, mosaic_domains: 1, oversample: 2, phisteps: 1, detector_thicksteps: 2})
    const lost = out.steps
      .filter((s) => s.outcome === 'changed')
      .map((s) => s.dimension)
      .sort()
    assert.deepEqual(lost, ['layers', 'oversample'])
    assert.ok(
      out.evidence.some((e) => /^capture_fraction_applied \(normalization\) disappears with 1 detector layer/.test(e)),
      out.evidence.join('; '),
    )
  })

  it('keeps the divergent source of a source file and cuts the hkl table to the visited neighbourhood', async () => {
    const dir = join(wd, 'inputs')
    mkdirSync(dir)
    copyFileSync(join(GOLDEN, 'c04_hkl_interp', 'dense.hkl'), join(dir, 'dense.hkl'))
    // three sources of different wavelengths; the candidate ignores them (source-lambda-ignored)
    writeFileSync(join(dir, 'sources.txt'), '-10 0 0 1 1e-10\n-10 0.004 0 1 1.02e-10\n-10 0 -0.006 1 0.97e-10\n')
    const args = '-cell 50 50 50 90 90 90 -hkl dense.hkl -N 5 -lambda 1 -distance 80 -detpixels 64 -pixel 0.1 -sourcefile sources.txt -oversample 2'.split(' ')
    const r = await runCli(['reduce', '--pixel', '12,50', '--cand-inject', 'source-lambda-ignored', '--out', 'src', '--json', '--', ...args], {cwd: dir})
    assert.equal(r.code, 1, r.stderr)
    const out = json(r)
    assert.deepEqual(out.signature, [{name: 'source_lambda', class: 'source-weighting'}])
    assert.deepEqual(loopsOf(out), {n_sources: 1, mosaic_domains: 1, oversample: 1, phisteps: 1, detector_thicksteps: 1})
    const src = out.steps.filter((s) => s.dimension === 'sources')
    // source 0 is at -lambda exactly: the reduction keeps source 1, where the cause is first seen
    assert.equal(src[0].outcome, 'vanished')
    assert.equal(src[1].outcome, 'kept')
    assert.match(src[1].what, /only source 1, where the root cause is first seen: line 2 of sources.txt/)
    const hkl = out.steps.find((s) => s.dimension === 'hkl')!
    assert.equal(hkl.outcome, 'kept', hkl.detail)
    const names = readdirSync(join(dir, 'src'))
    const cut = names.find((n) => n.endsWith('.hkl'))!
    const srcFile = names.find((n) => n.startsWith('sources'))!
    assert.ok(cut && srcFile, names.join())
    assert.ok(readFileSync(join(dir, 'src', cut), 'utf8').split('\n').length < 2197 / 4)
    assert.equal(readFileSync(join(dir, 'src', srcFile), 'utf8'), '-10 0.004 0 1 1.02e-10\n')
    assert.ok(out.minimal!.args.includes(cut) && out.minimal!.args.includes(srcFile), out.minimal!.command)
    // the user's files are untouched, and the originals are not in the evidence folder
    assert.ok(!names.includes('dense.hkl') && !names.includes('sources.txt'), names.join())
  })

  it('with a whole-image external program: a region of interest, checked without it at the end', async () => {
    // the C engine binary without -trace_only computes the whole image, as upstream does
    const template = `${cBinaryPath()} -trace_pixel {slow} {fast} -trace_out {out} {args}`
    const args = [...BASE, '-mosaic', '0.5', '-mosaic_domains', '3', '-oversample', '2']
    const r = await runCli(
      ['reduce', '--pixel', '20,24', '--ref-engine', 'ts', '--ref-inject', 'fluence-per-mm2', '--cand-cmd', template, '--out', 'roi', '--json', '--', ...args],
      {cwd: wd},
    )
    assert.equal(r.code, 1, r.stderr)
    const out = json(r)
    assert.deepEqual(out.roi, {used: true, box: [23, 24, 20, 20], reason: out.roi.reason, verified: true})
    assert.equal(out.steps[0].n, 0)
    assert.equal(out.steps[0].outcome, 'applied')
    assert.ok(out.steps.some((s) => s.dimension === 'roi' && s.outcome === 'kept' && /with and without/.test(s.detail)))
    assert.match(out.minimal!.command, / -roi 23 24 20 20( |$)/)
    // the phi carry-over quirk forbids it, and the result says so
    const q3 = await runCli(
      [
        'reduce',
        '--pixel',
        '20,24',
        '--ref-engine',
        'ts',
        '--ref-inject',
        'fluence-per-mm2',
        '--cand-cmd',
        template,
        '--out',
        'roi-q3',
        '--json',
        '--',
        ...BASE,
        '-phi',
        '0',
        '-osc',
        '2',
        '-phisteps',
        '2',
      ],
      {cwd: wd},
    )
    assert.equal(q3.code, 1, q3.stderr)
    const o3 = json(q3)
    assert.equal(o3.roi.used, false)
    assert.match(o3.roi.reason, /state carried from the previous pixel forbids it.*phi carry-over quirk/)
    assert.equal(o3.steps[0].outcome, 'skipped')
  })

  it('refuses bad input in one line, exit 2, writing nothing', async () => {
    const noPixel = await runCli(['reduce', '--', ...BASE], {cwd: wd})
    assert.equal(noPixel.code, 2)
    assert.match(noPixel.stderr, /^nbtrace: .*pixel/m)
    const noArgs = await runCli(['reduce', '--pixel', '1,1'], {cwd: wd})
    assert.equal(noArgs.code, 2)
    assert.equal(noArgs.stderr.trim().split('\n').length, 1, noArgs.stderr)
    assert.match(noArgs.stderr, /nanoBragg arguments/)
    mkdirSync(join(wd, 'mine'))
    writeFileSync(join(wd, 'mine', 'notes.txt'), 'keep me')
    const foreign = await runCli(['reduce', '--pixel', '20,24', '--cand-inject', 'fluence-per-mm2', '--out', 'mine', '--', ...BASE], {cwd: wd})
    assert.equal(foreign.code, 2)
    assert.match(foreign.stderr, /mine.*--out.*not made by nbtrace/)
    assert.deepEqual(readdirSync(join(wd, 'mine')), ['notes.txt'])
    const missing = await runCli(['reduce', '--pixel', '20,24', '--out', 'x', '--', ...BASE, '-hkl', 'nope.hkl'], {cwd: wd})
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /nope\.hkl/)
  })
})
