// `ledger attach --report DIR` with a triage folder: one attempt listing every cause with its
// share and the unexplained rest, citing the cause map and each cause's representative evidence
// folder; attaching again changes nothing; a triage folder changed since its run is refused.
import assert from 'node:assert/strict'
import {appendFileSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli} from '../helpers/cli.js'
import {CONFIGS, triage, workDir} from './helpers.js'

describe('ledger attach: a triage report', function () {
  this.timeout(300_000)
  let wd = ''
  before(() => (wd = workDir()))
  after(() => wd && rmSync(wd, {recursive: true, force: true}))

  it('records one attempt with every cause and its share', async () => {
    const {r, json} = await triage(wd, ['--out', 'tri', '--cand-inject', 'kahn-default-one,hkl-outside-zero,tile-fast-offset'], CONFIGS[0].args)
    assert.equal(r.code, 1, r.stderr)
    assert.equal(json.causes.length, 3)
    writeFileSync(
      join(wd, 'fix_plan.md'),
      '# Ledger\n\n## [PORT-001] Port parity\n- Status: in_progress\n- Attempts History:\n  * [2025-11-01] Attempt #1 — Result: ⚠ correlation 0.72\n- Next Actions:\n  1. triage it\n',
    )
    const a = await runCli(['ledger', 'attach', '--ledger', 'fix_plan.md', '--id', 'PORT-001', '--report', 'tri', '--date', '2025-12-01', '--json'], {cwd: wd})
    assert.equal(a.code, 0, a.stderr)
    const lines = readFileSync(join(wd, 'fix_plan.md'), 'utf8').split('\n')
    const attempt = lines.find((l) => l.includes('Attempt #2'))!
    assert.ok(attempt, lines.join('\n'))
    assert.match(attempt, /Result: diverged — nbtrace triage: 3 independent causes: /)
    for (const c of json.causes) {
      const pct = `${Number((100 * c.share).toPrecision(3))}%`
      assert.ok(attempt.includes(`${c.class} (${c.variable}) ${pct}`), `${c.class} (${c.variable}) ${pct} missing from: ${attempt}`)
    }
    assert.match(attempt, /; unexplained [\d.e-]+%\. Report: `tri\/triage\.json` \(sha256 [0-9a-f]{16}\); artifacts: /)
    assert.ok(attempt.includes('`tri/causes.png`'))
    for (const c of json.causes) assert.ok(attempt.includes(`\`tri/${c.representative.evidence}\``), `${c.representative.evidence} not cited`)
    assert.match(
      lines.find((l) => l.startsWith('- First Divergence:'))!,
      /^- First Divergence: largest triage cause \w+, class [\w-]+ \([\d.]+% of the discrepancy, 3 causes\)/,
    )
    // the same report again: nothing changes
    const before = readFileSync(join(wd, 'fix_plan.md'), 'utf8')
    const again = await runCli(['ledger', 'attach', '--ledger', 'fix_plan.md', '--id', 'PORT-001', '--report', 'tri', '--date', '2025-12-02'], {cwd: wd})
    assert.equal(again.code, 0, again.stderr)
    assert.equal(readFileSync(join(wd, 'fix_plan.md'), 'utf8'), before)
    // evidence changed since the run: refused, ledger untouched
    appendFileSync(join(wd, 'tri', json.causes[0].representative.evidence, 'report.txt'), 'edited\n')
    const stale = await runCli(['ledger', 'attach', '--ledger', 'fix_plan.md', '--id', 'PORT-001', '--report', 'tri'], {cwd: wd})
    assert.equal(stale.code, 2)
    assert.match(stale.stderr, /changed since the run/)
    assert.equal(readFileSync(join(wd, 'fix_plan.md'), 'utf8'), before)
  })
})
