// Issue #8 faults, extending test/workflow/trace.test.ts (crash with no output, hang, truncated
// trace from a side that exits 0, concurrent runs are there and not repeated):
//  - a simulator that crashes mid-trace (half a trace, then a non-zero exit) is reported as a
//    truncated trace with the last record seen and that side's stderr tail;
//  - an interrupted run (SIGINT/SIGTERM to `nbtrace trace` and to `nbtrace simulate`, TS and C
//    engines) leaves no partial artifact, no temporary/staging file and no side process running.
import assert from 'node:assert/strict'
import {spawn, execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CLI, ROOT, runCli, validateAgainst} from '../helpers/cli.js'

const ARGS = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -N 2 -detpixels 64'.split(' ')
/** a TS full image of a few seconds (-detpixels 512 -oversample 3 takes 0.4 s here: too quick to interrupt) */
const BIG = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -N 5 -detpixels 1024 -oversample 6'.split(' ')
/** the tsx loader the CLI helper uses (import.meta.resolve is not there under every mocha set-up) */
const LEFTOVER = /\.nbtrace-tmp-|\.nbtrace-stage-|\.part$/
const cBuilt = existsSync(process.env.NBTRACE_C_BINARY || join(ROOT, 'instrumented-c', 'build', 'nanobragg-nbtrace'))

function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(dir, prefix), {withFileTypes: true})) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    out.push(rel)
    if (e.isDirectory()) out.push(...listAll(dir, rel))
  }
  return out
}

/** Is a process whose command line holds marker still running? */
function running(marker: string): boolean {
  try {
    return execFileSync('ps', ['-eo', 'args'], {encoding: 'utf8'})
      .split('\n')
      .some((l) => l.includes(marker) && !l.includes('ps -eo'))
  } catch {
    return false
  }
}

/** Starts the CLI, sends sig once stderr matches `when` (or after whenMs), resolves with how it ended. */
function interrupt(
  args: string[],
  cwd: string,
  sig: NodeJS.Signals,
  when: RegExp,
): Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string; sent: boolean}> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI[0], [...CLI.slice(1), ...args], {cwd, env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let sent = false
    const send = (): void => {
      if (sent) return
      sent = true
      child.kill(sig)
    }
    child.stderr.on('data', (d) => {
      stderr += d
      if (when.test(stderr)) send()
    })
    child.stdout.resume()
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolve({code, signal, stderr, sent})
    })
  })
}

