// Bench case "fmt": nbtrace.h's number printing (nbt_fmt_num, shortest round-trip digits as
// JavaScript prints them) against the printf/strtod search it replaced, and the check of the
// new one on 10^7 random doubles (10^6 with --quick), subnormals included: each text reads back
// to the same bits, no shorter decimal does, and it is the nearest of its length
// (test/c/fmt-check.c, built here in the temporary folder). fmt-check times the three printers
// one after the other inside one process, on the same numbers; the bench runs it once per round
// and reports medians with min–max and the per-run speed-up.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {INCLUDE_DIR} from '../../scripts/upstream/instrument.js'
import {type Ctx, ROOT, stat} from '../harness.js'

export function fmtCase(ctx: Ctx): void {
  const {tmp, report: R} = ctx
  const exe = join(tmp, 'fmt-check')
  const b = spawnSync(
    'gcc',
    [
      '-std=c99',
      '-O2',
      '-fno-fast-math',
      '-ffp-contract=off',
      '-D_DEFAULT_SOURCE',
      `-I${INCLUDE_DIR}`,
      join(ROOT, 'test', 'c', 'fmt-check.c'),
      '-o',
      exe,
      '-lm',
    ],
    {encoding: 'utf8'},
  )
  if (b.status !== 0) {
    process.stderr.write(`case fmt: skipped (cannot build fmt-check: ${b.stderr.slice(0, 200)})\n`)
    return
  }
  process.stderr.write(`case fmt: number printing, 2·10^5 doubles each way, ${ctx.rounds} runs\n`)
  const runs: {nsNew: number; nsReference: number; nsPrintf17g: number}[] = []
  for (let r = 0; r < ctx.rounds; r++) runs.push(JSON.parse(spawnSync(exe, ['bench', '200000', String(3 + r)], {encoding: 'utf8'}).stdout))
  R.stat('fmt', 'nbt_fmt_num (Ryu-style shortest digits)', stat(runs.map((x) => x.nsNew)), 'ns/number')
  R.stat('fmt', 'before: printf %.*e + strtod search', stat(runs.map((x) => x.nsReference)), 'ns/number')
  R.stat('fmt', 'snprintf %.17g, for scale (not shortest)', stat(runs.map((x) => x.nsPrintf17g)), 'ns/number')
  R.ratio('fmt', 'speed-up over the search (per run)', stat(runs.map((x) => x.nsReference / x.nsNew)), {min: 3})
  const n = ctx.quick ? 1_000_000 : 10_000_000
  process.stderr.write(`case fmt: checking ${n} doubles…\n`)
  const s = performance.now()
  const r = spawnSync(exe, ['check', String(n), '1'], {encoding: 'utf8'})
  const c = JSON.parse(r.stdout)
  const bad = c.roundTripFailures + c.notShortest + c.notNearest + c.printf17gFailures
  R.value('fmt', `check of ${n} doubles (${c.subnormal} subnormal, ${Math.round((performance.now() - s) / 1000)} s): failures`, bad, 'count', {
    text: '0',
    met: bad === 0 && r.status === 0,
  })
}
