// Case demo: the README's command, `npx nbtrace trace --cand-inject steps-no-oversample2` (a
// planted fault, so it exits 1), warm, started through npx from the repository (as a user types
// it) and through `node bin/run.js` (npx's own cost is the difference), beside the CLI's start-up.
// --out points into the run's temporary folder (the README's run writes nbtrace-out/ here).
import {join} from 'node:path'
import {CLI, type Ctx, interleave, measure, ratio, ROOT, startup} from '../harness.js'

export const DEMO = ['trace', '--cand-inject', 'steps-no-oversample2']

export async function demoCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  process.stderr.write(`case demo: the README command, warm, through npx and node (${ctx.rounds} rounds)\n`)
  let n = 0
  const out = () => ['--out', join(tmp, `demo-${n++}`)]
  const t = await interleave(
    {
      startup,
      npx: () => measure('npx', ['nbtrace', ...DEMO, ...out()], {cwd: ROOT, ok: [1]}),
      node: () => measure(process.execPath, [CLI, ...DEMO, ...out()], {cwd: ROOT, ok: [1]}),
    },
    ctx.rounds,
    {warmup: 1},
  )
  const s = t.startup.wall
  R.time('demo', 'CLI start-up (nbtrace --version)', t.startup, s)
  R.time('demo', 'README demo, warm, npx nbtrace trace …', t.npx, s, {text: '<= 400', ms: 400})
  R.time('demo', 'README demo, warm, node bin/run.js trace …', t.node, s)
  R.ratio('demo', 'npx / node', ratio(t.npx.wall, t.node.wall))
}
