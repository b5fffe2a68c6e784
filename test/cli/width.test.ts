// Output fits the terminal: every table and every prose line of compare (root-cause table),
// schema --catalogue, simulate --list-faults/--list-fixes and parity at 80 columns (and 120),
// through the commands a user runs; piped output is plain text.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import stringWidth from 'string-width'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir, writeFloat} from '../parity/helpers.js'

function tooWide(text: string, width: number): string[] {
  return text.split('\n').filter((l) => stringWidth(l) > width)
}

/** Lines of one box-drawn table are all equally wide (no cell pushed a border out). */
function tableWidths(text: string): Set<number> {
  return new Set(
    text
      .split('\n')
      .filter((l) => /^\s*[│┌├└]/.test(l))
      .map((l) => stringWidth(l)),
  )
}

const catalogue = JSON.parse(readFileSync(join(ROOT, 'schemas', 'catalogue.json'), 'utf8')) as {variables: {name: string}[]}
const faults = JSON.parse(readFileSync(join(ROOT, 'schemas', 'faults.json'), 'utf8')) as {faults: {id: string}[]; fixes: {id: string}[]}

describe('cli: output at 80 columns', function () {
  this.timeout(120000)
  const env80 = {COLUMNS: '80', NO_COLOR: ''}

  it('compare: the root-cause table and the prose around it', async () => {
    const r = await runCli(['compare', 'traces/lattice/ref.jsonl', 'traces/lattice/cand.jsonl', '--all'], {env: env80})
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(tooWide(r.stdout, 80), [])
    assert.equal(tableWidths(r.stdout).size, 1)
    assert.match(r.stdout, /│ # │ variable │ loop +│ class +│ rel diff +│ ratio +│ iter │ cascade │/)
    assert.match(r.stdout, /│ 1 │ F_latt_a │ \{thick:0, +│ lattice/)
    assert.match(r.stdout, /│ reference: \S+ +│/) // values moved under their row
    assert.doesNotMatch(r.stdout, /\x1b\[/) // piped: plain text even without NO_COLOR
  })

  it('--help of every command fits, examples included (broken with a shell continuation, pasteable as one line)', async () => {
    for (const cmd of [['compare'], ['convert'], ['ledger', 'attach'], ['parity'], ['reduce'], ['schema'], ['simulate'], ['trace'], ['triage'], ['validate']]) {
      const r = await runCli([...cmd, '--help'], {env: env80})
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(tooWide(r.stdout, 80), [], cmd.join(' '))
      // an example's continuation lines join back into the command as written
      const ex = r.stdout.split('EXAMPLES\n')[1] ?? ''
      for (const block of ex.split('\n\n').filter((b) => b.trim().startsWith('$'))) assert.doesNotMatch(block.replace(/ \\\n +/g, ' '), /\n(?! *$)/, block)
    }
  })

  it('compare at 250 columns keeps the values in the grid', async () => {
    const r = await runCli(['compare', 'traces/lattice/ref.jsonl', 'traces/lattice/cand.jsonl', '--all'], {env: {COLUMNS: '250'}})
    assert.deepEqual(tooWide(r.stdout, 250), [])
    assert.match(r.stdout, /│ # │ variable │ loop +│ class +│ reference +│ candidate +│ rel diff/)
  })

  it('schema --catalogue: every variable, grouped by stage', async () => {
    const r = await runCli(['schema', '--catalogue'], {env: env80})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(tooWide(r.stdout, 80), [])
    assert.equal(tableWidths(r.stdout).size, 1)
    for (const v of catalogue.variables) assert.match(r.stdout, new RegExp(`│ ${v.name} +│`), v.name)
    assert.match(r.stdout, /│ stage setup +│/)
    assert.match(r.stdout, /│ meaning: detector size along the fast axis, pixels +│/)
  })

  it('simulate --list-faults --list-fixes: every id', async () => {
    const r = await runCli(['simulate', '--list-faults', '--list-fixes'], {env: env80})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(tooWide(r.stdout, 80), [])
    for (const e of [...faults.faults, ...faults.fixes]) assert.match(r.stdout, new RegExp(`│ ${e.id} +│`), e.id)
    assert.match(r.stdout, /│ what it does: /)
  })

  it('parity: verdict, metrics, rankings, suggestion', async () => {
    const dir = tempDir()
    const a = Array.from({length: 32 * 32}, (_, i) => 10 + (i % 7) + 1000 * Number(i === 300))
    writeFloat(join(dir, 'reference-image-with-a-long-name.bin'), a)
    writeFloat(
      join(dir, 'candidate-image-with-a-long-name.bin'),
      a.map((v, i) => (i % 5 === 0 ? v * 1.0001 : v)),
    )
    const r = await runCli(
      ['parity', join(dir, 'reference-image-with-a-long-name.bin'), join(dir, 'candidate-image-with-a-long-name.bin'), '--png', join(dir, 'h.png')],
      {env: env80},
    )
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(tooWide(r.stdout, 80), [])
    assert.equal(tableWidths(r.stdout).size, 2) // two tables of their own widths
    assert.match(r.stdout, /^PASS {2}correlation ≥ 0\.999 and \|sum ratio − 1\| ≤ 0\.005/)
    assert.match(r.stdout, /not bit-identical: 205 of 1024 pixels differ/)
    assert.match(r.stdout, /│ +# │ slow,fast │/)
  })

  it('at 120 columns too', async () => {
    for (const args of [
      ['schema', '--catalogue'],
      ['simulate', '--list-faults'],
      ['compare', 'traces/geometry/ref.jsonl', 'traces/geometry/cand.jsonl'],
    ]) {
      const r = await runCli(args, {env: {COLUMNS: '120'}})
      assert.deepEqual(tooWide(r.stdout, 120), [], args.join(' '))
    }
  })
})
