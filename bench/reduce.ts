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
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {BUILD_FLAGS, commandTemplate, INCLUDE_DIR, instrumentUpstream} from '../scripts/upstream/instrument.js'
import {median} from './stats.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..')
const CLI = join(ROOT, 'bin/run.js')
const UPSTREAM = process.env.NBTRACE_UPSTREAM || join(ROOT, '..', 'shared', 'upstream')

type Add = (r: {case: string; what: string; value: number; unit: string; target?: string; met?: boolean}) => void

function maximal(px: string): string[] {
  return [
    ...`-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -detpixels ${px} -N 5`.split(' '),
    ...'-hdivrange 2 -vdivrange 1.5 -hdivsteps 4 -vdivsteps 3 -dispersion 2 -dispsteps 3'.split(' '),
    ...'-mosaic 0.5 -mosaic_domains 10 -mosaic_seed 777 -phi 10 -osc 3 -phisteps 3 -oversample 3'.split(' '),
    ...'-detector_thick 100 -detector_thicksteps 3 -detector_abs 300 -nopgm -nonoise -noprogress'.split(' '),
  ]
}

/** One `nbtrace reduce --json` run: wall ms and the result (exit 1 is a reduction). */
function reduce(
  cwd: string,
  flags: string[],
  args: string[],
  out: string,
): Promise<{ms: number; result: {status: string; minimal: {loops: Record<string, number>} | null; steps: unknown[]; roi: {used: boolean}}}> {
  return new Promise((res, rej) => {
    const t = performance.now()
    const c = spawn(process.execPath, [CLI, 'reduce', '--json', '--out', out, ...flags, '--', ...args], {cwd, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    c.stdout.on('data', (d) => (stdout += d))
    c.stderr.on('data', (d) => (stderr += d))
    c.on('error', rej)
    c.on('close', (code) => {
      const ms = performance.now() - t
      if (code !== 1) return rej(new Error(`nbtrace reduce exited ${code}: ${stderr.slice(-400)}`))
      res({ms, result: JSON.parse(stdout)})
    })
  })
}

async function measure(add: Add, label: string, cwd: string, flags: string[], args: string[], rounds: number, target?: number): Promise<void> {
  const ms: number[] = []
  let last
  for (let r = 0; r < rounds; r++) {
    const x = await reduce(cwd, flags, args, `out-${label}-${r}`)
    ms.push(x.ms)
    last = x.result
  }
  const s = median(ms) / 1000
  const loops = last?.minimal ? Object.values(last.minimal.loops).join('/') : 'none'
  process.stderr.write(`  reduce ${label}: ${last?.steps.length} steps, minimal loops ${loops}${last?.roi.used ? ', -roi' : ''}\n`)
  add({case: 'reduce', what: `${label}: maximal → minimal wall`, value: +s.toFixed(2), unit: 's', ...(target ? {target: `< ${target}`, met: s < target} : {})})
}

export async function benchReduce(tmp: string, add: Add, opts: {quick: boolean; rounds: number}): Promise<void> {
  const dir = join(tmp, 'reduce')
  mkdirSync(dir, {recursive: true})
  const px = opts.quick ? '256' : '1024'
  // a pixel off the beam centre, inside the detector at either size
  const pixel = opts.quick ? '125,132' : '500,530'
  const args = maximal(px)
  const rounds = Math.max(1, Math.min(3, opts.rounds))
  process.stderr.write(
    `case reduce: maximal configuration (24 sources, 10 domains, 3 phi steps, oversample 3, 3 layers, ${px}²) → minimal, ${rounds} round(s)\n`,
  )

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
  await measure(
    add,
    'C engine vs C engine (planted steps fault)',
    dir,
    ['--pixel', pixel, '--ref-engine', 'c', '--cand-cmd', `${faulted} -trace_pixel {slow} {fast} -trace_out {out} -trace_only -quiet {args}`],
    args,
    rounds,
    30,
  )

  const file = join(UPSTREAM, 'bl831', 'nanoBragg.c')
  if (!existsSync(file) || spawnSync('gcc', ['--version']).status !== 0) {
    process.stderr.write(`  reduce upstream: skipped (no ${file} or no gcc; set NBTRACE_UPSTREAM)\n`)
    return
  }
  const edit = JSON.parse(readFileSync(join(ROOT, 'test', 'truth', 'cases', 'upstream-faults', 'sincg-wrong-index.json'), 'utf8')).cand.edits[0] as {
    find: string
    replace: string
  }
  const upstream = readFileSync(file, 'utf8')
  if (upstream.split(edit.find).length !== 2) throw new Error('bench reduce: the sincg-wrong-index edit no longer matches upstream exactly once')
  const c = join(dir, 'upstream-sincg.c')
  const exe = join(dir, 'upstream-sincg')
  writeFileSync(c, instrumentUpstream(upstream.replace(edit.find, () => edit.replace)))
  const cc = spawnSync('gcc', [...BUILD_FLAGS, `-I${INCLUDE_DIR}`, '-o', exe, c, '-lm'], {encoding: 'utf8'})
  if (cc.status !== 0) throw new Error(`bench reduce: gcc upstream: ${cc.stderr.slice(0, 400)}`)
  await measure(
    add,
    'C engine vs upstream nanoBragg.c (sincg-wrong-index, whole image)',
    dir,
    ['--pixel', pixel, '--ref-engine', 'c', '--cand-cmd', commandTemplate(exe)],
    args,
    rounds,
  )
}
