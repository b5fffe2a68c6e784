// Upstream nanoBragg instrumented as docs/instrumenting-nanobragg.md says (by
// scripts/upstream/instrument.ts), built once per test run in a temporary folder, and the golden
// configurations it is checked on.
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {BUILD_FLAGS, INCLUDE_DIR, instrumentUpstream, OPENMP_FLAG, type InstrumentOptions} from '../../scripts/upstream/instrument.js'
import {GOLDEN} from '../helpers/fixtures.js'
import {buildC, STRICT_FLAGS, upstreamSource} from '../helpers/upstream.js'

export interface Edit {
  find: string
  replace: string
}

/** Applies planted-fault edits (each `find` exactly once) to upstream text. */
export function applyEdits(source: string, edits: Edit[]): string {
  let s = source
  for (const e of edits) {
    const n = s.split(e.find).length - 1
    if (n !== 1) throw new Error(`edit ${JSON.stringify(e.find)} occurs ${n} times in upstream nanoBragg.c (expected once)`)
    s = s.replace(e.find, () => e.replace)
  }
  return s
}

/** Builds bl831 nanoBragg.c (with edits) instrumented by the script; returns the executable. */
export function buildInstrumented(opts: {openmp?: boolean; edits?: Edit[]; instrument?: InstrumentOptions; enable?: boolean} = {}): string {
  const src = instrumentUpstream(applyEdits(readFileSync(upstreamSource('bl831'), 'utf8'), opts.edits ?? []), opts.instrument)
  const flags = BUILD_FLAGS.filter((f) => !STRICT_FLAGS.includes(f) && (opts.enable !== false || f !== '-DNBTRACE_ENABLE'))
  return buildC(src, {
    name: opts.openmp ? 'nanoBragg-nbtrace-omp' : 'nanoBragg-nbtrace',
    flags: opts.openmp ? [...flags, OPENMP_FLAG] : flags,
    include: [INCLUDE_DIR],
  })
}

export function openmpMissing(): string | null {
  const r = spawnSync('gcc', ['-fopenmp', '-x', 'c', '-', '-o', '/dev/null'], {input: 'int main(void){return 0;}', encoding: 'utf8'})
  return r.status === 0 ? null : 'gcc has no -fopenmp here: the OpenMP part is skipped'
}

export interface GoldenConfig {
  name: string
  /** what it exercises */
  what: string
  args: string[]
  pixel: {slow: number; fast: number}
}

/** nanoBragg arguments and traced pixel of a golden case (its trace_cmd.txt states the pixel, slow first). */
export function goldenConfig(name: string, what = ''): GoldenConfig {
  const args = readFileSync(join(GOLDEN, name, 'cmd.txt'), 'utf8')
    .trim()
    .split(/\s+/)
    .slice(1)
  const t = readFileSync(join(GOLDEN, name, 'trace_cmd.txt'), 'utf8')
    .trim()
    .split(/\s+/)
  const i = t.indexOf('-trace_pixel')
  return {name, what, args, pixel: {slow: Number(t[i + 1]), fast: Number(t[i + 2])}}
}

export function allGolden(): string[] {
  return readdirSync(GOLDEN)
    .filter((d) => /^c\d\d_/.test(d))
    .sort()
}

/** A fresh folder holding the case's input files (never an Fdump.bin). */
export function stage(root: string, name: string, sub: string): string {
  const d = join(root, name, sub)
  mkdirSync(d, {recursive: true})
  for (const f of readdirSync(join(GOLDEN, name))) if (/\.(hkl|mat)$/.test(f) || /^sources.*\.txt$/.test(f)) copyFileSync(join(GOLDEN, name, f), join(d, f))
  return d
}

/** Runs an instrumented build with the guide's trace flags (trace flags first); returns the trace text. */
export function runTraced(
  exe: string,
  cfg: GoldenConfig,
  cwd: string,
  threads?: number,
  extra: string[] = [],
): {status: number | null; trace: string; stdout: string; stderr: string} {
  const r = spawnSync(exe, ['-trace_pixel', String(cfg.pixel.slow), String(cfg.pixel.fast), '-trace_out', 'up.jsonl', ...cfg.args, ...extra], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: {...process.env, ...(threads ? {OMP_NUM_THREADS: String(threads)} : {})},
  })
  let trace = ''
  try {
    trace = readFileSync(join(cwd, 'up.jsonl'), 'utf8')
  } catch {
    /* reported by the caller */
  }
  return {status: r.status, trace, stdout: r.stdout, stderr: r.stderr}
}

/** the trace text without its one timestamp */
export const untimed = (t: string): string => t.replace(/"created":"[^"]*"/, '"created":""')
