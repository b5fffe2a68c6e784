// npm run bench — every figure a median over several runs, every comparison a ratio measured
// side by side in the same run (runs interleaved). Writes bench/results.json and prints a table.
// Not a test: nothing here asserts a time.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir, totalmem} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import Table from 'cli-table3'
import {benchFmt} from './fmt.js'
import {generateTrace} from './gen.js'
import {interleaved, median, run, spread} from './stats.js'
import {benchReduce} from './reduce.js'
import {benchUpstream} from './upstream.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..')
const C_TRACE = join(ROOT, 'instrumented-c/build/nanobragg-nbtrace')
const C_NOTRACE = join(ROOT, 'instrumented-c/build/nanobragg-notrace')
const CLI = join(ROOT, 'bin/run.js')
// an even count: the A B B A order gives each task each position equally often
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)
const quick = process.argv.includes('--quick')

const CELL = ['-cell', '100', '100', '100', '90', '90', '90', '-default_F', '100', '-lambda', '1', '-distance', '100', '-pixel', '0.1']
const CASE1 = [...CELL, '-detpixels', quick ? '256' : '1024', '-N', '5', '-oversample', '2', '-mosaic', '0.5', '-mosaic_domains', '4', '-nopgm', '-nonoise']
const CASE1B = [
  ...CELL,
  '-detpixels',
  '256',
  '-N',
  '5',
  '-oversample',
  '3',
  '-hdivrange',
  '2',
  '-vdivrange',
  '1.5',
  '-hdivsteps',
  '4',
  '-vdivsteps',
  '3',
  '-dispersion',
  '2',
  '-dispsteps',
  '3',
  '-nopgm',
  '-nonoise',
]
const CASE3 = [
  ...CELL,
  '-detpixels',
  '4096',
  '-N',
  '5',
  '-oversample',
  '2',
  '-mosaic',
  '0.5',
  '-mosaic_domains',
  '10',
  '-hdivrange',
  '2',
  '-vdivrange',
  '1.5',
  '-hdivsteps',
  '4',
  '-vdivsteps',
  '3',
  '-dispersion',
  '2',
  '-dispsteps',
  '3',
]

interface Row {
  case: string
  what: string
  value: number
  unit: string
  target?: string
  met?: boolean
  /** fastest–slowest run (ms) */
  range?: string
}

