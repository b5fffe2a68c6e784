// Bench case "upstream": what nbtrace.h costs a user's nanoBragg when tracing is compiled in but
// no pixel is traced. Upstream nanoBragg (../shared/upstream/bl831, or $NBTRACE_UPSTREAM) built
// as is and instrumented by scripts/upstream/instrument.ts with -DNBTRACE_ENABLE, both with
// upstream's -fopenmp, run at 1 and 2 threads in the order A B B A per round (drift and warm-up
// hit both alike); medians with min–max. Where valgrind exists, the same pair built serially is
// also counted in instructions (callgrind) on a smaller image: a figure the machine's load
// cannot move. Both builds run the same program start-up, so it is included on both sides.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {BUILD_FLAGS, INCLUDE_DIR, instrumentUpstream, OPENMP_FLAG} from '../scripts/upstream/instrument.js'
import {median, run} from './stats.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..')
const UPSTREAM = process.env.NBTRACE_UPSTREAM || join(ROOT, '..', 'shared', 'upstream')
const STRICT = BUILD_FLAGS.filter((f) => f !== '-DNBTRACE_ENABLE')

type Add = (r: {case: string; what: string; value: number; unit: string; target?: string; met?: boolean}) => void

function build(dir: string, name: string, source: string, flags: string[]): string {
  const src = join(dir, `${name}.c`)
  const exe = join(dir, name)
  writeFileSync(src, source)
  const r = spawnSync('gcc', [...flags, `-I${INCLUDE_DIR}`, '-o', exe, src, '-lm'], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`gcc ${name}: ${r.stderr.slice(0, 400)}`)
  return exe
}

const range = (xs: number[]): string => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`

export async function benchUpstream(tmp: string, add: Add, opts: {quick: boolean; rounds: number}): Promise<void> {
  const file = join(UPSTREAM, 'bl831', 'nanoBragg.c')
  if (!existsSync(file)) {
    process.stderr.write(`case upstream: skipped (no ${file}; set NBTRACE_UPSTREAM)\n`)
    return
  }
  if (spawnSync('gcc', ['--version']).status !== 0) {
    process.stderr.write('case upstream: skipped (no gcc)\n')
    return
  }
  const dir = join(tmp, 'upstream')
  mkdirSync(dir, {recursive: true})
  const plainSrc = readFileSync(file, 'utf8')
  const instSrc = instrumentUpstream(plainSrc)
  const plain = build(dir, 'plain-omp', plainSrc, [...STRICT, OPENMP_FLAG])
  const inst = build(dir, 'nbtrace-omp', instSrc, [...BUILD_FLAGS, OPENMP_FLAG])
  const px = opts.quick ? '256' : '1024'
  const args = [
    '-cell',
    '100',
    '100',
    '100',
    '90',
    '90',
    '90',
    '-default_F',
    '100',
    '-lambda',
    '1',
    '-distance',
    '100',
    '-pixel',
    '0.1',
    '-detpixels',
    px,
    '-N',
    '5',
    '-oversample',
    '2',
    '-mosaic',
    '0.5',
    '-mosaic_domains',
    '4',
    '-nopgm',
    '-nonoise',
    '-noprogress',
  ]
  const rounds = Math.max(3, opts.rounds)
  process.stderr.write(
    `case upstream: nanoBragg ${px}², oversample 2, 4 mosaic domains; plain vs nbtrace compiled in (no pixel), -fopenmp, A B B A x ${rounds}\n`,
  )
  for (const threads of [1, 2]) {
    const env = {...process.env, OMP_NUM_THREADS: String(threads)}
    const t: Record<'plain' | 'inst', number[]> = {plain: [], inst: []}
    const once = async (k: 'plain' | 'inst') => {
      const s = performance.now()
      await run(k === 'plain' ? plain : inst, args, {cwd: dir, env})
      t[k].push(performance.now() - s)
    }
    for (let r = 0; r < rounds; r++) {
      await once('plain')
      await once('inst')
      await once('inst')
      await once('plain')
    }
    const mp = median(t.plain)
    const mi = median(t.inst)
    add({
      case: 'upstream',
      what: `plain upstream, ${threads} thread${threads > 1 ? 's' : ''} (min–max ${range(t.plain)} ms)`,
      value: Math.round(mp),
      unit: 'ms',
    })
    add({
      case: 'upstream',
      what: `nbtrace compiled in, no pixel, ${threads} thread${threads > 1 ? 's' : ''} (min–max ${range(t.inst)} ms)`,
      value: Math.round(mi),
      unit: 'ms',
    })
    add({
      case: 'upstream',
      what: `compiled in / plain, ${threads} thread${threads > 1 ? 's' : ''} (medians)`,
      value: +(mi / mp).toFixed(3),
      unit: 'x',
      target: '<= 1.02',
      met: mi / mp <= 1.02,
    })
  }
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    process.stderr.write('case upstream: no valgrind: instruction counts skipped\n')
    return
  }
  // instructions: serial builds (callgrind runs threads one at a time anyway), 128² image
  const plainS = build(dir, 'plain', plainSrc, STRICT)
  const instS = build(dir, 'nbtrace', instSrc, BUILD_FLAGS)
  const small = args.map((a, i) => (args[i - 1] === '-detpixels' ? '128' : a))
  const count = (exe: string): number => {
    const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.out')}`, exe, ...small], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
    const m = /Collected\s*:\s*(\d+)/.exec(r.stderr)
    if (!m) throw new Error(`callgrind: no count (${r.stderr.slice(-300)})`)
    return Number(m[1])
  }
  const ip = count(plainS)
  const ii = count(instS)
  add({case: 'upstream', what: 'instructions, plain (callgrind, 128², serial)', value: ip, unit: 'instr'})
  add({case: 'upstream', what: 'instructions, nbtrace compiled in, no pixel', value: ii, unit: 'instr'})
  add({case: 'upstream', what: 'instructions compiled in / plain', value: +(ii / ip).toFixed(4), unit: 'x', target: '<= 1.02', met: ii / ip <= 1.02})
}
