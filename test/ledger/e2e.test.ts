import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {attachReport} from '../../src/ledger/attach.js'
import {ROOT, runCli, schemaValidator, tempDir} from '../parity/helpers.js'

const hasPython = spawnSync('python3', ['--version']).status === 0

describe('ledger attach: end to end with a real compare report', function () {
  before(function () {
    if (!hasPython) this.skip()
  })

  it('Python trace vs a planted change → nbtrace compare --json → ledger attach', async () => {
    const dir = tempDir('nbtrace-e2e-')
    const run = join(dir, 'runs', 'toy')
    mkdirSync(run, {recursive: true})
    const ref = join(run, 'ref.jsonl')
    assert.equal(spawnSync('python3', [join(ROOT, 'emitters', 'python', 'example_vectorized.py'), ref]).status, 0)
    // plant a change in F_latt at phi 1, mosaic 2
    const cand = join(run, 'cand.jsonl')
    const text = readFileSync(ref, 'utf8').replace(
      /("name":"F_latt","loop":\{"thick":0,"subS":0,"subF":0,"source":0,"phi":1,"mosaic":2\},"value":)([^}]+)/,
      (_m, a: string, v: string) => a + String(Number(v) * 1.001),
    )
    writeFileSync(cand, text)
    const cmp = runCli(['compare', ref, cand, '--json'])
    assert.equal(cmp.status, 1, cmp.stderr)
    const report = JSON.parse(cmp.stdout)
    assert.deepEqual(schemaValidator('report.schema.json')(report), {ok: true, errors: ''})
    writeFileSync(join(run, 'report.json'), cmp.stdout)
    const ledger = join(dir, 'fix_plan.md')
    const before =
      '# Ledger\n\n## [TOY-001] Toy port parity\n- Status: in_progress\n- Attempts History:\n  * [2025-11-01] Attempt #1 — Result: ⚠ baseline\n- Next Actions:\n  1. trace it\n'
    writeFileSync(ledger, before)
    const r = await attachReport({ledger, id: 'TOY-001', report: 'runs/toy/report.json', date: '2025-11-26', cwd: dir})
    assert.equal(r.attempt, 2)
    const after = readFileSync(ledger, 'utf8').split('\n')
    assert.equal(after[4], '- First Divergence: ' + r.firstDivergence)
    assert.match(
      after[7],
      /^ {2}\* \[2025-11-26\] Attempt #2 — Result: diverged — nbtrace first divergence: F_latt @ loop \{thick=0, subS=0, subF=0, source=0, phi=1, mosaic=2\}/,
    )
    assert.match(after[7], /Report: `runs\/toy\/report\.json` \(sha256 [0-9a-f]{16}\); artifacts: `runs\/toy\/cand\.jsonl`, `runs\/toy\/ref\.jsonl`\.$/)
    const again = await attachReport({ledger, id: 'TOY-001', report: 'runs/toy/report.json', date: '2025-11-27', cwd: dir})
    assert.equal(again.changed, false)
  })
})
