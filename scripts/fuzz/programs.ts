// Runs one configuration through the three programs, each in its own fresh folder with the
// configuration's input files: upstream nanoBragg (bl831, built once, serial, strict IEEE
// flags), the C engine (the binary `nbtrace simulate --engine c` runs) and the TypeScript engine
// (in-process, through the argument checks and simulate() the command uses). Collects every
// file each one wrote.
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {checkNanoBraggArgs} from '../../src/sim/args-check.js'
import {simulate} from '../../src/sim/run.js'
import {buildUpstream, upstreamMissing} from '../../test/helpers/upstream.js'
import {ROOT} from '../../test/helpers/fixtures.js'
import {argsOf, type FuzzConfig} from './space.js'

export type Program = 'upstream' | 'c' | 'ts'

export interface RunOutcome {
  program: Program
  /** 0 ran; otherwise the exit code (2: refused), or a signal name */
  status: number | string
  /** the last line of the error output, when it did not run */
  why: string
  /** file name → bytes, for every file it wrote */
  outputs: Map<string, Buffer>
  ms: number
}

export const C_BINARY = process.env.NBTRACE_C_BINARY || join(ROOT, 'instrumented-c', 'build', 'nanobragg-nbtrace')

let upstreamExe: string | null = null
/** The upstream program, built once (null with the reason when it cannot be). */
export function upstream(): {exe: string | null; why: string | null} {
  if (upstreamExe) return {exe: upstreamExe, why: null}
  const why = upstreamMissing('bl831')
  if (why) return {exe: null, why}
  upstreamExe = buildUpstream('bl831')
  return {exe: upstreamExe, why: null}
}

function stage(c: FuzzConfig, root: string, p: Program): string {
  const dir = join(root, p)
  mkdirSync(dir, {recursive: true})
  for (const [name, body] of Object.entries(c.files)) writeFileSync(join(dir, name), body)
  return dir
}

function collect(dir: string, inputs: Set<string>): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  for (const f of readdirSync(dir).sort()) if (!inputs.has(f)) out.set(f, readFileSync(join(dir, f)))
  return out
}

function spawnRun(exe: string, args: string[], cwd: string, timeoutMs: number): Promise<{status: number | string; why: string}> {
  return new Promise((resolve) => {
    const child = spawn(exe, args, {cwd, stdio: ['ignore', 'ignore', 'pipe']})
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 65536) err += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const lines = err
        .trim()
        .split('\n')
        .filter((l) => l.trim() && !/WARNING/.test(l))
      resolve({status: code ?? signal ?? 'killed', why: lines.length ? lines[lines.length - 1] : ''})
    })
  })
}

async function runTs(args: string[], cwd: string, threads = 1): Promise<{status: number; why: string}> {
  try {
    checkNanoBraggArgs(args, cwd)
    await simulate({args, cwd, threads})
    return {status: 0, why: ''}
  } catch (e) {
    const err = e as Error & {exitCode?: number}
    const refused = err.name === 'InputError' || err.constructor?.name === 'InputError'
    return {status: refused ? 2 : 70, why: err.message.split('\n')[0]}
  }
}

/** Runs the configuration through the programs asked for (upstream and C in parallel with TS). */
export async function runAll(c: FuzzConfig, programs: Program[], timeoutMs = 60000): Promise<Map<Program, RunOutcome>> {
  const root = mkdtempSync(join(tmpdir(), `nbtrace-fuzz-${c.id}-`))
  const args = argsOf(c)
  const inputs = new Set(Object.keys(c.files))
  const res = new Map<Program, RunOutcome>()
  try {
    const jobs = programs.map(async (p) => {
      const dir = stage(c, root, p)
      const t0 = Date.now()
      let r: {status: number | string; why: string}
      if (p === 'upstream') {
        const u = upstream()
        if (!u.exe) throw new Error(u.why ?? 'no upstream')
        r = await spawnRun(u.exe, args, dir, timeoutMs)
      } else if (p === 'c') r = await spawnRun(C_BINARY, args, dir, timeoutMs)
      else r = await runTs(args, dir, c.threads)
      res.set(p, {program: p, status: r.status, why: r.why, outputs: collect(dir, inputs), ms: Date.now() - t0})
    })
    await Promise.all(jobs)
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
  return res
}

export function cBinaryMissing(): string | null {
  return existsSync(C_BINARY) ? null : `C engine not built (${C_BINARY}): run npm run build:c`
}
