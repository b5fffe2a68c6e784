// `npm run bench -- --scaling`: how time and memory grow with the work. Three families of series:
//  * detector size, 256² → 4096² (→ 2048² with --quick), work = pixels, C engine (1 thread)
//    and TS engine (serial), both through the CLI, oversample 2, one source, one domain;
//  * loop counts on a 1024² detector, each loop varied alone (the others at 1), work = the steps
//    of the inner loop nest, sources × domains × phi × oversample²;
//  * trace size for compare, 1M → 5M records per file (250k → 1M with --quick), the candidate in
//    the same order and written per variable (out of order), work = records per file.
// Every point is A B B A interleaved with the CLI start-up (and, for the engines, the other
// engine), medians with min–max. Each series gets a fitted exponent (bench/fit.ts: least squares
// of log time on log work) of the raw times, of the times minus the start-up measured beside them
// (the raw exponent of a short run is pulled towards 0 by the constant start-up), and of peak RSS
// (that of the largest process of the run: for a CLI run of the C engine that is node, not the
// C child).
import {join} from 'node:path'
import {CELL, CLI, type Ctx, interleave, measure, type Stat, startup} from '../harness.js'
import {fitPowerLaw} from '../fit.js'
import {compare, makePair, removePair} from './compare.js'

export interface Point {
  work: number
  label: string
  /** wall ms */
  time: Stat
  /** peak RSS, KiB */
  rss: Stat
  /** median CLI start-up beside it, ms */
  startup: number
}

export interface Series {
  name: string
  work: string
  points: Point[]
  timeExponent: number
  netTimeExponent: number
  rssExponent: number
}

const fmtStat = (s: Stat, k = 1): string => `${Math.round(s.median * k)} (${Math.round(s.min * k)}–${Math.round(s.max * k)})`

function finish(name: string, work: string, points: Point[]): Series {
  const w = points.map((p) => p.work)
  const s: Series = {
    name,
    work,
    points,
    timeExponent: +fitPowerLaw(
      w,
      points.map((p) => p.time.median),
    ).exponent.toFixed(3),
    netTimeExponent: +fitPowerLaw(
      w,
      points.map((p) => p.time.median - p.startup),
    ).exponent.toFixed(3),
    rssExponent: +fitPowerLaw(
      w,
      points.map((p) => p.rss.median),
    ).exponent.toFixed(3),
  }
  const lines = [`series ${name} (work: ${work})`, '  work            time ms (min–max)         minus start-up   peak RSS MiB (min–max)']
  for (const p of points)
    lines.push(`  ${p.label.padEnd(15)} ${fmtStat(p.time).padEnd(25)} ${String(Math.round(p.time.median - p.startup)).padEnd(16)} ${fmtStat(p.rss, 1 / 1024)}`)
  lines.push(`  exponents: time ${s.timeExponent}, time minus start-up ${s.netTimeExponent}, peak RSS ${s.rssExponent}`)
  process.stdout.write(lines.join('\n') + '\n\n')
  return s
}

/** One engine series family: for each point, the C and TS engines interleaved with the start-up. */
async function engineSeries(ctx: Ctx, name: string, work: string, pts: {work: number; label: string; args: string[]}[], rounds: number): Promise<Series[]> {
  const c: Point[] = []
  const ts: Point[] = []
  for (const p of pts) {
    const out = (n: string) => ['-floatfile', join(ctx.tmp, `s-${n}.bin`), '-intfile', join(ctx.tmp, `s-${n}.img`)]
    const sim = (engine: string, threads: string[]) => () =>
      measure(process.execPath, [CLI, 'simulate', '--engine', engine, ...threads, '--', ...CELL, ...p.args, '-nopgm', '-nonoise', ...out(engine)], {
        cwd: ctx.tmp,
      })
    process.stderr.write(`  ${name}: ${p.label}\n`)
    const t = await interleave({startup, c: sim('c', ['--threads', '1']), ts: sim('ts', [])}, rounds)
    const s = t.startup.wall.median
    c.push({work: p.work, label: p.label, time: t.c.wall, rss: t.c.rss, startup: s})
    ts.push({work: p.work, label: p.label, time: t.ts.wall, rss: t.ts.rss, startup: s})
  }
  return [finish(`${name}, C engine (CLI, 1 thread)`, work, c), finish(`${name}, TS engine (CLI, serial)`, work, ts)]
}

