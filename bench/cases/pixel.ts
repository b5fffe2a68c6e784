// Case 3: one traced pixel of a large configuration (4096², 24 sources × 10 mosaic domains,
// oversample 2). `nbtrace trace --pixel` end to end (both sides traced at once, compared,
// evidence written) and each engine's `simulate --trace-pixel`, all through the CLI, against
// upstream nanoBragg computing only that pixel with -roi (started directly, serial; it still
// allocates and writes the whole float image, which is its cost of answering the question).
import {join} from 'node:path'
import {CELL, CLI, type Ctx, interleave, measure, ratio, type Sample, startup} from '../harness.js'
import {upstreamExe, upstreamMissing} from '../upstream-build.js'

export const CASE3 = [
  ...CELL,
  ...'-detpixels 4096 -N 5 -oversample 2 -mosaic 0.5 -mosaic_domains 10 -hdivrange 2 -vdivrange 1.5 -hdivsteps 4 -vdivsteps 3 -dispersion 2 -dispsteps 3'.split(
    ' ',
  ),
]
const SLOW = 2048
const FAST = 2100

export async function pixelCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  process.stderr.write(`case 3: one traced pixel (${SLOW},${FAST}) of 4096², 24 sources, 10 mosaic domains, oversample 2 (${ctx.rounds} rounds)\n`)
  let n = 0
  let verdict = ''
  const tasks: Record<string, () => Promise<Sample>> = {
    startup,
    trace: async () => {
      const s = await measure(process.execPath, [CLI, 'trace', '--json', '--pixel', `${SLOW},${FAST}`, '--out', join(tmp, `3-out-${n++}`), '--', ...CASE3], {
        cwd: tmp,
      })
      verdict = (JSON.parse(s.stdout) as {status?: string}).status ?? '?'
      return s
    },
    c: () =>
      measure(process.execPath, [CLI, 'simulate', '--engine', 'c', '--trace-pixel', `${SLOW},${FAST}`, '--trace-out', join(tmp, '3-c.jsonl'), '--', ...CASE3], {
        cwd: tmp,
      }),
    ts: () =>
      measure(
        process.execPath,
        [CLI, 'simulate', '--engine', 'ts', '--trace-pixel', `${SLOW},${FAST}`, '--trace-out', join(tmp, '3-ts.jsonl'), '--', ...CASE3],
        {
          cwd: tmp,
        },
      ),
  }
  const why = upstreamMissing()
  if (!why) {
    const exe = upstreamExe(tmp, 'plain')
    const roi = ['-roi', String(FAST), String(FAST), String(SLOW), String(SLOW)]
    tasks.roi = () =>
      measure(exe, [...CASE3, ...roi, '-nopgm', '-nonoise', '-noprogress', '-floatfile', join(tmp, '3-roi.bin'), '-intfile', join(tmp, '3-roi.img')], {
        cwd: tmp,
      })
  } else process.stderr.write(`  3: upstream -roi skipped (${why})\n`)
  const t = await interleave(tasks, ctx.rounds, {warmup: 1})
  const s = t.startup.wall
  R.time('3', 'CLI start-up (nbtrace --version)', t.startup, s)
  R.time('3', `trace --pixel end to end (C ref + TS cand, compare, evidence): ${verdict}`, t.trace, s, {text: '<= 400', ms: 400})
  R.time('3', 'simulate --engine c --trace-pixel (CLI)', t.c, s)
  R.time('3', 'simulate --engine ts --trace-pixel (CLI)', t.ts, s)
  if (t.roi) {
    R.time('3', 'upstream -roi on that pixel, serial (direct)', t.roi, 0)
    R.ratio('3', 'trace --pixel / upstream -roi', ratio(t.trace.wall, t.roi.wall))
  }
}
