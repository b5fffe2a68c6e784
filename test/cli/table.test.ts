// src/cli/table.ts, terminal.ts and output.ts's Progress: layouts at each width, wrapping, the bar.
import assert from 'node:assert/strict'
import {Chalk} from 'chalk'
import {cellLines, renderTable, type Column} from '../../src/cli/table.js'
import {displayWidth, outputWidth, wrapLines, wrapText} from '../../src/cli/terminal.js'
import {formatDuration, Progress} from '../../src/cli/output.js'

const widths = (text: string): number[] => text.split('\n').map(displayWidth)

const columns: Column[] = [
  {header: 'id', min: Number.POSITIVE_INFINITY},
  {header: 'class'},
  {header: 'count', align: 'right'},
  {header: 'description', prose: true},
]
const rows = [
  ['steps-no-oversample2', 'normalization', '12', 'steps counts sources x domains x phi steps but forgets oversample² when the image is oversampled'],
  ['kahn-default-one', 'polarization', '3', 'Kahn factor defaults to 1 instead of 0'],
]

describe('cli: tables that fit the width', () => {
  it('natural widths when they fit: one line per row, no row rules, right alignment', () => {
    const t = renderTable(columns, rows, {width: 200})
    const lines = t.split('\n')
    assert.equal(lines.length, 6) // top, header, rule, 2 rows, bottom
    assert.ok(lines[3].startsWith('│ steps-no-oversample2 │ normalization │    12 │ steps counts'))
    assert.equal(new Set(widths(t)).size, 1)
  })

  it('narrower: the prose column wraps inside the grid while it stays at least 30 wide', () => {
    const t = renderTable(columns, rows, {width: 100})
    assert.ok(Math.max(...widths(t)) <= 100)
    assert.equal(new Set(widths(t)).size, 1)
    assert.match(t, /│ description +│/)
    assert.match(t, /│ steps counts sources x domains x phi steps but +│\n│ +│ +│ +│ forgets oversample² when the image is oversampled │/)
  })

  it('at 60 columns the prose goes under its row as "header: text", wrapped inside the borders', () => {
    const t = renderTable(columns, rows, {width: 60})
    assert.ok(Math.max(...widths(t)) <= 60, t)
    assert.equal(new Set(widths(t)).size, 1, t)
    assert.doesNotMatch(t.split('\n')[1], /description/)
    assert.match(t, /│ description: steps counts sources x domains x phi steps +│\n│ {3}but forgets oversample² when the image is +│\n│ {3}oversampled +│/)
  })

  it('when even the minimums do not fit: one block of "header  value" lines per row', () => {
    const t = renderTable(columns, rows, {width: 40})
    assert.ok(Math.max(...widths(t)) <= 40, t)
    assert.match(t, /^id {11}steps-no-oversample2\nclass {8}normalization\ncount {8}12\ndescription {2}steps counts sources x\n {13}domains x phi steps but\n/)
  })

  it('group headings span the table, with the columns closed above and opened below', () => {
    const t = renderTable([{header: 'a'}, {header: 'b'}], [{group: 'stage setup'}, ['x', 'y']], {width: 80})
    assert.equal(
      t,
      ['┌───┬─────────┐', '│ a │ b       │', '├───┴─────────┤', '│ stage setup │', '├───┬─────────┤', '│ x │ y       │', '└───┴─────────┘'].join('\n'),
    )
  })

  it('measures colour codes as zero width and keeps them', () => {
    const c = new Chalk({level: 1})
    const t = renderTable([{header: 'v'}], [[c.red('abc')]], {width: 80, chalk: c})
    assert.ok(t.includes('\x1b[31mabc\x1b[39m'))
    assert.equal(new Set(widths(t)).size, 1)
  })

  it('breaks cells after commas before breaking words', () => {
    assert.deepEqual(cellLines('{thick:0,subS:1,subF:0}', 10), ['{thick:0,', 'subS:1,', 'subF:0}'])
    assert.deepEqual(cellLines('[1.5, -2, 3e-9]', 8), ['[1.5,', '-2,', '3e-9]'])
    assert.deepEqual(cellLines('abcdefghij', 4), ['abcd', 'efgh', 'ij'])
  })
})

