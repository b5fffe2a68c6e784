// #14 group 3: evidence is all or nothing. A new run replaces the evidence folder whole (nothing
// of an earlier run survives next to it), a failed or interrupted run leaves the earlier evidence
// byte for byte, the manifest lists exactly the run's files, and `ledger attach` cites only those.
// Also: errors never name staging paths that no longer exist, and repro.sh runs from any folder.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ARGS, CLI, leftovers, oneLine, PIXEL, runCli, runningExactly, signalGroup, sleepMarker, startCli, suiteSetup, until} from './helpers.js'

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f)).toString('base64')
  return out
}

const LEDGER = '# L\n\n## [RUN-1] a run\n- Status: open\n- Attempts History:\n  * [2025-01-01] Attempt #1 — Result: baseline\n'

/** A first, agreeing run into cwd/ev. */
async function firstRun(cwd: string): Promise<void> {
  const a = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-engine', 'ts', '--', ...ARGS], {cwd})
  assert.equal(a.code, 0, a.stderr)
}

describe('hardening #14.3: evidence all or nothing', function () {
  this.timeout(180_000)
  const {dirs, good} = suiteSetup()

  it('a second run into the same --out keeps nothing of the first (parity.json, heatmap.png, *.float.bin); the ledger cites only the new manifest', async () => {
    const cwd = dirs.make()
    const a = await runCli(
      [
        'trace',
        '--pixel',
        'auto',
        '--out',
        'ev',
        '--ref-engine',
        'ts',
        '--cand-engine',
        'ts',
        '--cand-inject',
        'steps-no-oversample2',
        '--',
        ...ARGS,
        '-oversample',
        '2',
      ],
      {cwd},
    )
    assert.equal(a.code, 1, a.stderr)
    for (const f of ['parity.json', 'heatmap.png', 'ref.float.bin', 'cand.float.bin']) assert.ok(readdirSync(join(cwd, 'ev')).includes(f), f)
    const b = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-engine', 'ts', '--', ...ARGS], {cwd})
    assert.equal(b.code, 0, b.stderr)
    const files = readdirSync(join(cwd, 'ev')).sort()
    assert.deepEqual(files, ['cand.jsonl', 'diff.patch', 'manifest.json', 'ref.jsonl', 'report.json', 'repro.sh'])
    const manifest = JSON.parse(readFileSync(join(cwd, 'ev', 'manifest.json'), 'utf8'))
    assert.deepEqual(
      manifest.files.map((f: {name: string}) => f.name),
      files.filter((f) => f !== 'manifest.json'),
    )
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    const l = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'ev', '--date', '2025-02-02'], {cwd})
    assert.equal(l.code, 0, l.stderr)
    const line = readFileSync(join(cwd, 'plan.md'), 'utf8')
      .split('\n')
      .find((x) => x.includes('Attempt #2'))!
    assert.match(line, /artifacts: `ev\/cand\.jsonl`, `ev\/diff\.patch`, `ev\/ref\.jsonl`, `ev\/repro\.sh`\.$/)
    assert.doesNotMatch(line, /parity|heatmap|float/)
    assert.deepEqual(leftovers(cwd), [])
  })

  it('a failed run into an existing --out leaves the earlier evidence byte for byte', async () => {
    const cwd = dirs.make()
    await firstRun(cwd)
    const before = snapshot(join(cwd, 'ev'))
    const b = await runCli(
      ['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `cat ${good()}; echo late >&2; exit 1`, '--', ...ARGS],
      {cwd},
    )
    assert.equal(b.code, 3)
    assert.deepEqual(snapshot(join(cwd, 'ev')), before)
    assert.deepEqual(leftovers(cwd), [])
  })

  it('an interrupted run (Ctrl-C to the process group) into an existing --out leaves the earlier evidence byte for byte', async () => {
    const cwd = dirs.make()
    await firstRun(cwd)
    const before = snapshot(join(cwd, 'ev'))
    const marker = sleepMarker(47)
    const s = startCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', `cat ${good()} > {out}; ${marker}`, '--', ...ARGS], cwd)
    assert.ok(await until(() => runningExactly(marker)), s.stderr())
    signalGroup(s, 'SIGINT')
    await s.done
    assert.ok(await until(() => !runningExactly(marker), 5000), 'the candidate was left running')
    assert.deepEqual(snapshot(join(cwd, 'ev')), before)
    assert.deepEqual(leftovers(cwd), [])
  })

  it('files added to an evidence folder by hand: the next run refuses to replace it', async () => {
    const cwd = dirs.make()
    await firstRun(cwd)
    writeFileSync(join(cwd, 'ev', 'notes.txt'), 'mine')
    const b = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-engine', 'ts', '--', ...ARGS], {cwd})
    assert.equal(b.code, 2)
    assert.equal(
      oneLine(b.stderr),
      'nbtrace: ev: --out: holds files nbtrace did not write (notes.txt): the evidence folder is replaced whole; move them or choose a new --out',
    )
    assert.equal(readFileSync(join(cwd, 'ev', 'notes.txt'), 'utf8'), 'mine')
  })

  it("the ledger refuses evidence changed since the run, and a report that is not the manifest's", async () => {
    const cwd = dirs.make()
    await firstRun(cwd)
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    writeFileSync(join(cwd, 'ev', 'cand.jsonl'), 'tampered\n')
    const l = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'ev'], {cwd})
    assert.equal(l.code, 2)
    assert.equal(
      oneLine(l.stderr),
      "nbtrace: ev/manifest.json: --report: cand.jsonl, listed in manifest.json, is changed since the run: the evidence folder is not the run's any more",
    )
    const r = JSON.parse(readFileSync(join(cwd, 'ev', 'report.json'), 'utf8'))
    writeFileSync(join(cwd, 'ev', 'report.json'), JSON.stringify({...r, elapsedMs: 1}))
    const m = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'ev/report.json'], {cwd})
    assert.equal(m.code, 2)
    assert.match(oneLine(m.stderr), /^nbtrace: ev\/report\.json: --report: does not match the manifest\.json of its folder \(changed since the run\)/)
    assert.equal(readFileSync(join(cwd, 'plan.md'), 'utf8'), LEDGER)
  })

  it('an invalid candidate trace: the error names the candidate trace, not a staging path that no longer exists', async () => {
    const cwd = dirs.make()
    const r = await runCli(
      [
        'trace',
        '--pixel',
        PIXEL,
        '--out',
        'ev',
        '--ref-engine',
        'ts',
        '--cand-cmd',
        `head -n 3 ${good()}; echo '{"type":"value","seq":2,"name":"x","loop":{},"value":1}'`,
        '--',
        ...ARGS,
      ],
      {cwd},
    )
    assert.equal(r.code, 2, r.stdout)
    const line = oneLine(r.stderr)
    assert.doesNotMatch(line, /nbtrace-stage/)
    assert.match(line, /^nbtrace: the candidate trace \(not kept: the run failed\):\d+: /)
    assert.deepEqual(leftovers(cwd), [])
  })

  it('repro.sh runs from any folder (the same CLI by absolute path) and reproduces the verdict into a new folder', async () => {
    const cwd = dirs.make()
    const a = await runCli(
      [
        'trace',
        '--pixel',
        PIXEL,
        '--out',
        'ev',
        '--ref-engine',
        'ts',
        '--cand-engine',
        'ts',
        '--cand-inject',
        'steps-no-oversample2',
        '--',
        ...ARGS,
        '-oversample',
        '2',
      ],
      {cwd},
    )
    assert.equal(a.code, 1, a.stderr)
    const repro = join(cwd, 'ev', 'repro.sh')
    assert.ok(readFileSync(repro, 'utf8').includes(CLI[CLI.length - 1]))
    const elsewhere = dirs.make()
    let code = 0
    try {
      execFileSync('/bin/sh', [repro, 'again'], {cwd: elsewhere, env: {...process.env, PATH: '/usr/bin:/bin', NO_COLOR: '1'}, stdio: 'pipe'})
    } catch (e) {
      code = (e as {status: number}).status
    }
    assert.equal(code, 1)
    const again = JSON.parse(readFileSync(join(elsewhere, 'again', 'report.json'), 'utf8'))
    assert.equal(again.firstDivergence.name, 'steps')
    assert.equal(again.status, JSON.parse(readFileSync(join(cwd, 'ev', 'report.json'), 'utf8')).status)
  })
})