describe('hardening: faults (crash mid-trace, interrupted runs)', function () {
  this.timeout(240_000)
  const dirs: string[] = []
  let good = ''
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'nbtrace-faults-'))
    dirs.push(d)
    return d
  }
  before(async () => {
    const d = newDir()
    good = join(d, 'good.jsonl')
    const r = await runCli(['simulate', '--engine', 'ts', '--trace-pixel', '33,33', '--trace-out', good, '--', ...ARGS])
    assert.equal(r.code, 0, r.stderr)
  })
  after(() => {
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })

  for (const role of ['cand', 'ref'] as const) {
    it(`a ${role === 'cand' ? 'candidate' : 'reference'} that crashes mid-trace: truncated, last record seen, its stderr tail; evidence written`, async function () {
      if (role === 'cand' && !cBuilt) this.skip()
      const cwd = newDir()
      const lines = readFileSync(good, 'utf8').trimEnd().split('\n')
      writeFileSync(join(cwd, 'half.jsonl'), lines.slice(0, 51).join('\n') + '\n')
      const crash = 'cat {cwd}/half.jsonl; echo "pixel loop: Segmentation fault (core dumped)" >&2; exit 139'
      const other = role === 'cand' ? [] : ['--cand-engine', 'ts']
      const r = await runCli(['trace', '--pixel', '33,33', '--out', 'ev', `--${role}-cmd`, crash, ...other, '--json', '--', ...ARGS], {cwd})
      assert.equal(r.code, 1, r.stderr)
      const out = JSON.parse(r.stdout)
      assert.equal(validateAgainst('trace-command.schema.json', out), null)
      assert.equal(out.status, 'mismatch')
      const side = role === 'cand' ? 'candidate' : 'reference'
      assert.match(out.report.verdict, new RegExp(`^TRUNCATED: ${side} trace no footer after 50 value records \\(last record seen: seq 49 \\w+, line 51\\)`))
      assert.equal(out.failure.side, role)
      assert.match(out.failure.what, /^exited with 139: .*; its trace is truncated: no footer after 50 value records \(last record seen: seq 49 \w+, line 51\)/)
      assert.match(out.failure.stderrTail, /Segmentation fault \(core dumped\)/)
      assert.ok(existsSync(join(cwd, 'ev', 'report.json')))
      assert.match(readFileSync(join(cwd, 'ev', `${role}.stderr.txt`), 'utf8'), /Segmentation fault/)
      assert.deepEqual(
        listAll(cwd).filter((f) => LEFTOVER.test(f)),
        [],
      )
    })
  }

  it('the text report of a mid-trace crash shows the stderr tail and the evidence, not "nothing was written"', async () => {
    const cwd = newDir()
    const lines = readFileSync(good, 'utf8').trimEnd().split('\n')
    writeFileSync(join(cwd, 'half.jsonl'), lines.slice(0, 51).join('\n') + '\n')
    const r = await runCli(
      [
        'trace',
        '--pixel',
        '33,33',
        '--out',
        'ev',
        '--ref-engine',
        'ts',
        '--cand-cmd',
        'cat {cwd}/half.jsonl; echo "boom at seq 50" >&2; exit 3',
        '--',
        ...ARGS,
      ],
      {cwd},
    )
    assert.equal(r.code, 1)
    assert.match(r.stdout, /FAILED: candidate side: exited with 3: .*its trace is truncated/)
    assert.match(r.stdout, /\| boom at seq 50/)
    assert.match(r.stdout, /TRUNCATED: candidate trace no footer/)
    assert.match(r.stdout, /evidence: .*cand\.stderr\.txt/)
    assert.doesNotMatch(r.stdout, /nothing was written/)
  })

  it('a side that writes a complete trace and then fails: the failure stands and nothing is written', async () => {
    const cwd = newDir()
    const r = await runCli(
      ['trace', '--pixel', '33,33', '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `cat ${good}; echo late failure >&2; exit 1`, '--json', '--', ...ARGS],
      {cwd},
    )
    assert.equal(r.code, 3)
    const out = JSON.parse(r.stdout)
    assert.equal(out.status, 'failed')
    assert.match(out.failure.stderrTail, /late failure/)
    assert.ok(!existsSync(join(cwd, 'ev')))
    assert.deepEqual(
      listAll(cwd).filter((f) => LEFTOVER.test(f)),
      [],
    )
  })

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} to nbtrace simulate --engine ts mid-image: no image, no temporary file`, async () => {
      const cwd = newDir()
      const r = await interrupt(['simulate', '--engine', 'ts', '--', ...BIG], cwd, sig, /nbtrace simulate: 25%/)
      assert.ok(r.sent, `the run ended before it could be interrupted: ${r.stderr}`)
      assert.ok(r.signal === sig || r.code === (sig === 'SIGINT' ? 130 : 143), `ended with ${r.code ?? r.signal}`)
      assert.deepEqual(listAll(cwd), [], 'nothing written')
    })

    it(`${sig} to nbtrace simulate --engine ts --threads 2 mid-image: no image, no temporary file`, async () => {
      const cwd = newDir()
      const r = await interrupt(['simulate', '--engine', 'ts', '--threads', '2', '--', ...BIG], cwd, sig, /nbtrace simulate: 25%/)
      assert.ok(r.sent, r.stderr)
      assert.deepEqual(listAll(cwd), [])
    })

    it(`${sig} to nbtrace simulate --engine c mid-image: no image, and the C process does not run on`, async function () {
      if (!cBuilt) this.skip()
      const cwd = newDir()
      const marker = `-floatfile ${cwd}/c-${sig}.bin`
      const r = await interrupt(['simulate', '--engine', 'c', '--', ...BIG, '-oversample', '10', ...marker.split(' ')], cwd, sig, /nbtrace simulate: 0%/)
      assert.ok(r.sent, r.stderr)
      assert.ok(r.code === (sig === 'SIGINT' ? 130 : 143) || r.signal === sig, `ended with ${r.code ?? r.signal}`)
      await new Promise((res) => setTimeout(res, 300))
      assert.equal(running(marker), false, 'the C engine was left running')
      assert.deepEqual(listAll(cwd), [])
    })

    it(`${sig} to nbtrace trace while a side runs: no evidence folder, no staging folder, no side left running`, async () => {
      const cwd = newDir()
      // unique on the machine: other test runs use the same commands
      const marker = `sleep 4${sig === 'SIGINT' ? 1 : 2}.${String(process.pid).padStart(6, '0')}`
      const r = await interrupt(
        ['trace', '--pixel', '33,33', '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `head -n 40 ${good} > {out}; ${marker}`, '--', ...ARGS],
        cwd,
        sig,
        /tracing pixel/,
      )
      assert.ok(r.sent, r.stderr)
      assert.ok(r.code === (sig === 'SIGINT' ? 130 : 143) || r.signal === sig, `ended with ${r.code ?? r.signal}`)
      await new Promise((res) => setTimeout(res, 300))
      assert.equal(running(marker), false, 'the candidate command was left running')
      assert.deepEqual(listAll(cwd), [], 'nothing written')
    })
  }
})