describe('cli: prose wrapping and the output width', () => {
  it('keeps the indent of list items and indents continuation lines of others', () => {
    const long = 'word '.repeat(30).trim()
    const out = wrapLines([`   - ${long}`, `reference: ${long}`], 40).split('\n')
    assert.ok(out.every((l) => displayWidth(l) <= 40))
    assert.ok(out[0].startsWith('   - word'))
    assert.ok(out[1].startsWith('     word'))
    const ref = out.findIndex((l) => l.startsWith('reference:'))
    assert.ok(out[ref + 1].startsWith('  word'))
    assert.equal(wrapText('a b c', 80, {indent: '> '}), '> a b c')
  })

  it('width: $COLUMNS, else the terminal, else none (a pipe: nothing wrapped)', () => {
    const saved = process.env.COLUMNS
    try {
      process.env.COLUMNS = '120'
      assert.equal(outputWidth({isTTY: false} as NodeJS.WriteStream), 120)
      delete process.env.COLUMNS
      assert.equal(outputWidth({isTTY: true, columns: 95} as NodeJS.WriteStream), 95)
      assert.equal(outputWidth({isTTY: false} as NodeJS.WriteStream), Infinity)
      const long = 'word '.repeat(40).trim()
      assert.equal(wrapLines([`  - ${long}`], Infinity), `  - ${long}`)
      assert.equal(renderTable(columns, rows, {width: Infinity}), renderTable(columns, rows, {width: 1000}))
    } finally {
      if (saved === undefined) delete process.env.COLUMNS
      else process.env.COLUMNS = saved
    }
  })
})

/** A stream that records what is written; isTTY as asked. */
function fakeStream(tty: boolean, columns = 80): NodeJS.WriteStream & {text: string} {
  const s = {
    text: '',
    isTTY: tty,
    columns,
    write(chunk: unknown): boolean {
      s.text += String(chunk)
      return true
    },
  }
  return s as unknown as NodeJS.WriteStream & {text: string}
}

describe('cli: progress', () => {
  it('on a terminal: a bar with percentage and ETA, erased before the next line and at the end', () => {
    const s = fakeStream(true, 80)
    const p = new Progress('nbtrace trace', s, 0)
    const t0 = Date.now()
    while (Date.now() - t0 < 30) {
      /* let some time pass so the ETA has something to extrapolate */
    }
    p.update(0.25)
    assert.match(s.text, /^\rnbtrace trace \[#{10}-{30}\] {2}25% {2}ETA <1 s\x1b\[K$/)
    assert.ok(displayWidth(s.text.replace(/\x1b\[K|\r/g, '')) < 80)
    // another write to the same stream first erases the bar
    s.write('tracing pixel…\n')
    assert.ok(s.text.endsWith('\r\x1b[Ktracing pixel…\n'), JSON.stringify(s.text))
    p.update(0.5)
    p.done()
    assert.ok(s.text.endsWith('\r\x1b[K'))
    const after = s.text.length
    s.write('done\n')
    assert.equal(s.text.slice(after), 'done\n') // unhooked: nothing erased any more
  })

  it('piped: plain lines when shown and at each further quarter, never a bar or control codes', () => {
    const s = fakeStream(false)
    const p = new Progress('nbtrace simulate', s, 0)
    for (let f = 0; f <= 1.0001; f += 0.01) p.update(f)
    p.done()
    assert.deepEqual(
      s.text.split('\n').map((l) => l.replace(/ \(ETA [^)]+\)$/, '')),
      ['nbtrace simulate: 0%', 'nbtrace simulate: 25%', 'nbtrace simulate: 50%', 'nbtrace simulate: 75%', 'nbtrace simulate: 100%', ''],
    )
    assert.doesNotMatch(s.text, /[\r\x1b]/)
  })

  it('formats durations', () => {
    assert.deepEqual([0, 1400, 59_600, 61_000, 3_725_000].map(formatDuration), ['0 s', '1 s', '1 min 00 s', '1 min 01 s', '1 h 02 min'])
  })
})

describe('cli: help text', () => {
  it('reflows description paragraphs, keeping paragraph breaks and list items', async () => {
    const {reflow} = await import('../../src/cli/help.js')
    assert.equal(
      reflow('one line\nsame paragraph\n\nnext\n- item one\n- item two\n  indented'),
      'one line same paragraph\n\nnext\n- item one\n- item two\n  indented',
    )
  })
})
