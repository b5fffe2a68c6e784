// node --import tsx scripts/fuzz/record.ts CASES.json
// Records hand-written configurations as fuzz fixtures (test/fixtures/fuzz/<id>.json) with
// upstream's outputs, for differences found by reading upstream rather than by the fuzzer. Each
// case: {id, args, files?: {name: text}, found, fixed}. The replay test treats them like the rest.
import {readFileSync} from 'node:fs'
import {fixtureOf, saveFixture} from './fixtures.js'
import {runAll} from './programs.js'

interface Case {
  id: string
  args: string[]
  files?: Record<string, string>
  found: string
  fixed: string
  engine?: 'c' | 'ts'
}

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Case[]
for (const k of cases) {
  const c = {id: k.id, groups: [{tag: k.id, args: k.args, essential: true}], files: k.files ?? {}}
  const r = await runAll(c, ['upstream'])
  const fx = {...fixtureOf(c, k.engine ?? 'c', k.found, r.get('upstream')!), fixed: k.fixed}
  process.stderr.write(`${saveFixture({...fx, id: k.id}).replace(/.*\//, '')}: upstream exit ${r.get('upstream')!.status}\n`)
}
