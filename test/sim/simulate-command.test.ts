// `nbtrace simulate` as a user runs it: files written in the cwd, --json output valid against
// schemas/simulate.schema.json, exit code 2 with a one-line error on bad input.
import {strict as assert} from 'node:assert'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {validateAgainst} from '../helpers/cli.js'
import {diffFloat, goldenCases, readFloat32, runSimCli, tempDir} from './helpers.js'

describe('sim: simulate command', function () {
  this.timeout(60000)
  let wd = ''
  beforeEach(() => (wd = tempDir()))
  afterEach(() => rmSync(wd, {recursive: true, force: true}))

  it('runs a golden case from its cmd.txt: files, --json summary, bit-exact image', async () => {
    const c = goldenCases().find((x) => x.name.startsWith('c01'))!
    const r = await runSimCli(['simulate', '--json', '--', ...c.args], wd)
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(validateAgainst('simulate.schema.json', out), null)
    assert.equal(out.mode, 'image')
    assert.equal(out.summary.fpixels, 64)
    assert.equal(out.summary.oversample, 2)
    assert.ok(existsSync(join(wd, 'float.bin')) && existsSync(join(wd, 'int.img')))
    assert.equal(diffFloat(readFloat32(join(wd, 'float.bin')), readFloat32(join(c.dir, 'float.bin'))).differing, 0)
  })

  it('traces one pixel to a file with --trace-pixel/--trace-out', async () => {
    const c = goldenCases().find((x) => x.name.startsWith('c01'))!
    const r = await runSimCli(['simulate', '--json', '--trace-pixel', '33,33', '--trace-out', 't.jsonl', '--', ...c.args], wd)
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(validateAgainst('simulate.schema.json', out), null)
    assert.deepEqual(out.pixel, {slow: 33, fast: 33})
    const lines = readFileSync(join(wd, 't.jsonl'), 'utf8').trim().split('\n')
    assert.equal(JSON.parse(lines[lines.length - 1]).status, 'complete')
    assert.ok(!existsSync(join(wd, 'float.bin')))
  })

  it('lists fixes and faults from schemas/faults.json', async () => {
    const r = await runSimCli(['simulate', '--json', '--list-fixes', '--list-faults'], wd)
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(validateAgainst('simulate.schema.json', out), null)
    assert.ok(out.fixes.some((f: {id: string}) => f.id === 'Q3'))
    assert.ok(out.faults.some((f: {id: string}) => f.id === 'steps-no-oversample2'))
  })

  it('bad input: exit 2 and a one-line error naming the flag', async () => {
    const r = await runSimCli(['simulate', '--', '-cell', '100', '100', '100', '90', '90', '90', '-detpixels', '8'], wd)
    assert.equal(r.code, 2)
    const err = r.stderr.split('\n').filter((l) => l.startsWith('nbtrace:'))
    assert.equal(err.length, 1, r.stderr)
    assert.match(err[0], /-hkl/)
    const r2 = await runSimCli(['simulate', '--inject', 'no-such-fault', '--', '-cell', '100'], wd)
    assert.equal(r2.code, 2)
    assert.match(r2.stderr, /--inject: unknown fault/)
  })
})
