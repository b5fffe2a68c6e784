// Cases 4 and 5: `nbtrace compare` and `nbtrace validate` on generated traces (bench/gen.ts) of
// n records per file (5M; 500k with --quick), through the CLI, against the floor (bench/floor.js:
// reading both files and finding the lines, nothing else). Case 4b: the candidate written
// variable by variable (a vectorized port's order) against the loop-order reference, the
// out-of-order case whose pending records bound compare's memory, beside the same-order compare.
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {CLI, type Ctx, interleave, mapStat, measure, ratio, ROOT, startup} from '../harness.js'
import {generateTrace} from '../gen.js'

const FLOOR = join(ROOT, 'bench/floor.js')

/** Reference a, same-order candidate b (one record perturbed 1000 before the end), per-variable candidate v. */
export async function makePair(dir: string, n: number, which: ('b' | 'v')[] = ['b', 'v']): Promise<{a: string; b: string; v: string}> {
  const p = {a: join(dir, `a-${n}.jsonl`), b: join(dir, `b-${n}.jsonl`), v: join(dir, `v-${n}.jsonl`)}
  await generateTrace(p.a, n)
  if (which.includes('b')) await generateTrace(p.b, n, {perturbAt: n - 1000})
  if (which.includes('v')) await generateTrace(p.v, n, {order: 'variable'})
  return p
}

export const removePair = (p: {a: string; b: string; v: string}): void => Object.values(p).forEach((f) => rmSync(f, {force: true}))

/** compare exits 1 on a divergence, 0 on agreement */
export const compare = (a: string, b: string, tmp: string) => () => measure(process.execPath, [CLI, 'compare', a, b, '--json'], {cwd: tmp, ok: [0, 1]})

export async function compareCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  const n = ctx.quick ? 500_000 : 5_000_000
  process.stderr.write(`case 4/5: generating ${n} records per file (reference, same-order candidate, per-variable candidate)…\n`)
  const p = await makePair(tmp, n)
  const floor = (mode: string) => () => measure(process.execPath, [FLOOR, `--${mode}`, p.a, p.b], {cwd: tmp})
  process.stderr.write(`case 4/5: compare and validate vs the floors (${ctx.rounds} rounds)\n`)
  const t = await interleave(
    {
      startup,
      compare: compare(p.a, p.b, tmp),
      split: floor('split'),
      bytes: floor('bytes'),
      parse: floor('parse'),
      validate: () => measure(process.execPath, [CLI, 'validate', p.a], {cwd: tmp}),
    },
    ctx.rounds,
  )
  const s = t.startup.wall
  const rps = (files: number) => (ms: number) => (files * n) / (ms / 1000)
  R.time('4', `compare, same order, one divergence 1000 from the end (${n} rec/file)`, t.compare, s)
  R.stat('4', 'compare records/s (both files, CLI incl.)', mapStat(t.compare.wall, rps(2)), 'rec/s')
  R.stat('4', 'compare peak RSS', t.compare.rss, 'MiB', {scale: 1 / 1024, target: '<= 256', met: (m) => m <= 256})
  R.time('4', 'floor: read + split into strings (node, no CLI)', t.split, 0)
  R.time('4', 'floor: read + find newlines in Buffers (no strings)', t.bytes, 0)
  R.time('4', 'floor: read + split + JSON.parse every line', t.parse, 0)
  // speed relative to a floor = floor time / compare time, per round
  R.ratio('4', 'compare speed / read+split floor (CLI start-up in compare)', ratio(t.split.wall, t.compare.wall), {min: 0.8})
  R.ratio('4', 'compare speed / byte-scan floor', ratio(t.bytes.wall, t.compare.wall))
  R.ratio('4', 'compare speed / read+split+JSON.parse floor', ratio(t.parse.wall, t.compare.wall))
  R.time('5', `validate (schema + catalogue), ${n} records`, t.validate, s)
  R.stat('5', 'validate records/s', mapStat(t.validate.wall, rps(1)), 'rec/s')

  const rounds = ctx.quick ? 2 : Math.min(ctx.rounds, 2)
  process.stderr.write(`case 4b: per-variable candidate vs same order (${rounds} rounds)\n`)
  const o = await interleave({same: compare(p.a, p.b, tmp), ooo: compare(p.a, p.v, tmp)}, rounds)
  R.time('4b', `compare, candidate written per variable (${n} rec/file)`, o.ooo, s)
  R.stat('4b', 'per-variable compare peak RSS', o.ooo.rss, 'MiB', {scale: 1 / 1024, target: '<= 256', met: (m) => m <= 256})
  R.time('4b', 'compare, same order (beside it)', o.same, s)
  R.stat('4b', 'same-order compare peak RSS', o.same.rss, 'MiB', {scale: 1 / 1024})
  R.ratio('4b', 'per-variable / same-order time', ratio(o.ooo.wall, o.same.wall))
  removePair(p)
}
