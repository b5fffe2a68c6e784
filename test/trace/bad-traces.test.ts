// Every malformed trace in test/fixtures/bad/traces gives its one-line error (file, line,
// JSON pointer), exit code 2, and nothing on stdout.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT, runCli, validateAgainst} from '../helpers/cli.js'

interface Case {
  file: string
  line: number
  field: string | null
  message: string
  prefix?: boolean
}

const dir = 'test/fixtures/bad/traces'
const cases = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/bad/traces.expected.json'), 'utf8')) as Case[]

describe('validate: malformed traces', function () {
  this.timeout(180_000)
  const results = new Map<string, Awaited<ReturnType<typeof runCli>>>()
  before(async () => {
    // run in small parallel batches: each run starts a CLI process
    for (let i = 0; i < cases.length; i += 6) {
      const batch = cases.slice(i, i + 6)
      const rs = await Promise.all(batch.map((c) => runCli(['validate', `${dir}/${c.file}`])))
      batch.forEach((c, j) => results.set(c.file, rs[j]))
    }
  })

  it('has at least 20 malformed traces', () => assert.ok(cases.length >= 20, `${cases.length}`))

  for (const c of cases) {
    it(`${c.file}: ${c.message}`, () => {
      const r = results.get(c.file)!
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      const head = `nbtrace: ${dir}/${c.file}:${c.line}: ${c.field ? c.field + ': ' : ''}`
      if (c.prefix) assert.ok(lines[0].startsWith(head + c.message), lines[0])
      else assert.equal(lines[0], head + c.message)
    })
  }

  it('--json reports every file with line and JSON pointer, valid against validate.schema.json', async () => {
    const files = cases.slice(0, 4).map((c) => `${dir}/${c.file}`)
    const r = await runCli(['validate', ...files, 'test/fixtures/good/minimal.jsonl', '--json'])
    assert.equal(r.code, 2)
    const out = JSON.parse(r.stdout) as {valid: boolean; files: {valid: boolean; line: number | null; field: string | null}[]}
    assert.equal(validateAgainst('validate.schema.json', out), null)
    assert.equal(out.valid, false)
    assert.deepEqual(
      out.files.slice(0, 4).map((f) => [f.line, f.field]),
      cases.slice(0, 4).map((c) => [c.line, c.field]),
    )
  })
})
