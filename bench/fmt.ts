// Bench case "fmt": nbtrace.h's number printing (nbt_fmt_num, shortest round-trip digits as
// JavaScript prints them) against the printf/strtod search it replaced, and the check of the
// new one on 10^7 random doubles (10^6 with --quick), subnormals included: each text reads back
// to the same bits, no shorter decimal does, and it is the nearest of its length
// (test/c/fmt-check.c, built here in the temporary folder).
import {spawnSync} from 'node:child_process'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {INCLUDE_DIR} from '../scripts/upstream/instrument.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..')
type Add = (r: {case: string; what: string; value: number; unit: string; target?: string; met?: boolean}) => void

export function benchFmt(tmp: string, add: Add, opts: {quick: boolean}): void {
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
  process.stderr.write('case fmt: number printing, 10^6 doubles each way\n')
  const t = JSON.parse(spawnSync(exe, ['bench', '1000000', '3'], {encoding: 'utf8'}).stdout)
  add({case: 'fmt', what: 'nbt_fmt_num (Ryu-style shortest digits)', value: t.nsNew, unit: 'ns/number'})
  add({case: 'fmt', what: 'before: printf %.*e + strtod search', value: t.nsReference, unit: 'ns/number'})
  add({case: 'fmt', what: 'snprintf %.17g, for scale (not shortest)', value: t.nsPrintf17g, unit: 'ns/number'})
  const speedup = t.nsReference / t.nsNew
  add({case: 'fmt', what: 'speed-up over the search', value: +speedup.toFixed(1), unit: 'x', target: '>= 3', met: speedup >= 3})
  const n = opts.quick ? 1_000_000 : 10_000_000
  process.stderr.write(`case fmt: checking ${n} doubles…\n`)
  const s = performance.now()
  const r = spawnSync(exe, ['check', String(n), '1'], {encoding: 'utf8'})
  const c = JSON.parse(r.stdout)
  const bad = c.roundTripFailures + c.notShortest + c.notNearest + c.printf17gFailures
  add({
    case: 'fmt',
    what: `check of ${n} doubles (${c.subnormal} subnormal, ${Math.round((performance.now() - s) / 1000)} s): failures`,
    value: bad,
    unit: 'count',
    target: '0',
    met: bad === 0 && r.status === 0,
  })
}
