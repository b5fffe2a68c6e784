// The one direction of the arrows (docs/architecture.md), held by a test: every runtime import
// between two folders of src/ is one the table below allows. `import type` is free (a type is
// not a dependency at run time: report/ renders the Report type compare/ defines). A new arrow
// is a design decision: add it here and to docs/architecture.md, or move the code.
import {strict as assert} from 'node:assert'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, normalize, relative} from 'node:path'
import {ROOT} from '../helpers/cli.js'

/** folder → the folders its code may import at run time */
const ALLOWED: Record<string, string[]> = {
  commands: ['workflow', 'triage', 'reduce', 'engines', 'sim', 'trace', 'align', 'compare', 'report', 'parity', 'ledger', 'catalogue', 'cli', 'util'],
  triage: ['workflow', 'engines', 'sim', 'trace', 'compare', 'report', 'parity', 'catalogue', 'util'],
  reduce: ['workflow', 'engines', 'sim', 'trace', 'compare', 'report', 'catalogue', 'util'],
  workflow: ['engines', 'sim', 'trace', 'compare', 'report', 'parity', 'catalogue', 'util'],
  engines: ['sim', 'trace', 'catalogue', 'util'],
  sim: ['trace', 'catalogue', 'util'],
  compare: ['classify', 'align', 'trace', 'catalogue', 'util'],
  classify: ['align', 'trace', 'catalogue', 'util'],
  align: ['trace', 'catalogue', 'util'],
  trace: ['catalogue', 'util'],
  report: ['cli', 'catalogue', 'util'],
  parity: ['cli', 'util'],
  ledger: ['trace', 'catalogue', 'util'],
  catalogue: ['util'],
  cli: ['util'],
  util: [],
}

function files(d: string): string[] {
  return readdirSync(d, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []))
}

/** Runtime imports of a module: static `import … from`, `export … from` and `import()`, minus `import type`/`export type`. */
function runtimeImports(text: string): string[] {
  const out: string[] = []
  const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/gms
  for (const m of text.matchAll(re)) {
    if (m[5]) out.push(m[5])
    else if (!m[2]) out.push(m[4])
  }
  return out
}

describe('architecture: the arrows between folders of src/', () => {
  const src = join(ROOT, 'src')
  const folderOf = (p: string): string => relative(src, p).split('/')[0]

  it('every folder of src/ is in the table', () => {
    const folders = readdirSync(src, {withFileTypes: true})
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
    assert.deepEqual(
      folders.filter((f) => !(f in ALLOWED)),
      [],
    )
  })

  it('no runtime import runs against the table (no arrow runs back up)', () => {
    const bad: string[] = []
    for (const f of files(src)) {
      const from = folderOf(f)
      for (const spec of runtimeImports(readFileSync(f, 'utf8'))) {
        const to = folderOf(normalize(join(dirname(f), spec)))
        if (to !== from && !(ALLOWED[from] ?? []).includes(to)) bad.push(`${relative(ROOT, f)} imports ${spec} (${from} → ${to})`)
      }
    }
    assert.deepEqual(bad, [])
  })

  it('the table itself has no cycle', () => {
    const seen = new Map<string, 'open' | 'done'>()
    const visit = (n: string, path: string[]): void => {
      if (seen.get(n) === 'done') return
      assert.notEqual(seen.get(n), 'open', `cycle: ${[...path, n].join(' → ')}`)
      seen.set(n, 'open')
      for (const m of ALLOWED[n]) visit(m, [...path, n])
      seen.set(n, 'done')
    }
    for (const n of Object.keys(ALLOWED)) visit(n, [])
  })

  it('the test sees an arrow that runs back (a module of trace/ importing align/)', () => {
    assert.deepEqual(runtimeImports("import {align} from '../align/align.js'\nimport type {X} from '../compare/report.js'"), ['../align/align.js'])
  })
})
