// #14 group 5: signals and children. Every child runs in a process group of its own, killed on
// every exit path: on timeout (forked grandchildren included), when the program ends and leaves
// something behind, on SIGINT/SIGTERM/SIGHUP (HUP like TERM), and even when nbtrace is SIGKILLed
// (the watchdog pipe). The C engine's trace is atomic: a Ctrl-C leaves no half trace and no .part.
// `--timeout 0` means "no limit"; a negative timeout is refused.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {
  ARGS,
  cBuilt,
  CLI,
  endedBy,
  leftovers,
  listAll,
  oneLine,
  PIXEL,
  runCli,
  running,
  runningExactly,
  signalGroup,
  sleepMarker,
  startCli,
  suiteSetup,
  until,
} from './helpers.js'

/** A C trace of one pixel that takes a few seconds (60 mosaic domains, oversample 3, 6 phi steps). */
const SLOW_TRACE = [...ARGS, '-mosaic', '0.5', '-mosaic_domains', '60', '-oversample', '3', '-phisteps', '6', '-osc', '0.1']

const psLines = (): string[] => execFileSync('ps', ['-eo', 'args'], {encoding: 'utf8'}).split('\n')

describe('hardening #14.5: signals and children', function () {
  this.timeout(180_000)
  const {dirs, good} = suiteSetup()

  it('SIGHUP to nbtrace trace while a side runs: handled like SIGTERM (no evidence, no staging, no side left)', async () => {
    const cwd = dirs.make()
    const marker = sleepMarker(43)
    const s = startCli(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `head -n 40 ${good()} > {out}; ${marker}`, '--', ...ARGS],
      cwd,
    )
    assert.ok(await until(() => runningExactly(marker)), s.stderr())
    signalGroup(s, 'SIGHUP')
    const r = await s.done
    assert.ok(endedBy(r, 'SIGHUP'), `ended with ${r.code ?? r.signal}`)
    assert.ok(await until(() => !runningExactly(marker), 5000), 'the candidate was left running')
    assert.deepEqual(listAll(cwd), [])
  })

  it('SIGKILL to nbtrace trace: its external program goes too (watchdog), and the C engine of simulate', async function () {
    const cwd = dirs.make()
    const marker = sleepMarker(44)
    const s = startCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `${marker}; cat ${good()}`, '--', ...ARGS], cwd)
    assert.ok(await until(() => runningExactly(marker)), s.stderr())
    s.child.kill('SIGKILL')
    await s.done
    assert.ok(await until(() => !runningExactly(marker), 5000), 'the candidate outlived nbtrace')
    // a SIGKILL leaves the staging folder (no clean-up can run); the next run into --out sweeps it
    const stages = (): string[] => readdirSync(cwd).filter((n) => n.startsWith('.ev.nbtrace-stage-'))
    assert.equal(stages().length, 1, 'a killed run leaves its staging folder (else this test tests nothing)')
    const again = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `cat ${good()}`, '--', ...ARGS], {cwd})
    assert.ok(again.code === 0 || again.code === 1, again.stderr)
    assert.deepEqual(stages(), [])
    if (!cBuilt) return
    const out = join(cwd, 'killed.bin')
    const c = startCli(['simulate', '--engine', 'c', '--', ...ARGS, '-detpixels', '1024', '-oversample', '8', '-floatfile', out], cwd)
    // the C engine itself (or its supervisor), not nbtrace's own command line
    const cRunning = (): boolean => psLines().some((l) => l.includes('nanobragg-nbtrace') && l.includes(out) && !l.includes(CLI[CLI.length - 1]))
    assert.ok(await until(cRunning), c.stderr())
    c.child.kill('SIGKILL')
    await c.done
    assert.ok(await until(() => !cRunning(), 5000), 'the C engine outlived nbtrace')
    assert.equal(existsSync(out), false)
  })

  it('--timeout 2 with a program that forks a long sleep: ended in seconds, the sleep too', async () => {
    const cwd = dirs.make()
    const t = Date.now()
    const [a, b] = [sleepMarker(45), sleepMarker(46)]
    const r = await runCli(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--timeout', '2', '--cand-cmd', `${a} & ${b} & wait`, '--json', '--', ...ARGS],
      {cwd},
    )
    assert.equal(r.code, 3)
    assert.match(JSON.parse(r.stdout).failure.what, /^timed out after 2 s \(--timeout\)/)
    assert.ok(Date.now() - t < 30_000, `took ${Date.now() - t} ms`)
    assert.equal(runningExactly(a) || runningExactly(b), false)
    assert.deepEqual(listAll(cwd), [])
  })

  it('a program that exits and leaves a child holding its stdout: done at once, the child ended', async () => {
    const cwd = dirs.make()
    const t = Date.now()
    const marker = sleepMarker(49)
    const r = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `(${marker} &); cat ${good()}`, '--', ...ARGS], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.ok(Date.now() - t < 40_000, `took ${Date.now() - t} ms`)
    assert.equal(runningExactly(marker), false)
  })

  it('--timeout 0 means no limit; a negative timeout is refused', async () => {
    const cwd = dirs.make()
    const r = await runCli(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--timeout', '0', '--cand-cmd', `sleep 1; cat ${good()}`, '--', ...ARGS],
      {cwd},
    )
    assert.equal(r.code, 0, r.stderr)
    // every command with --timeout refuses a negative one before any work (triage accepted it)
    for (const cmd of [['trace', '--pixel', PIXEL], ['triage'], ['reduce', '--pixel', PIXEL]]) {
      const n = await runCli([...cmd, '--out', 'ev2', '--timeout', '-1', '--', ...ARGS], {cwd})
      assert.equal(n.code, 2, `${cmd[0]}: ${n.stderr}`)
      assert.equal(oneLine(n.stderr), 'nbtrace: Parsing --timeout: Expected an integer greater than or equal to 0 but received: -1')
      assert.equal(existsSync(join(cwd, 'ev2')), false)
    }
  })

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} during simulate --engine c --trace-pixel (3 times): no trace at the target, no .part, no C left`, async function () {
      if (!cBuilt) this.skip()
      for (let k = 0; k < 3; k++) {
        const cwd = dirs.make()
        const s = startCli(['simulate', '--engine', 'c', '--trace-pixel', '32,32', '--trace-out', 'p.jsonl', '--', ...SLOW_TRACE], cwd)
        // interrupted while the C engine writes its trace
        assert.ok(await until(() => readdirSync(cwd).some((f) => f.startsWith('.p.jsonl.nbtrace-tmp-') && readdirSync(join(cwd, f)).length > 0)), s.stderr())
        signalGroup(s, sig)
        const r = await s.done
        assert.ok(endedBy(r, sig), `ended with ${r.code ?? r.signal}`)
        assert.ok(await until(() => !running(`-trace_out ${cwd}`), 5000), 'the C engine was left running')
        assert.equal(existsSync(join(cwd, 'p.jsonl')), false, 'a trace at the target')
        assert.deepEqual(leftovers(cwd), [])
        assert.deepEqual(listAll(cwd), [])
      }
    })
  }
})
