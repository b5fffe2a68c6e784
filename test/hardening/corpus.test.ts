// Issue #8: the bad-input corpus (test/fixtures/bad/corpus.json, which includes the 30 malformed
// traces of traces.expected.json). Every case runs one nbtrace command in a fresh directory and
// checks the exit code, the exact one-line error (or the warning of an input read faithfully),
// that no output file was created or modified, and that no temporary or staging file is left.
import assert from 'node:assert/strict'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {ROOT, runCli, validateAgainst, type CliResult} from '../helpers/cli.js'

const BAD = join(ROOT, 'test/fixtures/bad')

type FileSpec = string | {from: string; to: string}

export interface CorpusCase {
  id: string
  kind: 'trace' | 'legacy' | 'image' | 'args' | 'input' | 'ledger'
  files?: FileSpec[]
  /** a file made by the test (a 10 MB single line is not committed) */
  generate?: {file: string; lineBytes: number}
  command: string[]
  /** which engine the command needs ('c' is skipped when the C engine is not built) */
  engine?: 'ts' | 'c'
  exit: number
  /** the whole of stderr, one line (prefix: only its start) */
  stderr?: string
  prefix?: boolean
  /** a line stderr must hold (inputs nbtrace reads faithfully, with a warning) */
  warning?: string | null
  mustNotCreate?: string[]
  mustCreate?: string[]
  unchanged?: string[]
  chmod000?: string
  /** the TypeScript engine's float image must equal the C engine's (faithful mode) */
  sameAsC?: boolean
  converted?: {file: string; values: Array<[string, unknown]>; lines: number[]}
  ledgerGains?: string[]
  ledgerEol?: string
}

interface TraceCase {
  file: string
  line: number
  field: string | null
  message: string
  prefix?: boolean
}

interface Corpus {
  base: string[]
  include: string[]
  cases: CorpusCase[]
}

export function loadCorpus(): {base: string[]; cases: CorpusCase[]} {
  const doc = JSON.parse(readFileSync(join(BAD, 'corpus.json'), 'utf8')) as Corpus
  const traces = doc.include.flatMap((f) => JSON.parse(readFileSync(join(BAD, f), 'utf8')) as TraceCase[])
  const fromTraces: CorpusCase[] = traces.map((t) => ({
    id: `trace/${t.file}`,
    kind: 'trace',
    files: [`traces/${t.file}`],
    command: ['validate', t.file],
    exit: 2,
    stderr: `nbtrace: ${t.file}:${t.line}: ${t.field ? t.field + ': ' : ''}${t.message}`,
    prefix: t.prefix,
  }))
  return {base: doc.base, cases: [...fromTraces, ...doc.cases]}
}

const cBuilt = existsSync(process.env.NBTRACE_C_BINARY || join(ROOT, 'instrumented-c', 'build', 'nanobragg-nbtrace'))
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

function stage(c: CorpusCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'nbtrace-bad-'))
  for (const f of c.files ?? []) {
    const from = typeof f === 'string' ? f : f.from
    const to = join(dir, typeof f === 'string' ? basename(f) : f.to)
    mkdirSync(dirname(to), {recursive: true})
    copyFileSync(join(BAD, from), to)
  }
  if (c.generate) {
    // a header-less JSON string value, one line of lineBytes bytes, no newline
    writeFileSync(join(dir, c.generate.file), '{"type":"header","pad":"' + 'x'.repeat(c.generate.lineBytes) + '"}')
  }
  if (c.chmod000) chmodSync(join(dir, c.chmod000), 0o000)
  return dir
}

/** Every file under dir (relative paths). */
function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(dir, prefix), {withFileTypes: true})) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) out.push(rel, ...listAll(dir, rel))
    else out.push(rel)
  }
  return out
}

export const LEFTOVER = /\.nbtrace-tmp-|\.nbtrace-stage-|\.part$/

