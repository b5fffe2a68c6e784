import {strict as assert} from 'node:assert'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {attachReport, attachToText, attemptText, firstDivergenceText, type AttemptInfo} from '../../src/ledger/attach.js'
import {maxAttempt, parseEntry, findHeadings} from '../../src/ledger/ledger.js'
import {firstInvalidUtf8, joinLines, splitLines, type Line} from '../../src/ledger/text.js'
import {ROOT, runCli, schemaValidator, tempDir} from '../parity/helpers.js'

import {LEDGER_SAMPLE as SAMPLE} from '../helpers/fixtures.js'
const haveSample = existsSync(SAMPLE)

let real: Record<string, unknown> | undefined
/** A real compare report (of the lattice example pair), made by `nbtrace compare --json` once. */
function realReport(): Record<string, unknown> {
  if (!real) {
    const r = runCli(['compare', join(ROOT, 'traces', 'lattice', 'ref.jsonl'), join(ROOT, 'traces', 'lattice', 'cand.jsonl'), '--json'])
    assert.equal(r.status, 1, r.stderr)
    real = JSON.parse(r.stdout) as Record<string, unknown>
  }
  return real
}

/** The real report, with the first divergence these tests expect in the ledger text. */
function report(over: Record<string, unknown> = {}): Record<string, unknown> {
  const r = realReport()
  const fd = r.firstDivergence as Record<string, unknown>
  return {
    ...r,
    firstDivergence: {
      ...fd,
      name: 'F_latt_a',
      loop: {thick: 0, subS: 0, subF: 0, source: 0, phi: 0, mosaic: 3},
      class: 'lattice',
      ref: 1.2345,
      cand: 1.2346,
      absDiff: 1e-4,
      relDiff: 8.1e-5,
      ulps: 12,
    },
    ...over,
  }
}

/** The evidence folder's manifest, as `nbtrace trace` writes it (name, size, SHA-256 of each file). */
export function writeManifest(dir: string): void {
  const files = readdirSync(dir)
    .filter((n) => n !== 'manifest.json')
    .sort()
    .map((name) => {
      const b = readFileSync(join(dir, name))
      return {name, bytes: b.length, sha256: createHash('sha256').update(b).digest('hex')}
    })
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({schema: 'nbtrace-evidence', version: 1, created: '2025-11-26T00:00:00.000Z', command: ['trace'], files}),
  )
}

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)

/** A temp dir with ledger copy (writable) and an evidence folder runs/c06/ (with its manifest). */
function setup(ledgerText?: string | Buffer, rep?: unknown): {dir: string; ledger: string; report: string} {
  const dir = tempDir('nbtrace-ledger-')
  const ledger = join(dir, 'fix_plan.md')
  if (ledgerText === undefined) copyFileSync(SAMPLE, ledger)
  else writeFileSync(ledger, ledgerText)
  chmodSync(ledger, 0o644)
  mkdirSync(join(dir, 'runs', 'c06'), {recursive: true})
  const rp = join(dir, 'runs', 'c06', 'report.json')
  const body = rep ?? report()
  writeFileSync(rp, typeof body === 'string' ? body : JSON.stringify(body, null, 2))
  for (const f of ['ref.jsonl', 'cand.jsonl', 'diff.patch', 'parity.json', 'heatmap.png', 'repro.sh']) writeFileSync(join(dir, 'runs', 'c06', f), '')
  writeManifest(join(dir, 'runs', 'c06'))
  return {dir, ledger, report: rp}
}

function runCliIn(cwd: string, args: string[]): ReturnType<typeof runCli> {
  return runCli(['ledger', 'attach', ...args], {}, cwd)
}

/**
 * Matches the old lines, in order, inside the new ones; returns the indices (in new) of the lines
 * that are not old lines. Fails when the old lines are not an in-order subsequence.
 */
function insertedLines(before: Line[], after: Line[]): number[] {
  const inserted: number[] = []
  let i = 0
  for (let j = 0; j < after.length; j++) {
    if (i < before.length && after[j].text === before[i].text) {
      const lastOld = i === before.length - 1
      if (!(lastOld && before[i].eol === '')) assert.equal(after[j].eol, before[i].eol, `line ending of old line ${i + 1} changed`)
      i++
    } else inserted.push(j)
  }
  assert.equal(i, before.length, 'old lines are not all kept in order')
  return inserted
}