export async function scalingRun(ctx: Ctx): Promise<Series[]> {
  const rounds = ctx.quick ? 2 : Math.max(2, ctx.rounds)
  const all: Series[] = []

  const sizes = ctx.quick ? [256, 512, 1024, 2048] : [256, 512, 1024, 2048, 4096]
  process.stderr.write(`scaling: detector size ${sizes[0]}² → ${sizes[sizes.length - 1]}² (${rounds} rounds)\n`)
  all.push(
    ...(await engineSeries(
      ctx,
      'detector size',
      'pixels',
      sizes.map((s) => ({work: s * s, label: `${s}²`, args: `-detpixels ${s} -N 5 -oversample 2`.split(' ')})),
      rounds,
    )),
  )

  // 1024²: at one step the engine's work (~0.1 s) is already comparable to the CLI's start-up
  const px = 1024
  const ks = ctx.quick ? [1, 3, 9] : [1, 2, 4, 8, 16]
  const base = `-detpixels ${px} -N 5`.split(' ')
  const loops: {name: string; args: (k: number) => string[]}[] = [
    {name: 'sources', args: (k) => [...base, '-oversample', '1', '-dispersion', '2', '-dispsteps', String(k)]},
    {name: 'mosaic domains', args: (k) => [...base, '-oversample', '1', '-mosaic', '0.5', '-mosaic_domains', String(k)]},
    {name: 'phi steps', args: (k) => [...base, '-oversample', '1', '-phi', '0', '-osc', '1', '-phisteps', String(k)]},
  ]
  for (const l of loops) {
    process.stderr.write(`scaling: ${l.name} ${ks.join(', ')} on ${px}² (${rounds} rounds)\n`)
    all.push(
      ...(await engineSeries(
        ctx,
        `${l.name} (${px}²)`,
        'steps',
        ks.map((k) => ({work: k, label: `${l.name} ${k}`, args: l.args(k)})),
        rounds,
      )),
    )
  }
  const os = ctx.quick ? [1, 2, 3] : [1, 2, 3, 4, 6]
  process.stderr.write(`scaling: oversample ${os.join(', ')} on ${px}² (${rounds} rounds)\n`)
  all.push(
    ...(await engineSeries(
      ctx,
      `oversample (${px}²)`,
      'steps = oversample²',
      os.map((k) => ({work: k * k, label: `oversample ${k}`, args: [...base, '-oversample', String(k)]})),
      rounds,
    )),
  )

  const ns = ctx.quick ? [250_000, 500_000, 1_000_000] : [1_000_000, 2_000_000, 3_000_000, 5_000_000]
  const same: Point[] = []
  const ooo: Point[] = []
  for (const n of ns) {
    process.stderr.write(`scaling: compare, ${n} records per file: generating…\n`)
    const p = await makePair(ctx.tmp, n)
    const crounds = 2
    const t = await interleave({startup, same: compare(p.a, p.b, ctx.tmp), ooo: compare(p.a, p.v, ctx.tmp)}, crounds)
    const s = t.startup.wall.median
    same.push({work: n, label: `${n / 1e6}M`, time: t.same.wall, rss: t.same.rss, startup: s})
    ooo.push({work: n, label: `${n / 1e6}M`, time: t.ooo.wall, rss: t.ooo.rss, startup: s})
    removePair(p)
  }
  all.push(finish('compare, same order (one divergence near the end)', 'records per file', same))
  all.push(finish('compare, candidate written per variable (out of order)', 'records per file', ooo))
  return all
}
