// Sizes both engines check before allocating (issue #14): a huge mosaic-domain count, huge
// divergence/dispersion step counts and an hkl file with indices of ±2000 are refused with one
// line and exit 2 (no heap dump, no RangeError); a traced pixel outside the detector is refused
// by both engines; the C engine refuses a trace target that is a directory. The TypeScript engine
// through `nbtrace simulate`, the C engine as `nbtrace simulate --engine c` runs it.
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli} from '../helpers/cli.js'
import {BIN_TRACE, ensureBuilt, run} from '../c/helpers.js'
import {tempDir} from './helpers.js'

const BASE = ['-cell', '50', '-default_F', '1', '-detpixels', '8', '-nonoise', '-nopgm']
const HUGE: Record<string, {args: string[]; says: RegExp}> = {
  'mosaic domains': {args: ['-mosaic', '0.5', '-mosaic_domains', '100000000'], says: /mosaic domains: 100000000 is too many/},
  'divergence steps': {args: ['-divergence', '1', '-hdivsteps', '100000', '-vdivsteps', '100000'], says: /too many/},
  'dispersion steps': {args: ['-dispersion', '1', '-dispsteps', '5000000'], says: /5000000 is too many/},
  'divergence step ratio': {args: ['-hdivrange', '1000', '-hdivstep', '0.000000001'], says: /1000000000000 is too many/},
  'hkl indices of ±2000': {args: ['-hkl', 'big.hkl'], says: /big\.hkl.*structure-factor grid of 4001x4001x4001/},
}

const oneLine = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() !== '' && !/warning/i.test(l))

describe('sim: sizes refused before allocating, pixels and trace targets refused (both engines)', function () {
  this.timeout(120000)
  let dir = ''
  before(() => {
    const why = ensureBuilt()
    if (why) throw new Error(why)
    dir = tempDir()
    writeFileSync(join(dir, 'big.hkl'), '2000 2000 2000 1\n-2000 -2000 -2000 1\n0 0 0 5\n')
  })

  for (const [what, c] of Object.entries(HUGE)) {
    it(`${what}: exit 2 with one line, nothing written (TS through nbtrace simulate, and the C engine)`, async () => {
      const r = await runCli(['simulate', '--', ...BASE, ...c.args], {cwd: dir})
      assert.equal(r.code, 2, r.stderr)
      const lines = oneLine(r.stderr)
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], c.says)
      assert.doesNotMatch(r.stderr, /RangeError|heap|at \w+ \(/)
      const cr = run(BIN_TRACE, ['-quiet', ...BASE, ...c.args], dir)
      assert.equal(cr.status, 2, cr.stderr)
      assert.equal(oneLine(cr.stderr).length, 1, cr.stderr)
      assert.match(cr.stderr, c.says)
      assert.deepEqual(
        readdirSync(dir).filter((f) => !/\.hkl$/.test(f) && !statSync(join(dir, f)).isDirectory()),
        [],
      )
    })
  }

  it('a traced pixel outside the detector is refused by both engines, and no trace is written', async () => {
    const r = await runCli(['simulate', '--trace-pixel', '50,50', '--trace-out', 't.jsonl', '--', ...BASE], {cwd: dir})
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /outside the 8x8 detector/)
    const c = run(BIN_TRACE, ['-trace_pixel', '50', '50', '-trace_out', 'c.jsonl', '-trace_only', '-quiet', ...BASE], dir)
    assert.equal(c.status, 2, c.stderr)
    assert.match(c.stderr, /pixel is outside the 8x8 detector/)
    assert.ok(!existsSync(join(dir, 't.jsonl')) && !existsSync(join(dir, 'c.jsonl')) && !existsSync(join(dir, 'c.jsonl.part')))
  })

  it('a C trace aimed at a directory fails (exit 2) instead of reporting success', () => {
    const target = join(dir, 'adir')
    mkdirSync(target, {recursive: true})
    const c = run(BIN_TRACE, ['-trace_pixel', '1', '1', '-trace_out', target, '-trace_only', ...BASE], dir)
    assert.equal(c.status, 2, c.stderr)
    assert.match(c.stderr, /not a regular file/)
    assert.doesNotMatch(c.stdout, /NBTRACE_OUTPUT/)
    assert.ok(statSync(target).isDirectory())
    assert.ok(!existsSync(`${target}.part`))
  })
})
