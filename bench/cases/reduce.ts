// Bench case "reduce": `nbtrace reduce` from the maximal configuration of issue #17 (24 sources,
// 10 mosaic domains, 3 phi steps, oversample 3, 3 detector layers, 1024²; 256² with --quick)
// to the minimal one, wall time of the whole command (median of the rounds):
//  * the C engine on both sides: the reference engine against a build of the same C engine with
//    a planted fault (steps without oversample², the C counterpart of steps-no-oversample2),
//    run as a command template in its single-pixel mode;
//  * an external upstream-style program: upstream nanoBragg.c with a real line change (the
//    truth corpus's sincg-wrong-index), instrumented per the guide, which computes the whole
//    image: reduce uses -roi around the pixel and checks the minimal configuration without it.
//    Skipped where ../shared/upstream (or $NBTRACE_UPSTREAM) or gcc is missing.
// The two reductions run interleaved A B B A (2 rounds; a reduction is dozens of runs already).
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {commandTemplate} from '../../scripts/upstream/instrument.js'
import {CLI, type Ctx, interleave, measure, ROOT, type Sample} from '../harness.js'
import {upstreamExe, upstreamMissing} from '../upstream-build.js'

function maximal(px: string): string[] {
  return [
    ...`-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -detpixels ${px} -N 5`.split(' '),
    ...'-hdivrange 2 -vdivrange 1.5 -hdivsteps 4 -vdivsteps 3 -dispersion 2 -dispsteps 3'.split(' '),
    ...'-mosaic 0.5 -mosaic_domains 10 -mosaic_seed 777 -phi 10 -osc 3 -phisteps 3 -oversample 3'.split(' '),
    ...'-detector_thick 100 -detector_thicksteps 3 -detector_abs 300 -nopgm -nonoise -noprogress'.split(' '),
  ]
}

interface Reduction {
  status: string
  minimal: {loops: Record<string, number>} | null
  steps: unknown[]
  roi: {used: boolean}
}

export async function reduceCase(ctx: Ctx): Promise<void> {
  const {tmp, report: R} = ctx
  const dir = join(tmp, 'reduce')
  mkdirSync(dir, {recursive: true})
  const px = ctx.quick ? '256' : '1024'
  // a pixel off the beam centre, inside the detector at either size
  const pixel = ctx.quick ? '125,132' : '500,530'
  const args = maximal(px)
  const rounds = 2
  process.stderr.write(`case reduce: maximal configuration (24 sources, 10 domains, 3 phi steps, oversample 3, 3 layers, ${px}²) → minimal, A B B A\n`)

  // the C engine with a planted fault, built from a copy of instrumented-c
  const src = join(dir, 'instrumented-c')
  cpSync(join(ROOT, 'instrumented-c'), src, {recursive: true, filter: (p) => !p.includes(`${join(ROOT, 'instrumented-c', 'build')}`)})
  const setup = join(src, 'src', 'setup.c')
  const line = 'n->steps = n->sources*n->mosaic_domains*n->phisteps*n->oversample*n->oversample;'
  const text = readFileSync(setup, 'utf8')
  if (!text.includes(line)) throw new Error(`bench reduce: instrumented-c/src/setup.c no longer computes steps as "${line}"`)
  writeFileSync(setup, text.replace(line, 'n->steps = n->sources*n->mosaic_domains*n->phisteps;'))
  const mk = spawnSync('make', ['-s', '-C', src, 'build/nanobragg-nbtrace'], {encoding: 'utf8'})
  if (mk.status !== 0) throw new Error(`bench reduce: building the faulted C engine failed: ${mk.stderr.slice(0, 400)}`)
  const faulted = join(src, 'build', 'nanobragg-nbtrace')

  const last: Record<string, Reduction> = {}
  let n = 0
  // exit 1 is a reduction
  const reduce = (label: string, flags: string[]) => async (): Promise<Sample> => {
    const s = await measure(process.execPath, [CLI, 'reduce', '--json', '--out', `out-${label}-${n++}`, ...flags, '--', ...args], {cwd: dir, ok: [1]})
    last[label] = JSON.parse(s.stdout) as Reduction
    return s
  }
  const tasks: Record<string, () => Promise<Sample>> = {
    c: reduce('c', ['--pixel', pixel, '--ref-engine', 'c', '--cand-cmd', `${faulted} -trace_pixel {slow} {fast} -trace_out {out} -trace_only -quiet {args}`]),
  }
  const why = upstreamMissing()
  if (!why) tasks.up = reduce('up', ['--pixel', pixel, '--ref-engine', 'c', '--cand-cmd', commandTemplate(upstreamExe(tmp, 'sincg'))])
  else process.stderr.write(`  reduce upstream: skipped (${why})\n`)
  const t = await interleave(tasks, rounds)
  const what: Record<string, string> = {
    c: 'C engine vs C engine (planted steps fault)',
    up: 'C engine vs upstream nanoBragg.c (sincg-wrong-index, whole image)',
  }
  for (const k of Object.keys(t)) {
    const l = last[k]
    const loops = l?.minimal ? Object.values(l.minimal.loops).join('/') : 'none'
    process.stderr.write(`  reduce ${what[k]}: ${l?.steps.length} steps, minimal loops ${loops}${l?.roi.used ? ', -roi' : ''}\n`)
    R.stat('reduce', `${what[k]}: maximal → minimal`, t[k].wall, 's', {
      scale: 1 / 1000,
      cpu: t[k].cpu,
      ...(k === 'c' ? {target: '< 30', met: (m) => m < 30} : {}),
    })
  }
}