describe('hardening: the bad-input corpus (issue #8)', function () {
  this.timeout(600_000)
  const {base, cases} = loadCorpus()
  const results = new Map<string, {r: CliResult; dir: string; before: Map<string, Buffer>; filesBefore: string[]}>()

  before(async () => {
    const runnable = cases.filter((c) => !(c.engine === 'c' && !cBuilt) && !(c.chmod000 && isRoot))
    for (let i = 0; i < runnable.length; i += 8) {
      const batch = runnable.slice(i, i + 8)
      await Promise.all(
        batch.map(async (c) => {
          const dir = stage(c)
          const before = new Map<string, Buffer>()
          for (const f of c.unchanged ?? []) before.set(f, readFileSync(join(dir, f)))
          const filesBefore = listAll(dir)
          const args = c.command.flatMap((a) => (a === '{BASE}' ? base : [a]))
          const r = await runCli(args, {cwd: dir, timeoutMs: 120_000})
          results.set(c.id, {r, dir, before, filesBefore})
        }),
      )
    }
  })

  after(() => {
    for (const {dir} of results.values()) {
      try {
        chmodSync(dir, 0o755)
        rmSync(dir, {recursive: true, force: true})
      } catch {
        /* best effort */
      }
    }
  })

  it(`holds at least 40 bad input files (${new Set(cases.flatMap((c) => (c.files ?? []).map((f) => (typeof f === 'string' ? f : f.from))).filter((f) => !f.startsWith('../good/'))).size} files, ${cases.length} cases)`, () => {
    const files = new Set(cases.flatMap((c) => (c.files ?? []).map((f) => (typeof f === 'string' ? f : f.from))).filter((f) => !f.startsWith('../good/')))
    for (const f of files) assert.ok(existsSync(join(BAD, f)), f)
    assert.ok(files.size + cases.filter((c) => c.generate).length >= 40, `${files.size}`)
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'case ids are unique')
  })

  for (const c of cases) {
    it(`${c.id}: ${c.exit === 2 ? 'exit 2, one line' : `exit ${c.exit}${c.warning ? ', warns' : ''}`}`, function () {
      if (c.engine === 'c' && !cBuilt) this.skip()
      if (c.chmod000 && isRoot) {
        console.log(`      (skipped ${c.id}: running as root, chmod 000 does not block reads)`)
        this.skip()
      }
      const {r, dir, before, filesBefore} = results.get(c.id)!
      assert.equal(r.code, c.exit, `exit code\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
      const errLines = r.stderr.split('\n').filter((l) => l !== '' && !/^nbtrace simulate: \d+%$/.test(l))
      if (c.stderr !== undefined) {
        assert.equal(errLines.length, 1, `one line on stderr:\n${r.stderr}`)
        if (c.prefix) assert.ok(errLines[0].startsWith(c.stderr), errLines[0])
        else assert.equal(errLines[0], c.stderr)
        if (c.exit === 2) assert.equal(r.stdout, '', 'nothing on stdout')
      }
      if (c.warning) assert.ok(errLines.includes(c.warning), `stderr should hold:\n${c.warning}\ngot:\n${r.stderr}`)
      if (c.warning === null || (c.exit === 0 && c.warning === undefined && c.kind === 'input')) {
        assert.deepEqual(errLines, [], 'no warning')
      }
      const after = listAll(dir)
      assert.deepEqual(
        after.filter((f) => LEFTOVER.test(f)),
        [],
        'no temporary or staging files',
      )
      for (const f of c.mustNotCreate ?? []) assert.ok(!existsSync(join(dir, f)), `${f} must not be created`)
      if (c.exit === 2) assert.deepEqual(after, filesBefore, 'no file created or removed')
      for (const [f, bytes] of before) assert.ok(readFileSync(join(dir, f)).equals(bytes), `${f} must be unchanged`)
      for (const f of c.mustCreate ?? []) assert.ok(existsSync(join(dir, f)), `${f} should be written`)
    })
  }

  // legacy logs read correctly: the converted trace holds the right values and validates
  for (const c of cases.filter((x) => x.converted)) {
    it(`${c.id}: convert → validate, the values read exactly`, async () => {
      const {dir} = results.get(c.id)!
      const conv = c.converted!
      const v = await runCli(['validate', conv.file], {cwd: dir})
      assert.equal(v.code, 0, v.stderr)
      const recs = readFileSync(join(dir, conv.file), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as {type: string; name?: string; value?: unknown; origin?: {line: number}})
      const values = recs.filter((x) => x.type === 'value')
      assert.deepEqual(
        values.map((x) => [x.name, x.value]),
        conv.values,
      )
      assert.deepEqual(
        values.map((x) => x.origin?.line),
        conv.lines,
      )
      assert.equal(validateAgainst('trace.schema.json', recs[0]), null)
    })
  }

  // ledgers read correctly: only the attempt (and a created field) are new, line endings kept
  for (const c of cases.filter((x) => x.ledgerGains)) {
    it(`${c.id}: the ledger gains the attempt with its own line endings`, () => {
      const {dir} = results.get(c.id)!
      const f = c.command[c.command.indexOf('--ledger') + 1]
      const orig = readFileSync(join(BAD, 'ledgers', f), 'utf8')
      const now = readFileSync(join(dir, f), 'utf8')
      for (const g of c.ledgerGains!)
        assert.ok(
          now.split(c.ledgerEol!).some((l) => l.startsWith(g)),
          g,
        )
      if (c.ledgerEol === '\r\n') assert.ok(!/[^\r]\n/.test(now), 'every line ends in CRLF')
      // every original line is still there, in order
      const newLines = now.split(c.ledgerEol!)
      let j = 0
      for (const l of orig.split(c.ledgerEol!)) {
        while (j < newLines.length && newLines[j] !== l) j++
        assert.ok(j < newLines.length, `original line kept: ${JSON.stringify(l)}`)
        j++
      }
    })
  }

  // faithful mode: odd input files are read as the reference reads them, by both engines
  for (const c of cases.filter((x) => x.sameAsC)) {
    it(`${c.id}: the TypeScript engine reads it as the C engine does (bit-equal float image)`, async function () {
      if (!cBuilt) this.skip()
      const {dir} = results.get(c.id)!
      const args = c.command.flatMap((a) => (a === '{BASE}' ? base : [a])).map((a) => (a === 'ts' ? 'c' : a))
      const r = await runCli([...args, '-floatfile', 'c.bin'], {cwd: dir})
      assert.equal(r.code, 0, r.stderr)
      const ts = readFileSync(join(dir, 'floatimage.bin'))
      const cc = readFileSync(join(dir, 'c.bin'))
      assert.equal(ts.length, cc.length)
      // NaN images compare by bytes too (same NaN payload from the same arithmetic is not
      // guaranteed): compare as floats, NaN equal to NaN
      const a = new Float32Array(ts.buffer, ts.byteOffset, ts.length / 4)
      const b = new Float32Array(cc.buffer, cc.byteOffset, cc.length / 4)
      for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])), `pixel ${i}: ts ${a[i]} c ${b[i]}`)
    })
  }

  it('--json: each kind of refusal is an {error} object (error.schema.json) with file, line and field', async () => {
    const picks = ['image/truncated SMV header', 'args/ts/non-numeric value', 'ledger/duplicated ID', 'legacy/no-recognisable-line']
    for (const id of picks) {
      const c = cases.find((x) => x.id === id)!
      const dir = stage(c)
      try {
        const args = c.command.flatMap((a) => (a === '{BASE}' ? base : [a]))
        const dd = args.indexOf('--')
        const withJson = dd >= 0 ? [...args.slice(0, dd), '--json', ...args.slice(dd)] : [...args, '--json']
        const r = await runCli(withJson, {cwd: dir})
        assert.equal(r.code, 2, id)
        const out = JSON.parse(r.stdout) as {error: {message: string; file: string | null; line: number | null; field: string | null}}
        assert.equal(validateAgainst('error.schema.json', out), null, id)
        assert.ok(c.stderr!.endsWith(out.error.message), `${id}: ${out.error.message}`)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    }
  })
})
