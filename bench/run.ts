// npm run bench [-- --quick] [-- --scaling] [-- --install] [-- --only=CASE,…]
// Every figure is a median over interleaved rounds (A B B A, bench/harness.ts) with its min–max;
// every ratio is taken per round. Writes bench/results.json (bench/scaling.json for --scaling)
// and prints a table. Not a test: nothing here asserts a time.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir, totalmem} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {type Ctx, load, Report, ROOT} from './harness.js'
import {compareCase} from './cases/compare.js'
import {demoCase} from './cases/demo.js'
import {fmtCase} from './cases/fmt.js'
import {imageCase, sourcesCase} from './cases/image.js'
import {installCase} from './cases/install.js'
import {overheadCase} from './cases/overhead.js'
import {pixelCase} from './cases/pixel.js'
import {reduceCase} from './cases/reduce.js'
import {scalingRun} from './cases/scaling.js'
import {triageCase} from './cases/triage.js'
import {upstreamCase} from './cases/upstream.js'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
// an even count: A B B A gives each task each position equally often
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 4))
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')

const CASES: Record<string, (ctx: Ctx) => Promise<void> | void> = {
  image: imageCase,
  sources: sourcesCase,
  overhead: overheadCase,
  pixel: pixelCase,
  demo: demoCase,
  compare: compareCase,
  triage: triageCase,
  upstream: upstreamCase,
  fmt: fmtCase,
  reduce: reduceCase,
}

const STARTUP_NOTE =
  'Start-up: the C engine and the TS engine both run through the CLI (node bin/run.js), so both figures INCLUDE the same CLI start-up; ' +
  'the "start-up ms" column is `nbtrace --version` measured in the same interleaving (0: a program started directly, no CLI). ' +
  '"cpu ms" is user+sys of the process and its children (/usr/bin/time).'

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'nbtrace-bench-'))
  const report = new Report()
  const ctx: Ctx = {tmp, rounds, quick, report}
  const loadStart = load()
  const started = new Date().toISOString()
  process.stderr.write(`load average at start: ${loadStart.join(' ')} (${cpus().length} CPUs); ${rounds} rounds${quick ? ', --quick' : ''}\n`)
  const mode = argv.includes('--scaling') ? 'scaling' : argv.includes('--install') ? 'install' : 'cases'
  let scaling: Awaited<ReturnType<typeof scalingRun>> | undefined
  try {
    if (mode === 'scaling') scaling = await scalingRun(ctx)
    else if (mode === 'install') await installCase(ctx)
    else
      for (const [name, run] of Object.entries(CASES)) {
        if (only && !only.includes(name)) continue
        await run(ctx)
      }
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
  const loadEnd = load()
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    gcc: spawnSync('gcc', ['-dumpfullversion']).stdout?.toString().trim(),
    started,
    ended: new Date().toISOString(),
    loadStart,
    loadEnd,
  }
  const file = mode === 'scaling' ? 'bench/scaling.json' : mode === 'install' ? 'bench/install.json' : 'bench/results.json'
  writeFileSync(
    join(ROOT, file),
    JSON.stringify({machine, rounds, quick, startup: STARTUP_NOTE, rows: report.rows, ...(scaling ? {series: scaling} : {})}, null, 2) + '\n',
  )
  if (report.rows.length) console.log(report.table())
  if (scaling) {
    console.log('fitted exponents (time ∝ work^k; "net": minus the CLI start-up measured beside each point):')
    for (const s of scaling) console.log(`  ${s.name.padEnd(58)} time ${s.timeExponent}, net ${s.netTimeExponent}, peak RSS ${s.rssExponent}`)
  }
  console.log(STARTUP_NOTE)
  console.log(`load average: start ${loadStart.join(' ')}, end ${loadEnd.join(' ')} (1, 5, 15 min; ${cpus().length} CPUs). Written: ${file}`)
}

await main()
