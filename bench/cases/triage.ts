// Case 6: `nbtrace triage` of a whole-image pair carrying two causes (the second tile off by a
// pixel, the obliquity dropped beyond 2θ = 30°), images given, 24 pixels traced on both sides;
// 4096² (1024² with --quick). The images are made once, outside the measurement. Triage exits 1
// (the images differ). Interleaved with the CLI start-up.
import {join} from 'node:path'
import {C_NOTRACE, CLI, type Ctx, interleave, measure, startup} from '../harness.js'

export async function triageCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  const side = ctx.quick ? '1024' : '4096'
  process.stderr.write(`case 6: triage of a ${side}² pair with two causes, images given, 24 traced pixels (${ctx.rounds} rounds)\n`)
  const args =
    `-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance ${ctx.quick ? '50' : '200'} -detpixels ${side} -pixel 0.1 -N 5 -oversample 1`.split(' ')
  const faults = 'tile-fast-offset,high-angle-obliquity'
  const img = (n: string) => ['-floatfile', join(tmp, `${n}6.bin`), '-intfile', join(tmp, `${n}6.img`), '-nopgm', '-nonoise']
  await measure(C_NOTRACE, [...args, ...img('ref')], {cwd: tmp})
  await measure(process.execPath, [CLI, 'simulate', '--engine', 'c', '--inject', faults, '--', ...args, ...img('cand')], {cwd: tmp})
  let n = 0
  let verdict = ''
  const t = await interleave(
    {
      startup,
      triage: async () => {
        const out = join(tmp, `triage6-${n++}`)
        const flags = [
          '--json',
          '--out',
          out,
          '--ref-image',
          join(tmp, 'ref6.bin'),
          '--cand-image',
          join(tmp, 'cand6.bin'),
          '--cand-inject',
          faults,
          '--max-pixels',
          '24',
        ]
        const s = await measure(process.execPath, [CLI, 'triage', ...flags, '--', ...args], {cwd: tmp, ok: [1]})
        const j = JSON.parse(s.stdout) as {verdict: string; budget: {traced: number; slots: number}}
        verdict = `${j.verdict.slice(0, 120)} (traced ${j.budget.traced} on ${j.budget.slots} slots)`
        return s
      },
    },
    ctx.rounds,
  )
  process.stderr.write(`  ${verdict}\n`)
  R.time('6', `triage ${side}², 2 causes, 24 traced pixels`, t.triage, t.startup.wall, ctx.quick ? undefined : {text: '< 60000', ms: 60000})
  R.stat('6', 'triage peak RSS', t.triage.rss, 'MiB', {scale: 1 / 1024})
}
