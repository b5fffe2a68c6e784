// Producing the two sides of a case the way a user would: engines through
// `nbtrace simulate --trace-pixel`, the upstream programs built from their real source (with a
// case's edits applied) and run with their own trace flags, fixture files as they are, inline
// logs written to the run folder. Builds and engine traces are made once per run and shared
// by every case that needs the same one.
import {spawn, spawnSync} from 'node:child_process'
import {copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {runCli} from '../../helpers/cli.js'
import {FIXTURES, ROOT} from '../../helpers/fixtures.js'
import {buildC, upstreamMissing, upstreamSource} from '../../helpers/upstream.js'
import {fillTemplate, shellQuote} from '../../../src/workflow/template.js'
import {type Case, type EngineSide, isEngine, isFile, isLog, isProgram, type ProgramSide, type Side} from './cases.js'

/** Thrown when a case cannot run here (no upstream sources, no C engine, ...): the case is skipped with this reason. */
export class Skip extends Error {}

/** Input files nanoBragg reads from its working folder. */
const INPUT_FILE = /(\.hkl|\.mat|^sources.*\.txt)$/

/** Copies a case's input files (test/fixtures/<inputs>) into dir. */
export function copyInputs(c: Pick<Case, 'inputs'>, dir: string): void {
  mkdirSync(dir, {recursive: true})
  if (!c.inputs) return
  const from = join(FIXTURES, c.inputs)
  for (const f of readdirSync(from)) if (INPUT_FILE.test(f)) copyFileSync(join(from, f), join(dir, f))
}

function pixelOf(c: Case): {slow: number; fast: number} {
  if (!c.pixel) throw new Error(`${c.id}: this side needs "pixel"`)
  return {slow: c.pixel[0], fast: c.pixel[1]}
}

/** The scripts/upstream/instrument.ts contract (emitter's module; see README). */
interface Instrumenter {
  instrument(source: string): string
  /** command template with {exe} {args} {slow} {fast} {out} */
  template: string
}

const INSTRUMENT = join(ROOT, 'scripts', 'upstream', 'instrument.ts')

export {shellQuote}

/** A program's command for one pixel: the template as `nbtrace trace` fills it ({args} {slow} {fast} {out} {cwd}). */
export function programCommand(template: string, args: string[], pixel: [number, number], out: string, cwd: string): string {
  return fillTemplate(template, {args, slow: pixel[0], fast: pixel[1], out, cwd}, '--cand-cmd')
}

function applyEdits(source: string, edits: ProgramSide['edits'], what: string): string {
  let s = source
  for (const e of edits ?? []) {
    const n = s.split(e.find).length - 1
    if (n !== 1) throw new Error(`${what}: edit "find" occurs ${n} times (must be exactly once): ${JSON.stringify(e.find)}`)
    s = s.replace(e.find, () => e.replace)
  }
  return s
}

interface Built {
  exe: string
  /** command template for nbtrace trace --ref-cmd/--cand-cmd ({args} {slow} {fast} [{out}]) */
  template: string
  env: Record<string, string>
}

let openmpReason: string | null | undefined
/** Why gcc cannot build OpenMP programs here, or null. */
function openmpMissing(): string | null {
  if (openmpReason !== undefined) return openmpReason
  const dir = mkdtempSync(join(tmpdir(), 'nbtrace-omp-'))
  try {
    writeFileSync(join(dir, 't.c'), '#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n')
    const r = spawnSync('gcc', ['-fopenmp', '-o', join(dir, 't'), join(dir, 't.c')], {encoding: 'utf8'})
    openmpReason = r.status === 0 ? null : 'gcc cannot build with -fopenmp here: OpenMP cases skipped'
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  return openmpReason
}

export class Workspace {
  readonly root = mkdtempSync(join(tmpdir(), 'nbtrace-truth-'))
  private engineTraces = new Map<string, Promise<string>>()
  private builds = new Map<string, Promise<Built>>()
  private instrumenter: Promise<Instrumenter> | undefined
  private cReason: Promise<string | null> | undefined
  private n = 0

  /** A fresh folder for one case (or one side of it), with the case's input files. */
  folder(c: Pick<Case, 'inputs'>, label: string): string {
    const dir = join(this.root, `${String(++this.n).padStart(3, '0')}-${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}`)
    copyInputs(c, dir)
    return dir
  }

  cleanup(): void {
    if (!process.env.CORPUS_KEEP) rmSync(this.root, {recursive: true, force: true})
  }

  /** Why this side cannot be produced here, or null. */
  async unavailable(s: Side): Promise<string | null> {
    if (isEngine(s) && s.engine === 'c') {
      this.cReason ??= import('../../../src/engines/c.js').then((m) => m.cEngine.unavailableReason())
      return this.cReason
    }
    if (isProgram(s)) {
      const why = upstreamMissing(s.program === 'hoidn' ? 'hoidn' : 'bl831')
      if (why) return why
      if (s.openmp && openmpMissing()) return openmpMissing()
      if (s.program === 'upstream' && !existsSync(INSTRUMENT))
        return "scripts/upstream/instrument.ts (emitter's instrumentation of upstream nanoBragg) is not on this branch: upstream cases skipped"
    }
    return null
  }

  /** The trace file of one side, for `nbtrace compare`. */
  async produce(c: Case, role: 'ref' | 'cand'): Promise<string> {
    const s = c[role]
    if (isFile(s)) return join(FIXTURES, s.file)
    if (isLog(s)) {
      const dir = this.folder({}, `${c.id}-${role}-log`)
      const p = join(dir, s.name)
      writeFileSync(p, s.log)
      return p
    }
    if (isEngine(s)) return this.engineTrace(c, s)
    return this.programTrace(c, s as ProgramSide, role)
  }

  /** `nbtrace simulate --trace-pixel` once per (engine, faults, fixes, inputs, args, pixel). */
  engineTrace(c: Case, s: EngineSide): Promise<string> {
    const pixel = pixelOf(c)
    const key = JSON.stringify([s.engine, s.inject ?? [], s.fix ?? [], c.inputs ?? null, c.args ?? [], pixel])
    let p = this.engineTraces.get(key)
    if (!p) {
      p = (async () => {
        const dir = this.folder(c, `engine-${s.engine}`)
        const out = join(dir, `${s.engine}.jsonl`)
        const flags = ['simulate', '--engine', s.engine, '--trace-pixel', `${pixel.slow},${pixel.fast}`, '--trace-out', out]
        if (s.inject?.length) flags.push('--inject', s.inject.join(','))
        if (s.fix?.length) flags.push('--fix', s.fix.join(','))
        const r = await runCli([...flags, '--', ...(c.args ?? [])], {cwd: dir, timeoutMs: 300_000})
        if (r.code !== 0) throw new Error(`nbtrace ${flags.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`)
        return out
      })()
      this.engineTraces.set(key, p)
    }
    return p
  }

  /** Builds a program (once per distinct source), giving its executable and its trace command template. */
  build(s: ProgramSide): Promise<Built> {
    const key = JSON.stringify([s.program, s.edits ?? [], s.openmp ?? 0])
    let p = this.builds.get(key)
    if (!p) {
      p = (async (): Promise<Built> => {
        const env: Record<string, string> = s.openmp ? {OMP_NUM_THREADS: String(s.openmp)} : {}
        const flags = s.openmp ? ['-fopenmp'] : []
        if (s.program === 'hoidn') {
          const src = applyEdits(readFileSync(upstreamSource('hoidn'), 'utf8'), s.edits, 'hoidn/nanoBragg.c')
          const exe = buildC(src, {name: 'nanoBragg-hoidn', flags})
          // its own trace flag; TRACE_C lines go to stdout (no {out}: nbtrace trace reads stdout)
          return {exe, template: `${shellQuote(exe)} {args} -trace_pixel {slow} {fast}`, env}
        }
        const ins = await this.instrument()
        const src = ins.instrument(applyEdits(readFileSync(upstreamSource('bl831'), 'utf8'), s.edits, 'bl831/nanoBragg.c'))
        const exe = buildC(src, {name: 'nanoBragg-upstream', flags, include: [join(ROOT, 'instrumented-c', 'include')]})
        return {exe, template: ins.template.replaceAll('{exe}', shellQuote(exe)), env}
      })()
      this.builds.set(key, p)
    }
    return p
  }

  private instrument(): Promise<Instrumenter> {
    this.instrumenter ??= import(pathToFileURL(INSTRUMENT).href).then((m: Record<string, unknown>) => {
      const instrument = (m.instrument ?? m.instrumentUpstream) as Instrumenter['instrument'] | undefined
      const template = (m.TRACE_TEMPLATE ?? m.traceTemplate) as string | undefined
      if (typeof instrument !== 'function' || typeof template !== 'string') {
        throw new Error(
          'scripts/upstream/instrument.ts must export instrument(source): string and TRACE_TEMPLATE (a command template with {exe} {args} {slow} {fast} [{out}]); see test/truth/README.md',
        )
      }
      return {instrument, template}
    })
    return this.instrumenter
  }

  /** Runs a program directly with its trace flags (as a user would before `nbtrace compare`). */
  async programTrace(c: Case, s: ProgramSide, role: 'ref' | 'cand'): Promise<string> {
    const b = await this.build(s)
    const pixel = pixelOf(c)
    const dir = this.folder(c, `${c.id}-${role}-${s.program}`)
    const out = join(dir, `${role}.trace`)
    const cmd = programCommand(b.template, c.args ?? [], [pixel.slow, pixel.fast], out, dir)
    await runShell(cmd, dir, b.env, b.template.includes('{out}') ? null : out)
    return out
  }

  /** The flags that make `nbtrace trace` run this side itself. */
  async traceFlags(s: Side, role: 'ref' | 'cand'): Promise<string[]> {
    if (isEngine(s)) {
      const f = [`--${role}-engine`, s.engine]
      if (s.inject?.length) f.push(`--${role}-inject`, s.inject.join(','))
      if (s.fix?.length) f.push(`--${role}-fix`, s.fix.join(','))
      return f
    }
    if (isProgram(s)) {
      const b = await this.build(s)
      if (Object.keys(b.env).length) {
        const prefix = Object.entries(b.env)
          .map(([k, v]) => `${k}=${shellQuote(v)}`)
          .join(' ')
        return [`--${role}-cmd`, `${prefix} ${b.template}`]
      }
      return [`--${role}-cmd`, b.template]
    }
    throw new Error('via "trace" runs engines and programs only (the schema forbids files and logs there)')
  }
}

/** Runs a shell command in dir; with stdoutTo, its stdout becomes that file. Rejects on a non-zero exit. */
export function runShell(cmd: string, cwd: string, env: Record<string, string>, stdoutTo: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', cmd], {cwd, env: {...process.env, ...env}, stdio: ['ignore', stdoutTo ? 'pipe' : 'ignore', 'pipe']})
    let stderr = ''
    child.stderr!.on('data', (d) => {
      stderr = (stderr + d).slice(-8000)
    })
    const written = stdoutTo
      ? new Promise<void>((res, rej) => {
          const ws = createWriteStream(stdoutTo)
          ws.on('finish', () => res())
          ws.on('error', rej)
          child.stdout!.pipe(ws)
        })
      : Promise.resolve()
    child.on('error', reject)
    child.on('close', async (code, signal) => {
      await written.catch(() => {})
      if (code === 0) resolve()
      else reject(new Error(`${cmd} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`))
    })
  })
}
