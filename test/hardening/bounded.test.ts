// #14 group 6 (the parts in workflow/ledger/parity reading) and the error rules of group 7 that
// belong to `trace`: unbounded inputs are refused with one line before anything is allocated
// (devices, FIFOs, files over the limit), a --cand-cmd that floods stdout is stopped at the cap,
// `trace`'s errors name its own flags, and no error exits 1.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {closeSync, existsSync, openSync, ftruncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ARGS, cBuilt, Dirs, leftovers, listAll, oneLine, PIXEL, runCli, runningExactly} from './helpers.js'

/** A sparse file of n bytes (costs no disk). */
function sparse(path: string, n: number): string {
  const fd = openSync(path, 'w')
  ftruncateSync(fd, n)
  closeSync(fd)
  return path
}

describe("hardening #14.6: bounded reads, capped output, trace's own errors", function () {
  this.timeout(180_000)
  const dirs = new Dirs()
  after(() => dirs.clean())

  const refused = async (args: string[], cwd: string, expected: string | RegExp): Promise<void> => {
    const t = Date.now()
    const r = await runCli(args, {cwd, timeoutMs: 60_000})
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    const line = oneLine(r.stderr)
    if (typeof expected === 'string') assert.equal(line, expected)
    else assert.match(line, expected)
    assert.ok(Date.now() - t < 60_000)
  }

  it('--ledger /dev/zero, a FIFO, a file over 64 MiB: one line each, at once', async () => {
    const cwd = dirs.make()
    execFileSync('mkfifo', [join(cwd, 'fifo')])
    sparse(join(cwd, 'huge.md'), 65 * 1024 * 1024)
    writeFileSync(join(cwd, 'r.json'), '{}')
    const base = ['ledger', 'attach', '--id', 'X-1', '--report', 'r.json']
    await refused([...base, '--ledger', '/dev/zero'], cwd, 'nbtrace: /dev/zero: --ledger: cannot read ledger: is a character device, not a regular file')
    await refused([...base, '--ledger', 'fifo'], cwd, 'nbtrace: fifo: --ledger: cannot read ledger: is a FIFO, not a regular file')
    await refused([...base, '--ledger', 'huge.md'], cwd, 'nbtrace: huge.md: --ledger: ledger is 68157440 bytes, over the limit of 67108864 bytes (64 MiB)')
  })

  it('--report /dev/zero and a report over 64 MiB: one line each', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), '## [X-1] x\n')
    sparse(join(cwd, 'huge.json'), 65 * 1024 * 1024)
    const base = ['ledger', 'attach', '--id', 'X-1', '--ledger', 'plan.md']
    await refused([...base, '--report', '/dev/zero'], cwd, 'nbtrace: /dev/zero: --report: cannot read report: is a character device, not a regular file')
    await refused([...base, '--report', 'huge.json'], cwd, 'nbtrace: huge.json: --report: report is 68157440 bytes, over the limit of 67108864 bytes (64 MiB)')
  })

  it('parity /dev/zero /dev/zero, and an image over 1 GiB: one line each', async () => {
    const cwd = dirs.make()
    sparse(join(cwd, 'huge.bin'), 1024 * 1024 * 1024 + 4)
    await refused(['parity', '/dev/zero', '/dev/zero'], cwd, 'nbtrace: /dev/zero: cannot read image: is a character device, not a regular file')
    await refused(['parity', 'huge.bin', 'huge.bin'], cwd, 'nbtrace: huge.bin: image is 1073741828 bytes, over the limit of 1073741824 bytes (1024 MiB)')
  })

  it('a --cand-cmd that floods stdout is stopped at --max-trace-mb: exit 2, one line, nothing kept', async () => {
    const cwd = dirs.make()
    await refused(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--max-trace-mb', '1', '--cand-cmd', 'yes', '--', ...ARGS],
      cwd,
      'nbtrace: --cand-cmd: the candidate program wrote more than 1048576 bytes to stdout (limit: --max-trace-mb); it was stopped and nothing was kept',
    )
    assert.equal(runningExactly('yes'), false)
    assert.deepEqual(listAll(cwd), [])
  })

  it('trace names its own flags (--pixel, not --trace-pixel; --cand-inject, not --inject), before any side runs', async () => {
    const cwd = dirs.make()
    await refused(
      ['trace', '--pixel', '900,900', '--out', 'ev', '--ref-engine', 'ts', '--cand-engine', 'ts', '--', ...ARGS],
      cwd,
      'nbtrace: --pixel: pixel 900,900 is outside the 64x64 detector (slow,fast)',
    )
    // with the C engine as a side: its refusal is bad input (exit 2, --pixel), not a failed side (3)
    if (cBuilt) {
      await refused(['trace', '--pixel', '3,900', '--out', 'ev', '--', ...ARGS], cwd, /^nbtrace: --pixel: pixel 3,900 is outside the 64x64 detector/)
      assert.equal(existsSync(join(cwd, 'ev')), false)
    }
    await refused(
      ['trace', '--pixel', '1e400,2', '--out', 'ev', '--', ...ARGS],
      cwd,
      'nbtrace: --pixel: expected SLOW,FAST (two non-negative integers, e.g. 512,300), got "1e400,2"',
    )
    await refused(
      ['trace', '--pixel', '99999999999999999999,2', '--out', 'ev', '--', ...ARGS],
      cwd,
      'nbtrace: --pixel: slow index 99999999999999999999 is too large, got "99999999999999999999,2"',
    )
    await refused(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-image', 'x.bin', '--', ...ARGS],
      cwd,
      'nbtrace: --ref-image: --ref-image/--cand-image choose the pixel: they go with --pixel auto',
    )
    // fixes and faults: known ids, on an engine that has them, refused before either side runs
    await refused(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--cand-inject', 'nope', '--', ...ARGS],
      cwd,
      "nbtrace: --cand-inject: unknown fault 'nope' (see nbtrace simulate --list-faults)",
    )
    await refused(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-fix', 'Q3', '--', ...ARGS],
      cwd,
      'nbtrace: --ref-fix: the C engine is the faithful reference: it has no quirk fixes; Q3 needs --ref-engine ts',
    )
    assert.equal(existsSync(join(cwd, 'ev')), false)
    assert.deepEqual(leftovers(cwd), [])
  })

  it('a legacy log is held in memory, so its size is bounded: one line past the limit, exit 2, nothing written', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'big.log'), 'TRACE_C: F_latt 1.5\n'.repeat(1200))
    for (const args of [
      ['convert', 'big.log', '-o', 'big.jsonl'],
      ['compare', 'big.log', 'big.log'],
    ]) {
      const r = await runCli(args, {cwd, env: {NBTRACE_LEGACY_MAX_VALUES: '1000'}})
      assert.equal(r.code, 2, r.stderr)
      assert.match(oneLine(r.stderr), /^nbtrace: big\.log:1001: legacy log over 1000 values \(NBTRACE_LEGACY_MAX_VALUES\): a log is read into memory/)
    }
    assert.equal(existsSync(join(cwd, 'big.jsonl')), false)
    const ok = await runCli(['convert', 'big.log', '-o', 'big.jsonl'], {cwd})
    assert.equal(ok.code, 0, ok.stderr)
  })

  it('no failure exits 1: an engine that fails is exit 2 with its reason, an unforeseen error exit 2 too', async function () {
    const cwd = dirs.make()
    if (cBuilt)
      await refused(
        ['simulate', '--engine', 'c', '--', '-cell', '10', '10', '10', '90', '90', '90', '-nopgm', '-nonoise'],
        cwd,
        /^nbtrace: no structure factors/,
      )
    // a C engine binary that is not a program: the failure is one line, exit 2
    writeFileSync(join(cwd, 'not-a-program'), 'x\n', {mode: 0o644})
    const r = await runCli(['simulate', '--engine', 'c', '--', ...ARGS, '-nopgm', '-nonoise'], {cwd, env: {NBTRACE_C_BINARY: join(cwd, 'not-a-program')}})
    assert.equal(r.code, 2, r.stderr)
    assert.equal(oneLine(r.stderr).split('\n').length, 1, r.stderr)
    assert.match(oneLine(r.stderr), /^nbtrace: C engine failed: /)
  })
})
