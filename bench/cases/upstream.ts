// Case "upstream": what nbtrace.h costs a user's nanoBragg when tracing is compiled in but no
// pixel is traced. Upstream nanoBragg built as is and instrumented per the guide with
// -DNBTRACE_ENABLE (bench/upstream-build.ts), both with upstream's -fopenmp, run directly at 1 and
// 2 threads, A B B A; and the serial pair counted in instructions (perf or callgrind) on a 128²
// image, a figure the machine's load cannot move. Program start-up is on both sides alike.
import {join} from 'node:path'
import {type Ctx, identical, interleave, measure, ratio} from '../harness.js'
import {countInstructions} from '../instructions.js'
import {upstreamExe, upstreamMissing} from '../upstream-build.js'
import {CASE1} from './image.js'

export async function upstreamCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  const why = upstreamMissing()
  if (why) {
    process.stderr.write(`case upstream: skipped (${why})\n`)
    return
  }
  const plain = upstreamExe(tmp, 'plain-omp')
  const inst = upstreamExe(tmp, 'nbtrace-omp')
  const px = ctx.quick ? '256' : '1024'
  const args = [...CASE1(px), '-noprogress']
  const rounds = Math.max(4, ctx.rounds + (ctx.rounds % 2))
  process.stderr.write(`case upstream: nanoBragg ${px}² as case 1; plain vs nbtrace compiled in (no pixel), -fopenmp, A B B A x ${rounds / 2}\n`)
  for (const threads of [1, 2]) {
    const env = {...process.env, OMP_NUM_THREADS: String(threads)}
    const out = (n: string) => ['-floatfile', join(tmp, `up-${n}${threads}.bin`), '-intfile', join(tmp, `up-${n}${threads}.img`)]
    const t = await interleave(
      {plain: () => measure(plain, [...args, ...out('plain')], {cwd: tmp, env}), inst: () => measure(inst, [...args, ...out('inst')], {cwd: tmp, env})},
      rounds,
      {warmup: 1},
    )
    const th = `${threads} thread${threads > 1 ? 's' : ''}`
    R.time('upstream', `plain upstream, ${th} (direct)`, t.plain, 0)
    R.time('upstream', `nbtrace compiled in, no pixel, ${th} (direct)`, t.inst, 0)
    R.ratio('upstream', `compiled in / plain, ${th}, wall`, ratio(t.inst.wall, t.plain.wall), {max: 1.02})
    R.ratio('upstream', `compiled in / plain, ${th}, CPU user+sys`, ratio(t.inst.cpu, t.plain.cpu))
    const same = identical([join(tmp, `up-plain${threads}.bin`), join(tmp, `up-inst${threads}.bin`)])
    R.value('upstream', `float images bit-identical, ${th}`, same ? 'yes' : 'NO', '', {text: 'yes', met: same})
  }
  const small = [...CASE1('128'), '-noprogress']
  const a = countInstructions(upstreamExe(tmp, 'plain'), small, tmp)
  const b = countInstructions(upstreamExe(tmp, 'nbtrace'), small, tmp)
  if (a.count === null || b.count === null) {
    R.value('upstream', 'instructions compiled in / plain', a.count === null ? a.why : b.count === null ? b.why : '', '')
    return
  }
  R.value('upstream', `instructions, plain (${a.tool}, 128², serial)`, a.count, 'instr')
  R.value('upstream', 'instructions, nbtrace compiled in, no pixel', b.count, 'instr')
  const q = b.count / a.count
  R.value('upstream', 'instructions compiled in / plain', +q.toFixed(4), 'x', {text: '<= 1.02', met: q <= 1.02})
}
