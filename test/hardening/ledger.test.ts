// #14 group 4: the ledger. Concurrent attaches lose nothing (an exclusive lock, the ledger re-read
// under it, checked unchanged before the rename); every string written stays one inline item (a
// file name with a newline cannot add a heading); a read-only ledger is refused; attaching the same
// report again is a no-op whatever path spells it (keyed on content); a BOM is accepted and kept;
// a lock left by a killed process is taken over.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Dirs, oneLine, ROOT, runCli, TSX} from './helpers.js'

const LEDGER =
  '# Plan\n\n## [RUN-1] a run\n- Status: open\n- Attempts History:\n  * [2025-01-01] Attempt #1 — Result: baseline\n- Next Actions:\n  1. trace\n\n## [RUN-2] another\n- Status: open\n'

let base: Record<string, unknown> | undefined
/** A real compare report (`nbtrace compare --json` of the lattice example pair). */
async function realReport(): Promise<Record<string, unknown>> {
  if (!base) {
    const r = await runCli(['compare', join(ROOT, 'traces', 'lattice', 'ref.jsonl'), join(ROOT, 'traces', 'lattice', 'cand.jsonl'), '--json'])
    assert.equal(r.code, 1, r.stderr)
    base = JSON.parse(r.stdout) as Record<string, unknown>
  }
  return base
}

/** Writes a report that differs from every other one written with another n (its content is its identity). */
async function writeReport(path: string, n: number): Promise<string> {
  writeFileSync(path, JSON.stringify({...(await realReport()), elapsedMs: n}, null, 2) + '\n')
  return path
}

const attempts = (text: string): string[] => text.split('\n').filter((l) => /^ {2}\* \[[^\]]+\] Attempt #\d+ /.test(l))
const headings = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('## '))

