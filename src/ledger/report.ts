// Reading a compare report (DIR/report.json written by `nbtrace trace --out DIR` / compare) for the
// ledger. Tolerant by design: the report format belongs to compare (schemas/report.schema.json);
// only `status` is required here, and the first divergence is taken field by field when present.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {InputError} from '../util/errors.js'

export const STATUSES = ['agree', 'diverged', 'mismatch'] as const
export type ReportStatus = (typeof STATUSES)[number]

export interface Divergence {
  name: string
  loop: Record<string, unknown> | null
  class?: string
  ref?: unknown
  cand?: unknown
  absDiff?: unknown
  relDiff?: unknown
  ulps?: unknown
}

export interface LoadedReport {
  /** path of report.json */
  path: string
  status: ReportStatus
  firstDivergence: Divergence | null
  /** files next to report.json (sorted, hidden and temporary files left out), report.json excluded */
  artifacts: string[]
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing'
  if (x === null) return 'null'
  if (Array.isArray(x)) return `an array of ${x.length}`
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`
  return `${typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`}`
}

function lineOfPosition(text: string, pos: number): number {
  let line = 1
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** Accepts DIR or DIR/report.json. */
export function resolveReportPath(p: string): string {
  try {
    if (statSync(p).isDirectory()) return join(p, 'report.json')
  } catch {
    /* reported by loadReport */
  }
  return p
}

export function loadReport(pathArg: string): LoadedReport {
  const path = resolveReportPath(pathArg)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message
    throw new InputError(`cannot read report: ${why}`, {file: path, field: '--report'})
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    const msg = (e as Error).message
    const m = /position (\d+)/.exec(msg)
    throw new InputError(`invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`, {
      file: path,
      line: m ? lineOfPosition(text, Number(m[1])) : undefined,
    })
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`expected a JSON object, found ${describe(data)}`, {file: path})
  }
  const o = data as Record<string, unknown>
  if (!('status' in o)) throw new InputError('missing (expected "agree", "diverged" or "mismatch")', {file: path, field: '/status'})
  if (!STATUSES.includes(o.status as ReportStatus)) {
    throw new InputError(`expected "agree", "diverged" or "mismatch", found ${describe(o.status)}`, {file: path, field: '/status'})
  }
  let firstDivergence: Divergence | null = null
  const fd = o.firstDivergence
  if (fd !== undefined && fd !== null) {
    if (typeof fd !== 'object' || Array.isArray(fd)) throw new InputError(`expected an object or null, found ${describe(fd)}`, {file: path, field: '/firstDivergence'})
    const f = fd as Record<string, unknown>
    if (typeof f.name !== 'string' || f.name === '') throw new InputError(`expected a variable name, found ${describe(f.name)}`, {file: path, field: '/firstDivergence/name'})
    const loop = f.loop
    if (loop !== undefined && loop !== null && (typeof loop !== 'object' || Array.isArray(loop))) {
      throw new InputError(`expected loop coordinates {thick, subS, ...} or null, found ${describe(loop)}`, {file: path, field: '/firstDivergence/loop'})
    }
    if (f.class !== undefined && f.class !== null && typeof f.class !== 'string') {
      throw new InputError(`expected a string, found ${describe(f.class)}`, {file: path, field: '/firstDivergence/class'})
    }
    firstDivergence = {
      name: f.name,
      loop: (loop as Record<string, unknown> | null | undefined) ?? null,
      class: (f.class as string | null | undefined) ?? undefined,
      ref: f.ref,
      cand: f.cand,
      absDiff: f.absDiff,
      relDiff: f.relDiff,
      ulps: f.ulps,
    }
  }
  const dir = dirname(path)
  const self = basename(path)
  let artifacts: string[] = []
  try {
    artifacts = readdirSync(dir, {withFileTypes: true})
      .filter((d) => d.name !== self && !d.name.startsWith('.'))
      .map((d) => (d.isDirectory() ? d.name + '/' : d.name))
      .sort()
  } catch {
    artifacts = []
  }
  return {path, status: o.status as ReportStatus, firstDivergence, artifacts}
}
