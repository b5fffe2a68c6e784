// Case 2: what the trace points cost the C engine when compiled in but no pixel is traced:
// instrumented-c/build/nanobragg-nbtrace against nanobragg-notrace (the same sources without
// NBTRACE_ENABLE), both started directly (no CLI on either side), 1 thread, A B B A. The wall
// ratio moves with the machine's load; the instruction-count ratio (perf or callgrind, on a
// smaller image) does not.
import {join} from 'node:path'
import {C_NOTRACE, C_TRACE, type Ctx, identical, interleave, measure, ratio} from '../harness.js'
import {countInstructions} from '../instructions.js'
import {CASE1} from './image.js'

export async function overheadCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  const px = ctx.quick ? '256' : '1024'
  const rounds = Math.max(6, ctx.rounds + (ctx.rounds % 2))
  process.stderr.write(`case 2: C tracing compiled in (no pixel) vs compiled out, ${px}² as case 1, direct, 1 thread, A B B A x ${rounds / 2}\n`)
  const env = {...process.env, NBTRACE_THREADS: '1'}
  const out = (n: string) => ['-floatfile', join(tmp, `2-${n}.bin`), '-intfile', join(tmp, `2-${n}.img`)]
  const t = await interleave(
    {
      off: () => measure(C_NOTRACE, [...CASE1(px), ...out('off')], {cwd: tmp, env}),
      on: () => measure(C_TRACE, [...CASE1(px), ...out('on')], {cwd: tmp, env}),
    },
    rounds,
    {warmup: 1},
  )
  R.time('2', 'compiled out (nanobragg-notrace), direct', t.off, 0)
  R.time('2', 'compiled in, no pixel (nanobragg-nbtrace), direct', t.on, 0)
  R.ratio('2', 'compiled in / out, wall (per round)', ratio(t.on.wall, t.off.wall), {max: 1.02})
  R.ratio('2', 'compiled in / out, CPU user+sys (per round)', ratio(t.on.cpu, t.off.cpu), {max: 1.02})
  const same = identical([join(tmp, '2-off.bin'), join(tmp, '2-on.bin')])
  R.value('2', 'float images bit-identical', same ? 'yes' : 'NO', '', {text: 'yes', met: same})
  // instructions on a 128² image (callgrind simulates every instruction: ~50x slower)
  const small = CASE1('128')
  const a = countInstructions(C_NOTRACE, [...small, ...out('ioff')], tmp, env)
  const b = countInstructions(C_TRACE, [...small, ...out('ion')], tmp, env)
  if (a.count === null || b.count === null) {
    R.value('2', 'instructions compiled in / out', a.count === null ? a.why : b.count === null ? b.why : '', '')
    return
  }
  R.value('2', `instructions, compiled out (${a.tool}, 128², 1 thread)`, a.count, 'instr')
  R.value('2', 'instructions, compiled in, no pixel', b.count, 'instr')
  const q = b.count / a.count
  R.value('2', 'instructions compiled in / out', +q.toFixed(4), 'x', {text: '<= 1.02', met: q <= 1.02})
}