describe('hardening #14.4: the ledger', function () {
  this.timeout(300_000)
  const dirs = new Dirs()
  after(() => dirs.clean())

  it('two processes racing 100 attaches each on one entry: all 200 attempts there, numbered once each', async () => {
    const cwd = dirs.make()
    const ledger = join(cwd, 'plan.md')
    writeFileSync(ledger, LEDGER)
    mkdirSync(join(cwd, 'reports'))
    for (let i = 0; i < 100; i++) {
      await writeReport(join(cwd, 'reports', `a-${i}.json`), 2 * i)
      await writeReport(join(cwd, 'reports', `b-${i}.json`), 2 * i + 1)
    }
    const worker = (prefix: string): Promise<number | null> =>
      new Promise((resolve) => {
        const c = spawn(
          process.execPath,
          ['--import', TSX, join(ROOT, 'test', 'hardening', 'ledger-worker.ts'), ledger, 'RUN-1', join(cwd, 'reports'), prefix, '100'],
          {cwd, stdio: ['ignore', 'ignore', 'inherit']},
        )
        c.on('close', resolve)
      })
    assert.deepEqual(await Promise.all([worker('a'), worker('b')]), [0, 0])
    const text = readFileSync(ledger, 'utf8')
    const lines = attempts(text)
    assert.equal(lines.length, 201, 'lost updates')
    const numbers = lines.map((l) => Number(/Attempt #(\d+)/.exec(l)![1]))
    assert.deepEqual(
      numbers,
      Array.from({length: 201}, (_, i) => i + 1),
    )
    for (const p of ['a', 'b']) for (let i = 0; i < 100; i++) assert.equal(lines.filter((l) => l.includes(`reports/${p}-${i}.json`)).length, 1, `${p}-${i}`)
    assert.deepEqual(headings(text), ['## [RUN-1] a run', '## [RUN-2] another'])
    assert.equal(existsSync(`${ledger}.nbtrace-lock`), false)
  })

  it('four `nbtrace ledger attach` commands at once: four attempts', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    for (let i = 0; i < 4; i++) await writeReport(join(cwd, `r${i}.json`), 1000 + i)
    const rs = await Promise.all(
      Array.from({length: 4}, (_, i) => runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', `r${i}.json`], {cwd})),
    )
    for (const r of rs) assert.equal(r.code, 0, r.stderr)
    assert.equal(attempts(readFileSync(join(cwd, 'plan.md'), 'utf8')).length, 5)
  })

  it('a folder name with a newline and a heading: one inline item; the ledger keeps its headings and takes the next attach', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    const evil = 'run\n## [RUN-1] evil\n- Status: done `x` *y*'
    mkdirSync(join(cwd, evil))
    await writeReport(join(cwd, evil, 'report.json'), 1)
    const r = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', join(evil, 'report.json'), '--date', '2025-02-02'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    const text = readFileSync(join(cwd, 'plan.md'), 'utf8')
    assert.deepEqual(headings(text), ['## [RUN-1] a run', '## [RUN-2] another'])
    const line = attempts(text)[1]
    // JSON-escaped and quoted (control characters), fenced by two backticks (it holds one)
    assert.ok(line.includes('Report: ``"run\\n## [RUN-1] evil\\n- Status: done `x` *y*/report.json"``'), line)
    await writeReport(join(cwd, 'next.json'), 2)
    const again = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'next.json'], {cwd})
    assert.equal(again.code, 0, again.stderr)
    assert.equal(attempts(readFileSync(join(cwd, 'plan.md'), 'utf8')).length, 3)
  })

  it('the same report through a symlinked folder, a backticked path, or a copy: attached once', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    mkdirSync(join(cwd, 'run`1'))
    await writeReport(join(cwd, 'run`1', 'report.json'), 7)
    symlinkSync('run`1', join(cwd, 'alias'))
    mkdirSync(join(cwd, 'copy'))
    copyFileSync(join(cwd, 'run`1', 'report.json'), join(cwd, 'copy', 'report.json'))
    const first = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'run`1', '--json'], {cwd})
    assert.equal(JSON.parse(first.stdout).changed, true, first.stderr)
    assert.ok(attempts(readFileSync(join(cwd, 'plan.md'), 'utf8'))[1].includes('Report: ``run`1/report.json``'))
    const once = readFileSync(join(cwd, 'plan.md'))
    for (const via of ['alias/report.json', './run`1/report.json', 'copy']) {
      const r = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', via, '--json', '--date', '2030-01-01'], {cwd})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(JSON.parse(r.stdout).changed, false, via)
    }
    assert.ok(readFileSync(join(cwd, 'plan.md')).equals(once))
  })

  it('a read-only ledger (0444) is refused, even for root; the file untouched', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    chmodSync(join(cwd, 'plan.md'), 0o444)
    await writeReport(join(cwd, 'r.json'), 1)
    const r = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'r.json'], {cwd})
    assert.equal(r.code, 2)
    assert.equal(oneLine(r.stderr), 'nbtrace: plan.md: --ledger: the ledger is read-only (mode 0444): nbtrace does not rewrite it; make it writable first')
    assert.equal(readFileSync(join(cwd, 'plan.md'), 'utf8'), LEDGER)
    // a dry run writes nothing, so it is fine
    const d = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'r.json', '--dry-run'], {cwd})
    assert.equal(d.code, 0, d.stderr)
  })

  it('a ledger starting with a BOM: the entry is found, the BOM kept', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), '\uFEFF' + LEDGER.slice(LEDGER.indexOf('## [RUN-1]')))
    await writeReport(join(cwd, 'r.json'), 1)
    const r = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'r.json'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    const bytes = readFileSync(join(cwd, 'plan.md'))
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.equal(attempts(bytes.toString('utf8')).length, 2)
  })

  it('a lock left by a killed process is taken over', async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'plan.md'), LEDGER)
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim()
    writeFileSync(join(cwd, 'plan.md.nbtrace-lock'), `${dead}\n${(await import('node:os')).hostname()}\n`)
    await writeReport(join(cwd, 'r.json'), 1)
    const r = await runCli(['ledger', 'attach', '--ledger', 'plan.md', '--id', 'RUN-1', '--report', 'r.json'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(existsSync(join(cwd, 'plan.md.nbtrace-lock')), false)
    assert.equal(attempts(readFileSync(join(cwd, 'plan.md'), 'utf8')).length, 2)
  })
})
