// The upstream nanoBragg programs the bench compares against, built in the run's temporary folder
// from ../shared/upstream/bl831 (or $NBTRACE_UPSTREAM; their code is never copied into the
// repository): plain, serial and with upstream's -fopenmp; instrumented per the guide
// (scripts/upstream/instrument.ts, -DNBTRACE_ENABLE); and, for the reduce case, instrumented
// with the truth corpus's sincg-wrong-index line change. Each is built once per run, on first use.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BUILD_FLAGS, INCLUDE_DIR, instrumentUpstream, OPENMP_FLAG} from '../scripts/upstream/instrument.js'
import {ROOT} from './harness.js'

export const UPSTREAM = process.env.NBTRACE_UPSTREAM || join(ROOT, '..', 'shared', 'upstream')
/** upstream's own build, without the tracing define */
export const STRICT = BUILD_FLAGS.filter((f) => f !== '-DNBTRACE_ENABLE')

export type UpstreamKind = 'plain' | 'plain-omp' | 'nbtrace' | 'nbtrace-omp' | 'sincg'

/** Why the upstream programs cannot be built here, or null. */
export function upstreamMissing(): string | null {
  if (!existsSync(join(UPSTREAM, 'bl831', 'nanoBragg.c'))) return `no ${join(UPSTREAM, 'bl831', 'nanoBragg.c')} (set NBTRACE_UPSTREAM)`
  if (spawnSync('gcc', ['--version']).status !== 0) return 'no gcc'
  return null
}

const built = new Map<string, string>()

function source(kind: UpstreamKind): string {
  const plain = readFileSync(join(UPSTREAM, 'bl831', 'nanoBragg.c'), 'utf8')
  if (kind === 'plain' || kind === 'plain-omp') return plain
  if (kind !== 'sincg') return instrumentUpstream(plain)
  const edit = JSON.parse(readFileSync(join(ROOT, 'test', 'truth', 'cases', 'upstream-faults', 'sincg-wrong-index.json'), 'utf8')).cand.edits[0] as {
    find: string
    replace: string
  }
  if (plain.split(edit.find).length !== 2) throw new Error('bench: the sincg-wrong-index edit no longer matches upstream exactly once')
  return instrumentUpstream(plain.replace(edit.find, () => edit.replace))
}

/** The executable of one kind, built into tmp/upstream on first use. */
export function upstreamExe(tmp: string, kind: UpstreamKind): string {
  const key = `${tmp}\0${kind}`
  const have = built.get(key)
  if (have) return have
  const dir = join(tmp, 'upstream')
  mkdirSync(dir, {recursive: true})
  const src = join(dir, `${kind}.c`)
  const exe = join(dir, kind)
  writeFileSync(src, source(kind))
  const flags = kind.startsWith('plain') ? STRICT : BUILD_FLAGS
  const omp = kind.endsWith('-omp') ? [OPENMP_FLAG] : []
  const r = spawnSync('gcc', [...flags, ...omp, `-I${INCLUDE_DIR}`, '-o', exe, src, '-lm'], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`gcc ${kind}: ${r.stderr.slice(0, 400)}`)
  built.set(key, exe)
  return exe
}