describe('ledger attach: the sample ledger', function () {
  before(function () {
    if (!haveSample) this.skip()
  })

  it('inserts exactly the attempt line and the First Divergence field; every other byte is identical', () => {
    const {dir, ledger, report: rp} = setup()
    const beforeBytes = readFileSync(ledger)
    const r = runCliIn(dir, ['--ledger', 'fix_plan.md', '--id', 'SOURCE-WEIGHT-002', '--report', 'runs/c06/report.json', '--date', '2025-11-26'])
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout, 'fix_plan.md: [SOURCE-WEIGHT-002] attempt #20 added to [SOURCE-WEIGHT-002] at line 56\n')
    const before = splitLines(beforeBytes.toString('utf8'))
    const after = splitLines(readFileSync(ledger, 'utf8'))
    const ins = insertedLines(before, after)
    assert.deepEqual(ins, [49, 55])
    assert.equal(
      after[49].text,
      '- First Divergence: F_latt_a @ loop {thick=0, subS=0, subF=0, source=0, phi=0, mosaic=3}, class lattice: ref 1.2345 vs cand 1.2346, |Δ| 0.0001, rel 0.000081, 12 ulps (2025-11-26, report `runs/c06/report.json`)',
    )
    assert.equal(
      after[55].text,
      '  * [2025-11-26] Attempt #20 — Result: diverged — nbtrace first divergence: F_latt_a @ loop {thick=0, subS=0, subF=0, source=0, phi=0, mosaic=3}, class lattice: ref 1.2345 vs cand 1.2346, |Δ| 0.0001, rel 0.000081, 12 ulps. Report: `runs/c06/report.json` (sha256 ' +
        digest(rp) +
        '); artifacts: `runs/c06/cand.jsonl`, `runs/c06/diff.patch`, `runs/c06/heatmap.png`, `runs/c06/parity.json`, `runs/c06/ref.jsonl`, `runs/c06/repro.sh`.',
    )
    // byte level: removing the two inserted lines gives back the original file
    const rest = after.filter((_, k) => !ins.includes(k))
    assert.ok(Buffer.from(joinLines(rest), 'utf8').equals(beforeBytes))
    // it sits after the last attempt (#18) and before Next Actions
    assert.match(after[54].text, /Attempt #18 /)
    assert.equal(after[56].text, '- Next Actions:')
  })

  it('refuses the duplicated STAGEA-PARAM-001 naming both lines; file untouched', () => {
    const {dir, ledger} = setup()
    const beforeBytes = readFileSync(ledger)
    const r = runCliIn(dir, ['--ledger', 'fix_plan.md', '--id', 'STAGEA-PARAM-001', '--report', 'runs/c06/report.json'])
    assert.equal(r.status, 2)
    assert.equal(r.stderr, 'nbtrace: fix_plan.md:135: --id: entry [STAGEA-PARAM-001] appears 2 times (lines 135, 148); make the IDs unique before attaching\n')
    assert.equal(r.stdout, '')
    assert.ok(readFileSync(ledger).equals(beforeBytes))
  })

  it('attaching the same report twice changes nothing the second time', async () => {
    const {dir, ledger} = setup()
    const r1 = await attachReport({ledger, id: 'DETECTOR-CONFIG-001', report: 'runs/c06/report.json', date: '2025-11-26', cwd: dir})
    assert.equal(r1.changed, true)
    assert.equal(r1.attempt, 69)
    const once = readFileSync(ledger)
    const r = runCliIn(dir, ['--ledger', 'fix_plan.md', '--id', 'DETECTOR-CONFIG-001', '--report', 'runs/c06', '--date', '2025-12-01', '--json'])
    assert.equal(r.status, 0, r.stderr)
    const j = JSON.parse(r.stdout)
    assert.equal(j.changed, false)
    assert.equal(j.written, false)
    assert.equal(j.diff, '')
    assert.equal(j.attempt, 69)
    assert.equal(j.line, r1.line)
    assert.match(j.message, /^already attached at line \d+; nothing changed$/)
    assert.ok(readFileSync(ledger).equals(once))
    // a different report is a new attempt
    writeFileSync(join(dir, 'runs', 'other.json'), JSON.stringify({...realReport(), status: 'agree', firstDivergence: null}))
    const r3 = await attachReport({ledger, id: 'DETECTOR-CONFIG-001', report: 'runs/other.json', date: '2025-12-02', cwd: dir})
    assert.equal(r3.changed, true)
    assert.equal(r3.attempt, 70)
    assert.equal(r3.firstDivergence, 'none — traces agree (2025-12-02, report `runs/other.json`)')
  })

  it('--dry-run prints the unified diff and writes nothing', () => {
    const {dir, ledger} = setup()
    const beforeBytes = readFileSync(ledger)
    const r = runCliIn(dir, [
      '--ledger',
      'fix_plan.md',
      '--id',
      'TOOLING-DUAL-RUNNER-001',
      '--report',
      'runs/c06/report.json',
      '--date',
      '2025-11-26',
      '--dry-run',
    ])
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /^Index: fix_plan\.md\n={67}\n--- fix_plan\.md\n\+\+\+ fix_plan\.md\n@@ /)
    const plus = r.stdout.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    assert.equal(plus.length, 2)
    assert.match(plus[0], /^\+- First Divergence: F_latt_a /)
    // "Attempts History: none yet" and a mention of another entry's Attempt #3: this is attempt #1
    assert.match(plus[1], /^\+ {2}\* \[2025-11-26\] Attempt #1 — Result: diverged/)
    assert.match(r.stdout, /dry run: attempt #1 would be added to \[TOOLING-DUAL-RUNNER-001\] at line 74; nothing written\n$/)
    assert.ok(readFileSync(ledger).equals(beforeBytes))
  })

  it('CRLF ledger: inserted lines end in CRLF, everything else unchanged', async () => {
    const crlf = readFileSync(SAMPLE, 'utf8').replace(/\n/g, '\r\n')
    const {dir, ledger} = setup(crlf)
    const r = await attachReport({ledger, id: 'SOURCE-WEIGHT-002', report: 'runs/c06/report.json', date: '2025-11-26', cwd: dir})
    assert.equal(r.changed, true)
    const after = readFileSync(ledger, 'utf8')
    assert.equal(after.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF was written')
    const ins = insertedLines(splitLines(crlf), splitLines(after))
    assert.deepEqual(ins, [49, 55])
  })

  it('--json output is valid against schemas/ledger-attach.schema.json', () => {
    const {dir} = setup()
    const validate = schemaValidator('ledger-attach.schema.json')
    const r = runCliIn(dir, ['--ledger', 'fix_plan.md', '--id', 'SOURCE-WEIGHT-002', '--report', 'runs/c06/report.json', '--json', '--date', '2025-11-26'])
    assert.equal(r.status, 0, r.stderr)
    const j = JSON.parse(r.stdout)
    assert.deepEqual(validate(j), {ok: true, errors: ''})
    assert.deepEqual([j.ledger, j.id, j.line, j.attempt, j.changed, j.written], ['fix_plan.md', 'SOURCE-WEIGHT-002', 56, 20, true, true])
    assert.match(j.diff, /^Index: fix_plan\.md/)
  })
})

describe('ledger attach: entries and fields', () => {
  const info = (over: Partial<AttemptInfo> = {}): AttemptInfo => ({
    date: '2025-11-26',
    status: 'diverged',
    firstDivergence: {name: 'omega_pixel', loop: {subS: 1, subF: 0, thick: 0}, class: 'geometry', ref: 1e-7, cand: -0, absDiff: 1e-7, relDiff: 1, ulps: null},
    report: 'r/report.json',
    artifacts: ['r/diff.patch'],
    ...over,
  })

  it('creates Attempts History before Next Actions when the entry has none', () => {
    const text = '# L\n\n## [A-1] First\n- Status: open\n- Reproduction: `x`\n  more\n- Next Actions:\n  1. do\n\n## [B-2] Second\n- Status: x\n'
    const r = attachToText(text, 'A-1', info())
    assert.equal(
      r.text,
      '# L\n\n## [A-1] First\n- Status: open\n- Reproduction: `x`\n  more\n' +
        '- First Divergence: omega_pixel @ loop {thick=0, subS=1, subF=0}, class geometry: ref 1e-7 vs cand -0, |Δ| 1e-7, rel 1 (2025-11-26, report `r/report.json`)\n' +
        '- Attempts History:\n  * ' +
        attemptText(info(), 1) +
        '\n' +
        '- Next Actions:\n  1. do\n\n## [B-2] Second\n- Status: x\n',
    )
    assert.equal(r.line, 9)
  })

  it('creates Attempts History after the last field when there is no Next Actions; file without final newline', () => {
    const text = '## [A-1] First\n- Status: open\n- Exit Criteria:\n  - passes\n\n---\n\n## [B-2] Second\n- Status: x\n- Notes: 🚀 last line, no newline'
    const r = attachToText(text, 'A-1', info())
    const lines = r.text.split('\n')
    assert.deepEqual(lines.slice(0, 7), [
      '## [A-1] First',
      '- Status: open',
      '- Exit Criteria:',
      '  - passes',
      firstDivergenceText(info()),
      '- Attempts History:',
      '  * ' + attemptText(info(), 1),
    ])
    assert.equal(lines[7], '')
    assert.equal(lines[8], '---')
    // the last entry, at end of file without newline: the file still ends without one
    const r2 = attachToText(text, 'B-2', info())
    assert.ok(r2.text.startsWith(text + '\n'))
    assert.ok(r2.text.endsWith('  * ' + attemptText(info(), 1)))
    assert.equal(r2.text.endsWith('\n'), false)
  })

  it('inserts after the last attempt line and its nested content', () => {
    const text = [
      '## [A-1] T',
      '- Attempts History:',
      '  * [2025-01-01] Attempt #3 — Result: ok',
      '  * [2025-01-02] Attempts #4–#9 — Result: batch',
      '    - Metrics: a',
      '',
      '      more nested',
      '',
      '- Next Actions: Attempt #2 follow-up; see [B-2] Attempt #44',
      '',
    ].join('\n')
    const r = attachToText(text, 'A-1', info())
    const lines = r.text.split('\n')
    // FD goes before Attempts History; the attempt after the nested block (blank lines inside kept before it)
    assert.equal(lines[1], firstDivergenceText(info()))
    assert.equal(lines[7], '      more nested')
    assert.equal(lines[8], '  * ' + attemptText(info(), 10))
    assert.equal(lines[9], '')
    assert.equal(r.attempt, 10)
  })

  it("counts Attempt #N and Attempts #a-#b forms, skipping other entries' attempts; restarts and repeats are fine", () => {
    const mk = (body: string[]): number => {
      const lines = splitLines(['## [X-1] T', ...body].join('\n') + '\n')
      return maxAttempt(lines, parseEntry(lines, findHeadings(lines, 'X-1')[0]))
    }
    assert.equal(mk(['- Attempts History: none yet']), 0)
    assert.equal(mk(['- Source: from `[OTHER-9]` Attempt #30']), 0)
    assert.equal(
      mk(['- Attempts History:', '  * [2025-10-11] Attempt #12 — x', '  * [2025-10-12] Attempt #1 — restart', '  * [2025-10-13] Attempt #12 — again']),
      12,
    )
    assert.equal(mk(['- Note: completed in Attempts #42-62']), 62)
    assert.equal(mk(['- Note: completed in Attempts #42–#63 and [X-1] Attempt #70']), 70)
  })

  it('replaces an existing First Divergence line in place', () => {
    const text = '## [A-1] T\r\n- First Divergence: old stuff\r\n- Attempts History:\r\n  * [2025-01-01] Attempt #1 — Result: x\r\n'
    const r = attachToText(text, 'A-1', info())
    assert.equal(
      r.text,
      '## [A-1] T\r\n' +
        firstDivergenceText(info()) +
        '\r\n- Attempts History:\r\n  * [2025-01-01] Attempt #1 — Result: x\r\n  * ' +
        attemptText(info(), 2) +
        '\r\n',
    )
  })

  it('ignores headings inside fenced code blocks', () => {
    const text = '## [A-1] T\n- Status: x\n\n```\n## [A-1] T\n```\n'
    const r = attachToText(text, 'A-1', info())
    assert.equal(r.changed, true)
  })
})

describe('ledger attach: bad input (exit 2, one line, ledger untouched)', () => {
  const cases: Array<{name: string; ledger?: Buffer; report?: unknown; args?: string[]; error: (dir: string) => string}> = [
    {name: 'missing ID', args: ['--id', 'NOPE-001'], error: () => 'fix_plan.md: --id: no entry "## [NOPE-001]" in the ledger'},
    {
      name: 'invalid UTF-8',
      ledger: Buffer.concat([Buffer.from('# L\n\n## [A-1] caf'), Buffer.from([0xc3, 0x28]), Buffer.from(' x\n')]),
      error: () => 'fix_plan.md:3: invalid UTF-8 at byte offset 17; the ledger must be UTF-8',
    },
    {name: 'missing report', args: ['--report', 'runs/none.json'], error: () => 'runs/none.json: --report: cannot read report: no such file'},
    {
      name: 'report without status',
      report: {firstDivergence: null},
      error: () => 'runs/c06/report.json: /status: missing (expected "agree", "diverged" or "mismatch")',
    },
    {
      name: 'report with a bad status',
      report: {status: 'ok'},
      error: () => 'runs/c06/report.json: /status: expected "agree", "diverged" or "mismatch", found the string "ok"',
    },
    {
      name: 'report with a nameless divergence',
      report: () => report({firstDivergence: {loop: {}}}),
      error: () => 'runs/c06/report.json: /firstDivergence/name: not an nbtrace compare report: expected property "name", found nothing',
    },
    {
      name: 'a bare {"status":"agree"} is not a report',
      report: {status: 'agree'},
      error: () => 'runs/c06/report.json: /schema: not an nbtrace compare report: expected property "schema", found nothing',
    },
    {
      name: 'report that is not JSON',
      report: '{\n  "status": "agree",\n}',
      error: () => 'runs/c06/report.json:3: invalid JSON: Expected double-quoted property name',
    },
    {name: 'unreadable ledger', args: ['--ledger', 'missing.md'], error: () => 'missing.md: --ledger: cannot read ledger: no such file'},
    {name: 'bad --date', args: ['--date', '2025-02-30'], error: () => '--date: expected a date YYYY-MM-DD, got "2025-02-30"'},
  ]
  for (const t of cases) {
    it(t.name, () => {
      const text = t.ledger ?? Buffer.from('# L\n\n## [A-1] T\n- Status: x\n')
      const {dir, ledger} = setup(text, typeof t.report === 'function' ? (t.report as () => unknown)() : t.report)
      const defaults: Record<string, string> = {'--ledger': 'fix_plan.md', '--id': 'A-1', '--report': 'runs/c06/report.json'}
      const args = [...(t.args ?? [])]
      for (const [k, v] of Object.entries(defaults)) if (!args.includes(k)) args.push(k, v)
      const r = runCliIn(dir, args)
      assert.equal(r.status, 2, r.stdout + r.stderr)
      assert.equal(r.stderr, `nbtrace: ${t.error(dir)}\n`)
      assert.equal(r.stdout, '')
      assert.ok(readFileSync(ledger).equals(text))
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Property tests on generated ledgers

const textChar = fc.oneof(
  fc.constantFrom('a', 'b', 'Z', ' ', ' ', '—', '–', 'é', '✅', '📋', '🚀', '`', '*', '[', ']', '#', '|', ':', '\t', '\r'),
  fc.string({unit: 'grapheme', maxLength: 3}),
)
const text = fc.array(textChar, {maxLength: 40}).map((a) => a.join('').replace(/[\n\r]/g, ' '))
const longText = fc.oneof({weight: 5, arbitrary: text}, {weight: 1, arbitrary: fc.nat({max: 5000}).map((n) => 'ℹ️ '.repeat(n))})

interface GenEntry {
  id: string
  title: string
  before: Array<[string, string]>
  attempts: Array<{n: number; range: number; note: string; nested: string[]}> | null
  history: boolean
  nextActions: boolean
  sep: boolean
}

const entryArb = (id: string): fc.Arbitrary<GenEntry> =>
  fc.record({
    id: fc.constant(id),
    title: text,
    before: fc.array(fc.tuple(fc.constantFrom('Status', 'Priority', 'Owner/Date', 'Reproduction', 'Source'), longText), {maxLength: 4}),
    attempts: fc.array(
      fc.record({
        n: fc.nat({max: 80}),
        range: fc.nat({max: 3}),
        note: longText,
        nested: fc.array(
          text.map((t) => '    - ' + t),
          {maxLength: 2},
        ),
      }),
      {maxLength: 5},
    ),
    history: fc.boolean(),
    nextActions: fc.boolean(),
    sep: fc.boolean(),
  })

const ledgerArb = fc
  .record({
    preamble: fc.array(
      text.map((t) => '> ' + t),
      {maxLength: 3},
    ),
    entries: fc.uniqueArray(fc.constantFrom('A-1', 'B-2', 'C-3', 'D-4', 'E-5'), {minLength: 1, maxLength: 4}).chain((ids) => fc.tuple(...ids.map(entryArb))),
    eol: fc.constantFrom('\n', '\r\n'),
    finalNewline: fc.boolean(),
  })
  .chain((l) => fc.record({l: fc.constant(l), target: fc.nat({max: l.entries.length - 1})}))

function render(l: {preamble: string[]; entries: GenEntry[]; eol: string; finalNewline: boolean}): string {
  const out: string[] = ['# Fix Plan Ledger', ...l.preamble, '']
  for (const e of l.entries) {
    out.push(`## [${e.id}] ${e.title}`)
    for (const [k, v] of e.before) out.push(`- ${k}: ${v}`)
    if (e.history) {
      out.push('- Attempts History:')
      for (const a of e.attempts ?? []) {
        out.push(`  * [2025-10-11] ${a.range ? `Attempts #${a.n}–#${a.n + a.range}` : `Attempt #${a.n}`} — Result: ${a.note}`)
        out.push(...a.nested)
      }
    }
    if (e.nextActions) out.push('- Next Actions:', '  1. next')
    out.push('')
    if (e.sep) out.push('---', '')
  }
  let s = out.join(l.eol)
  if (l.finalNewline) s += l.eol
  else s = s.replace(/(\r?\n)+$/, '')
  return s
}

function expectedAttempt(e: GenEntry): number {
  if (!e.history) return 1
  let m = 0
  for (const a of e.attempts ?? []) m = Math.max(m, a.n + a.range)
  return m + 1
}

describe('ledger attach: properties on generated ledgers', () => {
  const info: AttemptInfo = {
    date: '2025-11-26',
    status: 'diverged',
    firstDivergence: {name: 'I_term', loop: {source: 2, phi: 0, mosaic: 7}, class: 'intensity', ref: 3.5, cand: 3.6, absDiff: 0.1, relDiff: 0.0285, ulps: 999},
    report: 'runs/x/report.json',
    artifacts: ['runs/x/diff.patch'],
  }

  it('only the attempt line, the First Divergence line (and a created Attempts History field) are new; idempotent', () => {
    fc.assert(
      fc.property(ledgerArb, ({l, target}) => {
        const original = render(l)
        const e = l.entries[target]
        const r = attachToText(original, e.id, info)
        assert.equal(r.changed, true)
        assert.equal(r.attempt, expectedAttempt(e))
        const before = splitLines(original)
        const after = splitLines(r.text)
        const ins = insertedLines(before, after)
        const insertedTexts = ins.map((k) => after[k].text)
        const expected = [firstDivergenceText(info), ...(e.history ? [] : ['- Attempts History:']), '  * ' + attemptText(info, r.attempt)]
        assert.deepEqual(insertedTexts, expected)
        assert.equal(after[r.line - 1].text, '  * ' + attemptText(info, r.attempt))
        // inserted lines use the file's line ending; the file ends with a newline iff it did
        for (const k of ins) if (k < after.length - 1) assert.equal(after[k].eol, l.eol)
        assert.equal(r.text.endsWith('\n'), original.endsWith('\n'))
        // inside the target entry, after every existing attempt line of it
        const h = after.findIndex((x) => x.text.startsWith(`## [${e.id}] `))
        const next = after.findIndex((x, k) => k > h && x.text.startsWith('## '))
        assert.ok(r.line - 1 > h && (next < 0 || r.line - 1 < next))
        for (let k = r.line; k < (next < 0 ? after.length : next); k++) assert.doesNotMatch(after[k].text, /^ {2}\* \[2025-10-11\] Attempt/)
        // idempotent
        const again = attachToText(r.text, e.id, {...info, date: '2030-01-01'})
        assert.equal(again.changed, false)
        assert.equal(again.text, r.text)
        assert.equal(again.line, r.line)
      }),
      {numRuns: 300},
    )
  })

  it('splitLines/joinLines round-trip any text', () => {
    fc.assert(
      fc.property(fc.string({unit: 'grapheme'}), fc.array(fc.constantFrom('\n', '\r\n', '\r', 'x'), {maxLength: 6}), (s, seps) => {
        const t = s + seps.join('')
        assert.equal(joinLines(splitLines(t)), t)
      }),
    )
  })

  it('firstInvalidUtf8 agrees with a strict decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 40}), (b) => {
        let ok = true
        try {
          new TextDecoder('utf-8', {fatal: true}).decode(b)
        } catch {
          ok = false
        }
        const at = firstInvalidUtf8(b)
        assert.equal(at < 0, ok)
        if (at >= 0) {
          // the prefix before the offset is valid
          new TextDecoder('utf-8', {fatal: true}).decode(b.subarray(0, at))
        }
      }),
      {numRuns: 2000},
    )
  })
})
