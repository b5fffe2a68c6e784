// The truth corpus (test/truth/README.md): every case in cases/**.json run through the command a
// user runs, one test per case, and a score per group printed at the end. Nothing is marked as
// an expected failure: a case that nbtrace gets wrong fails here until nbtrace is fixed.
//
// Filters for iterating: CORPUS_GROUPS=golden-c,hoidn  CORPUS_CASES=c06,c07 (substrings of ids).
// CORPUS_JOBS=N cases at a time (default 2), CORPUS_REPORT=file.json writes every outcome,
// CORPUS_KEEP=1 keeps the run folders (their path is printed).
import {strict as assert} from 'node:assert'
import {writeFileSync} from 'node:fs'
import {loadCorpus, selected} from './lib/cases.js'
import {limiter, type Outcome, runCase} from './lib/run.js'
import {Workspace} from './lib/sides.js'

const corpus = loadCorpus()
const cases = selected(corpus.cases)

/** The score table: one line per group, right/total, skipped and wrong cases named. */
export function scoreTable(outcomes: Outcome[]): string {
  const groups = [...new Set(outcomes.map((o) => o.group))]
  const w = Math.max(5, ...groups.map((g) => g.length))
  const lines = ['truth corpus: right / total per group (skipped cases are not counted)']
  let right = 0
  let total = 0
  for (const g of groups) {
    const os = outcomes.filter((o) => o.group === g)
    const run = os.filter((o) => o.result !== 'skipped')
    const ok = run.filter((o) => o.result === 'right').length
    right += ok
    total += run.length
    const skipped = os.length - run.length
    let line = `  ${g.padEnd(w)}  ${String(ok).padStart(3)}/${run.length}`
    if (skipped) line += `   skipped ${skipped} (${[...new Set(os.filter((o) => o.result === 'skipped').map((o) => o.problems[0]))].join('; ')})`
    lines.push(line)
    const wrong = run.filter((o) => o.result === 'wrong').map((o) => o.id.slice(g.length + 1))
    if (wrong.length) lines.push(`  ${' '.repeat(w)}  wrong: ${wrong.join(', ')}`)
  }
  lines.push(`  ${'all'.padEnd(w)}  ${String(right).padStart(3)}/${total}`)
  return lines.join('\n')
}

describe('truth corpus (nbtrace compare / trace on traces whose verdict is known)', function () {
  this.timeout(900_000)
  const ws = new Workspace()
  const outcomes = new Map<string, Promise<Outcome>>()

  before(function () {
    // every selected case starts now, at most CORPUS_JOBS at a time in corpus order; each test
    // below waits for its own case, so the tests report in order while the work overlaps
    const run = limiter(Math.max(1, Number(process.env.CORPUS_JOBS) || 2))
    for (const c of cases) {
      outcomes.set(
        c.id,
        run(() => runCase(c, ws)).catch((e: Error) => ({
          id: c.id,
          group: c.group,
          result: 'wrong' as const,
          problems: [`runner error: ${e.stack ?? e.message}`],
          got: '',
          command: '',
        })),
      )
    }
  })

  after(async function () {
    const done = await Promise.all([...outcomes.values()])
    if (done.length) console.log(`\n${scoreTable(done)}\n`)
    if (process.env.CORPUS_REPORT) writeFileSync(process.env.CORPUS_REPORT, JSON.stringify(done, null, 2) + '\n')
    if (process.env.CORPUS_KEEP) console.log(`run folders kept in ${ws.root}`)
    ws.cleanup()
  })

  for (const e of corpus.errors) {
    it(`case file is usable: ${e.split(':')[0]}`, () => assert.fail(e))
  }

  for (const c of cases) {
    it(c.id, async function () {
      const o = await outcomes.get(c.id)!
      if (o.result === 'skipped') {
        console.log(`      skipped: ${o.problems[0]}`)
        this.skip()
      }
      if (o.result !== 'right') assert.fail(`${c.id} (${c.expect.status} expected):\n    ${o.problems.join('\n    ')}\n  got: ${o.got}\n  ran: ${o.command}`)
    })
  }
})
