// The real upstream nanoBragg programs, as test clients. They are not part of the project (their
// code is never committed): tests that need them look for them beside the repository
// (../shared/upstream, or $NBTRACE_UPSTREAM), build them once per test run in a temporary
// folder, and skip with the reason printed where they are absent or cannot be built.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ROOT} from './fixtures.js'

export const UPSTREAM = process.env.NBTRACE_UPSTREAM || join(ROOT, '..', 'shared', 'upstream')

/** `bl831`: original nanoBragg; `hoidn`: a port team's hand-instrumented reference (`-trace_pixel S F`). */
export type UpstreamProgram = 'bl831' | 'hoidn'

export function upstreamSource(p: UpstreamProgram): string {
  return join(UPSTREAM, p, 'nanoBragg.c')
}

/** Why upstream tests cannot run here, or null when they can. */
export function upstreamMissing(p: UpstreamProgram = 'bl831'): string | null {
  if (!existsSync(upstreamSource(p))) return `upstream ${p}/nanoBragg.c not found at ${UPSTREAM} (set NBTRACE_UPSTREAM): upstream conformance tests skipped`
  const cc = spawnSync('gcc', ['--version'], {stdio: 'ignore'})
  if (cc.status !== 0) return 'no gcc on this machine: upstream conformance tests skipped'
  return null
}

export const STRICT_FLAGS = ['-O2', '-fno-fast-math', '-ffp-contract=off']

/**
 * Builds C source text into an executable in a cache folder keyed by the source and flags, and
 * returns its path. The build happens once per distinct source; concurrent builds are safe (each
 * compiles into its own name, then renames).
 */
export function buildC(source: string, opts: {name?: string; flags?: string[]; include?: string[]} = {}): string {
  const flags = [...STRICT_FLAGS, ...(opts.flags ?? [])]
  const h = createHash('sha256')
    .update(source)
    .update('\0' + flags.join(' '))
  // headers in the include folders are part of what is built (nbtrace.h changes between runs)
  for (const d of opts.include ?? []) {
    h.update('\0' + d)
    for (const f of readdirSync(d)
      .filter((x) => x.endsWith('.h'))
      .sort())
      h.update('\0' + f + '\0').update(readFileSync(join(d, f)))
  }
  const key = h.digest('hex').slice(0, 16)
  const dir = join(tmpdir(), 'nbtrace-upstream-builds', key)
  const exe = join(dir, opts.name ?? 'nanoBragg')
  if (existsSync(exe)) return exe
  mkdirSync(dir, {recursive: true})
  const src = join(dir, `src-${process.pid}.c`)
  const tmpExe = `${exe}.${process.pid}.part`
  writeFileSync(src, source)
  const args = [...flags, ...(opts.include ?? []).map((d) => `-I${d}`), '-o', tmpExe, src, '-lm']
  const r = spawnSync('gcc', args, {encoding: 'utf8'})
  rmSync(src, {force: true})
  if (r.status !== 0) {
    rmSync(tmpExe, {force: true})
    throw new Error(`gcc ${args.join(' ')} failed:\n${r.stderr.split('\n').slice(0, 20).join('\n')}`)
  }
  renameSync(tmpExe, exe)
  return exe
}

/** Builds an upstream program as is (serial unless flags say -fopenmp). */
export function buildUpstream(p: UpstreamProgram, flags: string[] = []): string {
  return buildC(readFileSync(upstreamSource(p), 'utf8'), {name: `nanoBragg-${p}`, flags})
}
