// Shared by the reduce tests: the maximal configuration of issue #17, its source list, the
// needs check, running CLI jobs two at a time (the machine has two cores), and the acceptance
// check of one reduction.
import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {ReduceResult} from '../../src/reduce/result.js'
import {runCli, validateAgainst} from '../helpers/cli.js'
export const MAXIMAL = [
  ...'-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -detpixels 64 -N 5'.split(' '),
  // 4 x 3 divergence points, 8 inside the ellipse, x 3 wavelengths: 24 sources
  ...'-hdivrange 2 -vdivrange 1.5 -hdivsteps 4 -vdivsteps 3 -dispersion 2 -dispsteps 3'.split(' '),
  ...'-mosaic 0.5 -mosaic_domains 10 -mosaic_seed 777 -phi 10 -osc 3 -phisteps 3 -oversample 3'.split(' '),
  ...'-detector_thick 100 -detector_thicksteps 3 -detector_abs 300'.split(' '),
]
export const MAXIMAL_LOOPS = {n_sources: 24, mosaic_domains: 10, oversample: 3, phisteps: 3, detector_thicksteps: 3}

/** 24 sources of unequal weights and wavelengths (the source-file entries use it instead of the grid). */
export function sourceList(): string {
  const lines: string[] = []
  for (let i = 0; i < 24; i++) lines.push(`-10 ${(i % 5) * 0.001} ${Math.floor(i / 5) * -0.001} ${1 + (i % 3)} ${(1 + 0.01 * ((i % 4) - 1.5)) * 1e-10}`)
  return lines.join('\n') + '\n'
}

/** The minimal loops satisfy one alternative of `needs.loops`: at least its counts, every other loop at 1. */
export function meetsNeeds(loops: Record<string, number | null>, alternatives: Record<string, number>[]): boolean {
  const alts = alternatives.length ? alternatives : [{}]
  return alts.some((a) => Object.entries(loops).every(([k, v]) => (k in a ? (v ?? 0) >= a[k] : v === 1)))
}

/** Runs jobs two at a time (two cores), in order of submission. */
export async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      out[i] = await jobs[i]()
    }
  }
  await Promise.all([worker(), worker()])
  return out
}

/** `nbtrace reduce --json` of one case: the result, or why there is none ('' when it exited 1, a reduction). */
export async function reduceJob(args: string[], cwd: string): Promise<{out: ReduceResult | null; error: string}> {
  const r = await runCli(['reduce', '--json', ...args], {cwd})
  try {
    return {out: JSON.parse(r.stdout) as ReduceResult, error: r.code === 1 ? '' : `exit ${r.code}: ${r.stderr.slice(-800)}`}
  } catch {
    return {out: null, error: `exit ${r.code}, no JSON: ${r.stderr.slice(-800)}`}
  }
}

/**
 * The acceptance of one reduction from the maximal configuration: a valid result that started
 * from `loops0`, held a cause of `cls`, ended with every loop at 1 but what `needs` allows, and
 * whose minimal run (the report in its evidence folder) shows every cause held.
 */
export function checkReduction(
  res: {out: ReduceResult | null; error: string},
  o: {loops0: Record<string, number>; cls: string; needs: Record<string, number>[]; outDir: string},
): ReduceResult {
  const {out, error} = res
  assert.ok(out, error)
  assert.equal(error, '', `${error}\n${out.verdict}`)
  assert.equal(validateAgainst('reduce.schema.json', out), null)
  assert.equal(out.status, 'reduced', out.verdict)
  assert.deepEqual(out.original!.loops, o.loops0)
  assert.ok(
    out.signature.some((c) => c.class === o.cls),
    `held ${JSON.stringify(out.signature)}, expected class ${o.cls}`,
  )
  const steps = out.steps.map((s) => `${s.dimension} ${s.what}: ${s.outcome} (${s.detail})`).join('; ')
  assert.ok(meetsNeeds(out.minimal!.loops, o.needs), `minimal loops ${JSON.stringify(out.minimal!.loops)} do not meet ${JSON.stringify(o.needs)}: ${steps}`)
  const report = JSON.parse(readFileSync(join(o.outDir, 'report.json'), 'utf8')) as {rootCauses: {name: string; class: string}[]}
  for (const c of out.signature)
    assert.ok(
      report.rootCauses.some((r) => r.name === c.name && r.class === c.class),
      `${c.name} (${c.class}) is not a root cause of the minimal run`,
    )
  return out
}
