// Shared by the #14 hardening tests: temp folders, a good contract trace made by the product
// (simulate --trace-pixel), a CLI started in its own process group (for terminal-style signals),
// and checks for leftovers and for processes still running.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CLI, ROOT, runCli, TSX_LOADER} from '../helpers/cli.js'

export {CLI, ROOT, runCli}
/** tsx's loader, for the tests' own TypeScript workers */
export const TSX = TSX_LOADER
export const ARGS = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -N 2 -detpixels 64'.split(' ')
export const PIXEL = '33,33'
/** what a run must never leave behind */
export const LEFTOVER = /\.nbtrace-(tmp|stage|old)-|\.part$|\.nbtrace-lock$/
export const cBuilt = existsSync(process.env.NBTRACE_C_BINARY || join(ROOT, 'instrumented-c', 'build', 'nanobragg-nbtrace'))

export class Dirs {
  private readonly all: string[] = []
  make(prefix = 'nbtrace-hard-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix))
    this.all.push(d)
    return d
  }
  clean(): void {
    for (const d of this.all) rmSync(d, {recursive: true, force: true})
  }
}

export function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(dir, prefix), {withFileTypes: true})) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    out.push(rel)
    if (e.isDirectory()) out.push(...listAll(dir, rel))
  }
  return out.sort()
}

export function leftovers(dir: string): string[] {
  return listAll(dir).filter((f) => LEFTOVER.test(f))
}

/** Is a process whose command line holds marker still running? */
export function running(marker: string): boolean {
  try {
    return execFileSync('ps', ['-eo', 'args'], {encoding: 'utf8'})
      .split('\n')
      .some((l) => l.includes(marker) && !l.includes('ps -eo'))
  } catch {
    return false
  }
}

/**
 * A `sleep` command line no other run on the machine uses (other test runs share it): its
 * seconds carry this process's id as a fraction.
 */
export function sleepMarker(seconds: number): string {
  return `sleep ${seconds}.${String(process.pid).padStart(6, '0')}`
}

/** Is a process with exactly this command line running (e.g. "sleep 47", not a shell mentioning it)? */
export function runningExactly(cmdline: string): boolean {
  try {
    return execFileSync('ps', ['-eo', 'args'], {encoding: 'utf8'})
      .split('\n')
      .some((l) => l.trim() === cmdline)
  } catch {
    return false
  }
}

export async function until(test: () => boolean, ms = 20000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (test()) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return test()
}

/** A good trace of ARGS at PIXEL, written by the product (TS engine). */
export async function goodTrace(path: string): Promise<string> {
  const r = await runCli(['simulate', '--engine', 'ts', '--trace-pixel', PIXEL, '--trace-out', path, '--', ...ARGS])
  if (r.code !== 0) throw new Error(r.stderr)
  return path
}

/**
 * The usual set-up of a hardening suite (call inside describe): temp folders removed afterwards,
 * and a good trace made once by the product; good() is its path.
 */
export function suiteSetup(): {dirs: Dirs; good: () => string} {
  const dirs = new Dirs()
  let good = ''
  before(async () => {
    good = await goodTrace(join(dirs.make(), 'good.jsonl'))
  })
  after(() => dirs.clean())
  return {dirs, good: () => good}
}

export interface Started {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  done: Promise<{code: number | null; signal: NodeJS.Signals | null}>
}

/** Starts the CLI as the leader of its own process group (as a shell's foreground job is). */
export function startCli(args: string[], cwd: string): Started {
  const child = spawn(CLI[0], [...CLI.slice(1), ...args], {cwd, env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000)
  const done = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolve({code, signal})
    }),
  )
  return {child, stdout: () => out, stderr: () => err, done}
}

/** A terminal's Ctrl-C (or hang-up): the signal goes to the whole foreground process group. */
export function signalGroup(s: Started, sig: NodeJS.Signals): void {
  try {
    process.kill(-s.child.pid!, sig)
  } catch {
    /* already gone */
  }
}

/** Exit status or signal of a run ended by sig (128 + n, or the signal itself). */
export function endedBy(r: {code: number | null; signal: NodeJS.Signals | null}, sig: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): boolean {
  const code = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143}[sig]
  return r.signal === sig || r.code === code
}

/** The error lines of an exit-2 run (progress and status lines left out): one is expected. */
export function oneLine(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('nbtrace:') && !l.startsWith('nbtrace: warning:'))
    .join('\n')
}
