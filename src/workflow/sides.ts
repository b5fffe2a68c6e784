// One side of a parallel trace: a built-in engine (C reference or TypeScript) or an external
// program given as a command template. Each side writes one trace file; failures carry the
// side's stderr tail so the user sees why that side did not produce a trace.
import {spawn} from 'node:child_process'
import {createWriteStream, existsSync, statSync} from 'node:fs'
import type {Engine} from '../engines/engine.js'
import type {Pixel} from '../trace/records.js'
import {InputError} from '../util/errors.js'

export type Role = 'ref' | 'cand'

export interface SideSpec {
  role: Role
  /** built-in engine name, or 'cmd' for an external command template */
  engine: 'c' | 'ts' | 'cmd'
  template?: string
  fixes: string[]
  faults: string[]
}

export class SideFailure extends Error {
  constructor(readonly role: Role, readonly what: string, readonly stderrTail: string) {
    super(`${role === 'ref' ? 'reference' : 'candidate'} side failed: ${what}`)
  }
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** Fills a command template: {args} (shell-quoted nanoBragg arguments), {slow}, {fast}, {out}, {cwd}. */
export function fillTemplate(template: string, v: {args: string[]; pixel: Pixel; out: string; cwd: string}): string {
  return template
    .replaceAll('{args}', v.args.map(shellQuote).join(' '))
    .replaceAll('{slow}', String(v.pixel.slow))
    .replaceAll('{fast}', String(v.pixel.fast))
    .replaceAll('{out}', shellQuote(v.out))
    .replaceAll('{cwd}', shellQuote(v.cwd))
}

export async function loadEngine(name: 'c' | 'ts'): Promise<Engine> {
  if (name === 'c') return (await import('../engines/c.js')).cEngine
  return (await import('../engines/ts.js')).tsEngine
}

function tail(s: string, lines = 15): string {
  return s.trimEnd().split('\n').slice(-lines).join('\n')
}

/** Runs an external command template writing a trace (to {out}, or on stdout when the template has no {out}). */
export function runTemplate(spec: SideSpec, v: {args: string[]; pixel: Pixel; out: string; cwd: string}, timeoutMs: number): Promise<void> {
  const cmd = fillTemplate(spec.template!, v)
  const toStdout = !spec.template!.includes('{out}')
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', cmd], {cwd: v.cwd, stdio: ['ignore', toStdout ? 'pipe' : 'ignore', 'pipe'], detached: true})
    let stderr = ''
    let timedOut = false
    child.stderr!.on('data', (d) => {
      stderr += d
      if (stderr.length > 65536) stderr = stderr.slice(-32768)
    })
    // the trace on stdout is complete only when the file stream has flushed, not at process exit
    const written: Promise<void> = toStdout
      ? new Promise((res) => {
          const ws = createWriteStream(v.out)
          ws.on('finish', () => res())
          ws.on('error', () => res())
          child.stdout!.pipe(ws)
        })
      : Promise.resolve()
    // an interrupted nbtrace (SIGINT/SIGTERM end through 'exit', see hookCleanup) takes its side
    // with it: the detached process group would otherwise run on and write after we are gone
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
    process.once('exit', killGroup)
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      process.removeListener('exit', killGroup)
      reject(new SideFailure(spec.role, `cannot start: ${e.message}`, ''))
    })
    child.on('close', async (code, signal) => {
      clearTimeout(timer)
      process.removeListener('exit', killGroup)
      await written
      if (timedOut) reject(new SideFailure(spec.role, `timed out after ${timeoutMs / 1000} s (--timeout): ${cmd}`, tail(stderr)))
      else if (code !== 0) reject(new SideFailure(spec.role, `exited with ${code ?? signal}: ${cmd}`, tail(stderr)))
      else if (!existsSync(v.out) || statSync(v.out).size === 0) reject(new SideFailure(spec.role, `wrote no trace: ${cmd}`, tail(stderr)))
      else resolve()
    })
  })
}

export function parseSide(role: Role, engine: string | undefined, template: string | undefined, fixes: string | undefined, faults: string | undefined, dflt: 'c' | 'ts'): SideSpec {
  const split = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : [])
  if (template && engine) throw new InputError(`give either --${role}-cmd or --${role}-engine, not both`, {field: `--${role}-cmd`})
  if (template && (fixes || faults)) throw new InputError(`--${role}-fix/--${role}-inject apply to built-in engines, not to --${role}-cmd`, {field: `--${role}-cmd`})
  if (engine && engine !== 'c' && engine !== 'ts') throw new InputError(`expected c or ts, found ${engine}`, {field: `--${role}-engine`})
  return {role, engine: template ? 'cmd' : ((engine as 'c' | 'ts' | undefined) ?? dflt), template, fixes: split(fixes), faults: split(faults)}
}