const rows: Row[] = []
const add = (r: Row) => {
  rows.push(r)
  process.stderr.write(`  ${r.case}: ${r.what} = ${r.value} ${r.unit}${r.target ? ` (target ${r.target}: ${r.met ? 'met' : 'NOT met'})` : ''}\n`)
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'nbtrace-bench-'))
  const out = (n: string) => ['-floatfile', join(tmp, `${n}.bin`), '-intfile', join(tmp, `${n}.img`)]
  try {
    process.stderr.write(`case 1: full image ${quick ? '256' : '1024'}², N 5, oversample 2, 4 mosaic domains (${ROUNDS} rounds)\n`)
    const t1 = await interleaved(
      {
        // both engines through the CLI: every figure includes the same start-up
        c: () => run(process.execPath, [CLI, 'simulate', '--engine', 'c', '--threads', '1', '--', ...CASE1, ...out('c')], {cwd: tmp}),
        c2: () => run(process.execPath, [CLI, 'simulate', '--engine', 'c', '--threads', '2', '--', ...CASE1, ...out('c2')], {cwd: tmp}),
        ts: () => run(process.execPath, [CLI, 'simulate', '--engine', 'ts', '--', ...CASE1, ...out('ts')], {cwd: tmp}),
        ts2: () => run(process.execPath, [CLI, 'simulate', '--engine', 'ts', '--threads', '2', '--', ...CASE1, ...out('ts2')], {cwd: tmp}),
      },
      ROUNDS,
    )
    add({case: '1', what: 'C engine wall', value: Math.round(t1.c.median), range: spread(t1.c), unit: 'ms'})
    add({case: '1', what: 'C --threads 2 wall', value: Math.round(t1.c2.median), range: spread(t1.c2), unit: 'ms'})
    add({case: '1', what: 'C threads 2 / C serial', value: +(t1.c2.median / t1.c.median).toFixed(3), unit: 'x'})
    add({case: '1', what: 'TS serial wall', value: Math.round(t1.ts.median), range: spread(t1.ts), unit: 'ms'})
    add({case: '1', what: 'TS --threads 2 wall', value: Math.round(t1.ts2.median), range: spread(t1.ts2), unit: 'ms'})
    const r1 = t1.ts.median / t1.c.median
    const r2 = t1.ts2.median / t1.c.median
    add({case: '1', what: 'TS serial / C', value: +r1.toFixed(3), unit: 'x', target: '<= 1.5', met: r1 <= 1.5})
    add({case: '1', what: 'TS threads 2 / C', value: +r2.toFixed(3), unit: 'x', target: '<= 0.9', met: r2 <= 0.9})

    process.stderr.write('case 1b: 256², 24 sources, oversample 3\n')
    const t1b = await interleaved(
      {
        c: () => run(process.execPath, [CLI, 'simulate', '--engine', 'c', '--threads', '1', '--', ...CASE1B, ...out('c')], {cwd: tmp}),
        ts: () => run(process.execPath, [CLI, 'simulate', '--engine', 'ts', '--', ...CASE1B, ...out('ts')], {cwd: tmp}),
        ts2: () => run(process.execPath, [CLI, 'simulate', '--engine', 'ts', '--threads', '2', '--', ...CASE1B, ...out('ts2')], {cwd: tmp}),
      },
      ROUNDS,
    )
    add({case: '1b', what: 'C engine wall', value: Math.round(t1b.c.median), range: spread(t1b.c), unit: 'ms'})
    add({case: '1b', what: 'TS serial wall', value: Math.round(t1b.ts.median), range: spread(t1b.ts), unit: 'ms'})
    add({case: '1b', what: 'TS --threads 2 wall', value: Math.round(t1b.ts2.median), range: spread(t1b.ts2), unit: 'ms'})
    add({
      case: '1b',
      what: 'TS serial / C',
      value: +(t1b.ts.median / t1b.c.median).toFixed(3),
      unit: 'x',
      target: '<= 1.5',
      met: t1b.ts.median / t1b.c.median <= 1.5,
    })
    add({
      case: '1b',
      what: 'TS threads 2 / C',
      value: +(t1b.ts2.median / t1b.c.median).toFixed(3),
      unit: 'x',
      target: '<= 0.9',
      met: t1b.ts2.median / t1b.c.median <= 0.9,
    })

    process.stderr.write('case 2: C tracing compiled in (no pixel selected) vs compiled out\n')
    const t2 = await interleaved(
      {
        off: () => run(C_NOTRACE, [...CASE1, ...out('off')], {cwd: tmp}),
        on: () => run(C_TRACE, [...CASE1, ...out('on')], {cwd: tmp}),
      },
      Math.max(5, ROUNDS),
    )
    const ov = t2.on.median / t2.off.median - 1
    add({case: '2', what: 'C compiled out wall', value: Math.round(t2.off.median), range: spread(t2.off), unit: 'ms'})
    add({case: '2', what: 'tracing compiled in, no pixel: overhead', value: +(ov * 100).toFixed(2), unit: '%', target: '<= 2%', met: ov <= 0.02})

    process.stderr.write('case 3: single-pixel trace on 4096², 24 sources, 10 mosaic domains, oversample 2\n')
    const t3 = await interleaved(
      {
        c: () =>
          run(process.execPath, [CLI, 'simulate', '--engine', 'c', '--trace-pixel', '2048,2100', '--trace-out', join(tmp, 'c3.jsonl'), '--', ...CASE3], {
            cwd: tmp,
          }),
        ts: () =>
          run(process.execPath, [CLI, 'simulate', '--engine', 'ts', '--trace-pixel', '2048,2100', '--trace-out', join(tmp, 'ts3.jsonl'), '--', ...CASE3], {
            cwd: tmp,
          }),
      },
      ROUNDS,
    )
    add({
      case: '3',
      what: 'C single-pixel trace wall (CLI incl.)',
      value: Math.round(t3.c.median),
      range: spread(t3.c),
      unit: 'ms',
      target: '< 1000',
      met: t3.c.median < 1000,
    })
    add({
      case: '3',
      what: 'TS single-pixel trace wall (CLI incl.)',
      value: Math.round(t3.ts.median),
      range: spread(t3.ts),
      unit: 'ms',
      target: '< 1000',
      met: t3.ts.median < 1000,
    })

    const n = quick ? 500_000 : 5_000_000
    process.stderr.write(`case 4/5: generating a pair of ${n} records…\n`)
    const a = join(tmp, 'a.jsonl')
    const b = join(tmp, 'b.jsonl')
    await generateTrace(a, n)
    await generateTrace(b, n, {perturbAt: n - 1000})
    const floorRuns: number[] = []
    const cmpRuns: number[] = []
    const rss: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now()
      await run(process.execPath, [join(ROOT, 'bench/floor.js'), a, b])
      floorRuns.push(performance.now() - t)
      t = performance.now()
      const res = await run('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, CLI, 'compare', a, b, '--json']).catch((e: Error) => ({
        stdout: '',
        stderr: e.message,
      }))
      cmpRuns.push(performance.now() - t)
      const m = /MAXRSS (\d+)/.exec(res.stderr)
      if (m) rss.push(Number(m[1]))
    }
    const cmpRps = (2 * n) / (median(cmpRuns) / 1000)
    const floorRps = (2 * n) / (median(floorRuns) / 1000)
    add({case: '4', what: 'compare records/s (both files, end to end)', value: Math.round(cmpRps), unit: 'rec/s', target: '>= 1e6', met: cmpRps >= 1e6})
    add({case: '4', what: 'floor records/s (read + JSON.parse)', value: Math.round(floorRps), unit: 'rec/s'})
    add({case: '4', what: 'compare / floor', value: +(cmpRps / floorRps).toFixed(3), unit: 'x', target: '>= 0.5', met: cmpRps / floorRps >= 0.5})
    if (rss.length)
      add({case: '4', what: 'compare peak RSS', value: Math.round(median(rss) / 1024), unit: 'MiB', target: '<= 256', met: median(rss) / 1024 <= 256})

    const vRuns: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now()
      await run(process.execPath, [CLI, 'validate', a])
      vRuns.push(performance.now() - t)
    }
    add({case: '5', what: 'validate records/s (schema + catalogue)', value: Math.round(n / (median(vRuns) / 1000)), unit: 'rec/s'})

    // case 6: nbtrace triage of a whole-image pair carrying two causes (the second tile off by a
    // pixel, the obliquity dropped beyond 2θ = 30°), images given, 24 pixels traced on both sides
    const side6 = quick ? '1024' : '4096'
    process.stderr.write(`case 6: triage of a ${side6}² pair with two causes, images given, 24 traced pixels\n`)
    const CASE6 = [
      '-cell',
      '100',
      '100',
      '100',
      '90',
      '90',
      '90',
      '-default_F',
      '100',
      '-lambda',
      '1',
      '-distance',
      quick ? '50' : '200',
      '-detpixels',
      side6,
      '-pixel',
      '0.1',
      '-N',
      '5',
      '-oversample',
      '1',
    ]
    const faults6 = 'tile-fast-offset,high-angle-obliquity'
    // the images are made once, outside the measurement (the C engine has both faults)
    await run(C_NOTRACE, [...CASE6, '-floatfile', join(tmp, 'ref6.bin'), '-intfile', join(tmp, 'ref6.img'), '-nopgm', '-nonoise'], {cwd: tmp})
    await run(
      process.execPath,
      [
        CLI,
        'simulate',
        '--engine',
        'c',
        '--inject',
        faults6,
        '--',
        ...CASE6,
        '-floatfile',
        join(tmp, 'cand6.bin'),
        '-intfile',
        join(tmp, 'cand6.img'),
        '-nopgm',
        '-nonoise',
      ],
      {cwd: tmp},
    )
    const t6: number[] = []
    const rss6: number[] = []
    let verdict6 = ''
    for (let r = 0; r < ROUNDS; r++) {
      const out6 = join(tmp, `triage6-${r}`)
      // triage exits 1 (the images differ): the shell turns that into success
      const script = `/usr/bin/time -f 'MAXRSS %M' "$@" > '${out6}.json'; test $? -eq 1`
      const t = performance.now()
      const res = await run(
        '/bin/sh',
        [
          '-c',
          script,
          'sh',
          process.execPath,
          CLI,
          'triage',
          '--json',
          '--out',
          out6,
          '--ref-image',
          join(tmp, 'ref6.bin'),
          '--cand-image',
          join(tmp, 'cand6.bin'),
          '--cand-inject',
          faults6,
          '--max-pixels',
          '24',
          '--',
          ...CASE6,
        ],
        {cwd: tmp},
      )
      t6.push(performance.now() - t)
      const m = /MAXRSS (\d+)/.exec(res.stderr)
      if (m) rss6.push(Number(m[1]))
      const j = JSON.parse(readFileSync(`${out6}.json`, 'utf8')) as {verdict: string; budget: {traced: number; slots: number}}
      verdict6 = `${j.verdict} (traced ${j.budget.traced} on ${j.budget.slots} slots)`
    }
    process.stderr.write(`  ${verdict6}\n`)
    add({
      case: '6',
      what: `triage ${side6}², 2 causes, 24 traced pixels (wall)`,
      value: Math.round(median(t6)),
      unit: 'ms',
      target: quick ? undefined : '< 60000',
      met: median(t6) < 60000,
    })
    if (rss6.length) add({case: '6', what: 'triage peak RSS', value: Math.round(median(rss6) / 1024), unit: 'MiB'})

    await benchUpstream(tmp, add, {quick, rounds: ROUNDS})
    benchFmt(tmp, add, {quick})
    await benchReduce(tmp, add, {quick, rounds: ROUNDS})
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  }
  writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify({machine, rounds: ROUNDS, quick, rows}, null, 2) + '\n')
  const t = new Table({head: ['case', 'measure', 'median', 'min–max', 'unit', 'target', 'met'], style: {head: [], border: []}})
  for (const r of rows) t.push([r.case, r.what, String(r.value), r.range ?? '', r.unit, r.target ?? '', r.target ? (r.met ? 'yes' : 'NO') : ''])
  console.log(t.toString())
}

await main()
