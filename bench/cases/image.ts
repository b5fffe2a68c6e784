// Cases 1 and 1b: a whole image with the C engine (1 and 2 threads) and the TypeScript engine
// (serial and --threads 2), all through the CLI, against upstream nanoBragg built serially and
// with its OpenMP at 2 threads (started directly: no CLI start-up). Every image is checked bit
// for bit against upstream serial's float image.
import {join} from 'node:path'
import {CELL, CLI, type Ctx, identical, interleave, measure, ratio, type Sample, startup} from '../harness.js'
import {upstreamExe, upstreamMissing} from '../upstream-build.js'

export const CASE1 = (px: string): string[] => [...CELL, ...`-detpixels ${px} -N 5 -oversample 2 -mosaic 0.5 -mosaic_domains 4 -nopgm -nonoise`.split(' ')]
export const CASE1B = [
  ...CELL,
  ...'-detpixels 256 -N 5 -oversample 3 -hdivrange 2 -vdivrange 1.5 -hdivsteps 4 -vdivsteps 3 -dispersion 2 -dispsteps 3 -nopgm -nonoise'.split(' '),
]

async function engines(ctx: Ctx, name: string, args: string[], withThreads: boolean): Promise<void> {
  const {tmp, report: R} = ctx
  const out = (n: string) => ['-floatfile', join(tmp, `${name}-${n}.bin`), '-intfile', join(tmp, `${name}-${n}.img`)]
  const cli = (n: string, flags: string[]) => () => measure(process.execPath, [CLI, 'simulate', ...flags, '--', ...args, ...out(n)], {cwd: tmp})
  const tasks: Record<string, () => Promise<Sample>> = {
    startup,
    c: cli('c', ['--engine', 'c', '--threads', '1']),
    ts: cli('ts', ['--engine', 'ts']),
    ts2: cli('ts2', ['--engine', 'ts', '--threads', '2']),
  }
  if (withThreads) tasks.c2 = cli('c2', ['--engine', 'c', '--threads', '2'])
  const why = upstreamMissing()
  if (!why) {
    const plain = upstreamExe(tmp, 'plain')
    const omp = upstreamExe(tmp, 'plain-omp')
    tasks.up = () => measure(plain, [...args, '-noprogress', ...out('up')], {cwd: tmp})
    if (withThreads) tasks.omp2 = () => measure(omp, [...args, '-noprogress', ...out('omp2')], {cwd: tmp, env: {...process.env, OMP_NUM_THREADS: '2'}})
  } else process.stderr.write(`  ${name}: upstream skipped (${why})\n`)
  const t = await interleave(tasks, ctx.rounds, {warmup: ctx.quick ? 0 : 1})
  const s = t.startup.wall
  R.time(name, 'CLI start-up (nbtrace --version)', t.startup, s)
  R.time(name, 'C engine, 1 thread (CLI)', t.c, s)
  if (t.c2) R.time(name, 'C engine, --threads 2 (CLI)', t.c2, s)
  R.time(name, 'TS engine, serial (CLI)', t.ts, s)
  R.time(name, 'TS engine, --threads 2 (CLI)', t.ts2, s)
  R.ratio(name, 'TS --threads 2 speed-up over TS serial', ratio(t.ts.wall, t.ts2.wall))
  if (t.c2) R.ratio(name, 'C --threads 2 / C 1 thread', ratio(t.c2.wall, t.c.wall))
  if (t.up) {
    R.time(name, 'upstream serial (direct)', t.up, 0)
    R.ratio(name, 'C engine 1 thread / upstream serial', ratio(t.c.wall, t.up.wall))
    R.ratio(name, '  same, CLI start-up subtracted from C', ratio(mapMinus(t.c.wall.runs, s.runs), t.up.wall))
    if (t.c2) {
      R.ratio(name, 'C --threads 2 / upstream serial', ratio(t.c2.wall, t.up.wall), {max: 0.6})
      R.ratio(name, '  same, CLI start-up subtracted from C', ratio(mapMinus(t.c2.wall.runs, s.runs), t.up.wall), {max: 0.6})
    }
    R.ratio(name, 'TS --threads 2 / upstream serial', ratio(t.ts2.wall, t.up.wall), withThreads ? {max: 0.65} : undefined)
    R.ratio(name, '  same, CLI start-up subtracted from TS', ratio(mapMinus(t.ts2.wall.runs, s.runs), t.up.wall), withThreads ? {max: 0.65} : undefined)
    if (t.omp2) {
      R.time(name, 'upstream OpenMP, 2 threads (direct)', t.omp2, 0)
      R.ratio(name, 'upstream OpenMP 2 threads / upstream serial', ratio(t.omp2.wall, t.up.wall))
      R.ratio(name, 'upstream OpenMP speed-up over serial', ratio(t.up.wall, t.omp2.wall))
    }
  }
  // bit for bit: every engine's float image against the first one's (upstream serial where built)
  const ours = ['up', 'c', 'c2', 'ts', 'ts2'].filter((k) => k in tasks).map((k) => join(tmp, `${name}-${k}.bin`))
  const same = identical(ours)
  R.value(name, `float images bit-identical (${['up', 'c', 'c2', 'ts', 'ts2'].filter((k) => k in tasks).join(', ')})`, same ? 'yes' : 'NO', '', {
    text: 'yes',
    met: same,
  })
  if (tasks.omp2) {
    const o = identical([join(tmp, `${name}-up.bin`), join(tmp, `${name}-omp2.bin`)])
    R.value(name, 'upstream OpenMP 2 threads image = upstream serial', o ? 'yes' : 'no', '')
  }
}

const mapMinus = (a: number[], b: number[]) => ({median: NaN, min: NaN, max: NaN, runs: a.map((x, i) => x - b[i])})

export async function imageCase(ctx: Ctx): Promise<void> {
  const px = ctx.quick ? '256' : '1024'
  process.stderr.write(`case 1: whole image ${px}², N 5, oversample 2, 4 mosaic domains (${ctx.rounds} rounds)\n`)
  await engines(ctx, '1', CASE1(px), true)
}

export async function sourcesCase(ctx: Ctx): Promise<void> {
  process.stderr.write(`case 1b: 256², 24 sources, oversample 3 (${ctx.rounds} rounds)\n`)
  await engines(ctx, '1b', CASE1B, false)
}
