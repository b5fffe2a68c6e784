// One side of a parallel trace: a built-in engine (C reference or TypeScript) or an external
// program given as a command template. Each side writes one trace file; failures carry the
// side's stderr tail so the user sees why that side did not produce a trace.
// An external program runs in a temporary folder of its own (removed afterwards), so the images
// a nanoBragg writes by default (floatimage.bin, intimage.img, ...) never land in the user's
// folder; {cwd} names the user's folder for a program that needs it, and the input files among
// the nanoBragg arguments (-hkl, -mat, ...) are handed over as absolute paths.
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {absoluteInputs} from '../engines/files.js'
import {loadFaults} from '../sim/quirks.js'
import type {EngineName} from '../engines/load.js'
import {runChild, tailLines} from '../util/child.js'
import {onCleanup} from '../util/cleanup.js'
import {InputError} from '../util/errors.js'
import type {PixelIndex} from '../util/parse.js'
import {fillTemplate, usesPlaceholder} from './template.js'

export type Role = 'ref' | 'cand'

export interface SideSpec {
  role: Role
  /** built-in engine name, or 'cmd' for an external command template */
  engine: EngineName | 'cmd'
  template?: string
  fixes: string[]
  faults: string[]
}

export const roleName = (r: Role): string => (r === 'ref' ? 'reference' : 'candidate')

export class SideFailure extends Error {
  constructor(
    readonly role: Role,
    readonly what: string,
    readonly stderrTail: string,
  ) {
    super(`${roleName(role)} side failed: ${what}`)
  }
}

export interface TemplateRun {
  args: string[]
  pixel: PixelIndex
  /** where the trace must end up (the program's {out}, or its stdout) */
  out: string
  /** the user's folder: {cwd}, and what relative input paths are relative to */
  cwd: string
  /** 0: no limit */
  timeoutMs: number
  /** cap on a trace written to stdout */
  maxStdoutBytes: number
}

/** Runs an external command template writing a trace (to {out}, or on stdout when the template has no {out}). */
export async function runTemplate(spec: SideSpec, v: TemplateRun): Promise<void> {
  const field = `--${spec.role}-cmd`
  const template = spec.template!
  const cmd = fillTemplate(template, {args: absoluteInputs(v.args, v.cwd), slow: v.pixel.slow, fast: v.pixel.fast, out: v.out, cwd: v.cwd}, field)
  const toStdout = !usesPlaceholder(template, 'out', field)
  const shown = `${field} ${JSON.stringify(template)}`
  const work = mkdtempSync(join(tmpdir(), `nbtrace-${spec.role}-`))
  const dispose = onCleanup(() => rmSync(work, {recursive: true, force: true}))
  try {
    const r = await runChild('/bin/sh', ['-c', cmd], {
      cwd: work,
      timeoutMs: v.timeoutMs,
      stdout: toStdout ? {file: v.out, maxBytes: v.maxStdoutBytes} : {ignore: true},
    })
    const tail = tailLines(r.stderr)
    if (r.stdoutCapped) {
      throw new InputError(
        `the ${roleName(spec.role)} program wrote more than ${v.maxStdoutBytes} bytes to stdout (limit: --max-trace-mb); it was stopped and nothing was kept`,
        {field},
      )
    }
    if (r.startError) throw new SideFailure(spec.role, `cannot start: ${r.startError}`, '')
    if (r.timedOut) throw new SideFailure(spec.role, `timed out after ${v.timeoutMs / 1000} s (--timeout): ${shown}`, tail)
    if (r.code !== 0) throw new SideFailure(spec.role, `exited with ${r.code}: ${shown}`, tail)
    if (!existsSync(v.out) || statSync(v.out).size === 0) throw new SideFailure(spec.role, `wrote no trace: ${shown}`, tail)
  } finally {
    dispose()
    rmSync(work, {recursive: true, force: true})
  }
}

export function parseSide(
  role: Role,
  engine: string | undefined,
  template: string | undefined,
  fixes: string | undefined,
  faults: string | undefined,
  dflt: EngineName,
): SideSpec {
  const split = (s: string | undefined) =>
    s
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : []
  if (template && engine) throw new InputError(`give either --${role}-cmd or --${role}-engine, not both`, {field: `--${role}-cmd`})
  if (template && (fixes || faults))
    throw new InputError(`--${role}-fix/--${role}-inject apply to built-in engines, not to --${role}-cmd`, {field: `--${role}-cmd`})
  if (engine && engine !== 'c' && engine !== 'ts') throw new InputError(`expected c or ts, found ${engine}`, {field: `--${role}-engine`})
  if (template !== undefined && template.trim() === '') throw new InputError('empty command template', {field: `--${role}-cmd`})
  // a template that cannot be filled is refused before anything runs
  if (template) fillTemplate(template, {args: [], slow: 0, fast: 0, out: '', cwd: ''}, `--${role}-cmd`)
  const spec: SideSpec = {role, engine: template ? 'cmd' : ((engine as EngineName | undefined) ?? dflt), template, fixes: split(fixes), faults: split(faults)}
  checkSwitches(spec)
  return spec
}

/** Fixes and faults exist and apply to this side's engine: refused before any work, naming trace's own flags. */
function checkSwitches(spec: SideSpec): void {
  const {fixes, faults} = loadFaults()
  for (const [ids, known, flag, what] of [
    [spec.fixes, fixes, `--${spec.role}-fix`, 'fix'],
    [spec.faults, faults, `--${spec.role}-inject`, 'fault'],
  ] as const) {
    if (!ids.length) continue
    const unknown = ids.filter((id) => !known.some((k) => k.id === id))
    if (unknown.length)
      throw new InputError(`unknown ${what} ${unknown.map((u) => `'${u}'`).join(', ')} (see nbtrace simulate --list-${what === 'fix' ? 'fixes' : 'faults'})`, {
        field: flag,
      })
    if (spec.engine === 'c') {
      // the C engine reproduces the quirks (no fix switches) and has only the faults faults.json
      // lists for it (the partial-image faults triage is tested with)
      const inC = new Set(faults.filter((f) => f.engines?.includes('c')).map((f) => f.id))
      const missing = what === 'fix' ? ids : ids.filter((id) => !inC.has(id))
      if (missing.length) {
        const has = what === 'fix' ? 'it has no quirk fixes' : `its only planted faults are ${[...inC].join(', ')}`
        throw new InputError(`the C engine is the faithful reference: ${has}; ${missing.join(',')} needs --${spec.role}-engine ts`, {field: flag})
      }
    }
  }
}
