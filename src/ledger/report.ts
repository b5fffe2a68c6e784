// Reading a compare report (DIR/report.json written by `nbtrace trace --out DIR`, or the output of
// `nbtrace compare --json`) for the ledger. The report must be one: valid against
// schemas/report.schema.json (a bare {"status":"agree"} is not). It is read bounded (a regular
// file, size checked before reading) and keyed by its content (SHA-256), not by the spelling of
// its path. The files cited next to it are the ones its run listed: the evidence folder's
// manifest (each still there, with the size the run wrote), or, for a bare compare report, the two
// traces it names. The evidence folder of `nbtrace reduce` holds its minimal run's report.json
// next to reduce.json: the report is that one, and the reduction (its minimal command line and
// repro.sh) comes with it.
import {createHash} from 'node:crypto'
import {existsSync, statSync} from 'node:fs'
import {basename, dirname, isAbsolute, join, resolve} from 'node:path'
import {explainAjvError, validatorFor} from '../trace/schema.js'
import {InputError} from '../util/errors.js'
import {MiB, readBounded} from '../util/files.js'
import {MANIFEST, readManifest} from '../util/manifest.js'

export const STATUSES = ['agree', 'diverged', 'mismatch'] as const
export type ReportStatus = (typeof STATUSES)[number]

/** The largest report read. */
export const MAX_REPORT_BYTES = 64 * MiB

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

/** A triage report (DIR/triage.json of `nbtrace triage --out DIR`): every cause with its share. */
export interface TriageSummary {
  verdict: string
  causes: {class: string; variable: string; share: number}[]
  /** share of Σ(Δ²) no traced pixel explains */
  unexplained: number
}

/** A reduction (`nbtrace reduce --out DIR`): its minimal configuration and how to rerun it. */
export interface Reduction {
  /** path of reduce.json */
  path: string
  /** the folder's repro.sh (absolute) */
  script: string
  /** the minimal nanoBragg command line */
  command: string
}

export interface LoadedReport {
  /** path of report.json (or triage.json) */
  path: string
  /** set for a triage report */
  triage?: TriageSummary
  /** set when the report is the minimal run of a reduction */
  reduction: Reduction | null
  status: ReportStatus
  firstDivergence: Divergence | null
  /** absolute paths of the files the report's run wrote or compared (report.json excluded) */
  artifacts: string[]
  /** SHA-256 (hex) of the report file: what makes two attachments the same */
  sha256: string
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

/** The file a reduction writes next to its minimal run's report.json. */
export const REDUCE_RESULT = 'reduce.json'

/**
 * Accepts DIR, DIR/report.json, a triage folder (DIR/triage.json when DIR holds no report.json)
 * or DIR/reduce.json (a reduction: its minimal run's report).
 */
export function resolveReportPath(p: string): string {
  try {
    if (statSync(p).isDirectory())
      return !existsSync(join(p, 'report.json')) && existsSync(join(p, 'triage.json')) ? join(p, 'triage.json') : join(p, 'report.json')
  } catch {
    /* reported by loadReport */
  }
  if (basename(p) === REDUCE_RESULT) return join(dirname(p), 'report.json')
  return p
}

function parseJson(bytes: Buffer, path: string): unknown {
  // a BOM (some editors add one) is not part of the JSON
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  try {
    return JSON.parse(text)
  } catch (e) {
    const msg = (e as Error).message
    const m = /position (\d+)/.exec(msg)
    throw new InputError(`invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`, {
      file: path,
      line: m ? lineOfPosition(text, Number(m[1])) : undefined,
    })
  }
}

/**
 * The reduction whose minimal run wrote this report: reduce.json beside it, listed (with its
 * size and hash) by the folder's manifest, valid against schemas/reduce.schema.json.
 */
function reductionOf(reportPath: string, asked: string): Reduction | null {
  const dir = dirname(resolve(reportPath))
  const path = join(dir, REDUCE_RESULT)
  const m = readManifest(dir)
  const listed = m?.files.find((f) => f.name === REDUCE_RESULT)
  if (!listed) {
    if (basename(asked) === REDUCE_RESULT)
      throw new InputError(`is not listed in the ${MANIFEST} of its folder: not the evidence folder of a reduction`, {file: asked, field: '--report'})
    return null
  }
  const bytes = readBounded(path, {maxBytes: MAX_REPORT_BYTES, what: 'reduce result', field: '--report'})
  if (createHash('sha256').update(bytes).digest('hex') !== listed.sha256) {
    throw new InputError(`does not match the ${MANIFEST} of its folder (changed since the run): the evidence and the result must come from one run`, {
      file: path,
      field: '--report',
    })
  }
  const o = parseJson(bytes, path)
  const validate = validatorFor('reduce.schema.json')
  if (!validate(o)) {
    const e = explainAjvError(validate.errors![0], o)
    throw new InputError(`not an nbtrace reduce result: ${e.message}`, {file: path, field: e.pointer})
  }
  const r = o as {status: string; minimal: {command: string} | null}
  if (r.status !== 'reduced' || !r.minimal)
    throw new InputError(`a reduction with status "${r.status}" has no minimal configuration to record`, {file: path, field: '/status'})
  return {path, script: join(dir, 'repro.sh'), command: r.minimal.command}
}

/** The files to cite: the manifest's (checked), else the traces a bare compare report names. */
function citedFiles(path: string, report: Record<string, unknown>, sha256: string, cite?: (name: string) => boolean): string[] {
  const dir = dirname(resolve(path))
  const self = basename(path)
  const m = readManifest(dir)
  if (m) {
    const own = m.files.find((f) => f.name === self)
    if (!own || own.sha256 !== sha256) {
      throw new InputError(
        `does not match the ${MANIFEST} of its folder (${own ? 'changed since the run' : 'not listed'}): the evidence and the report must come from one run`,
        {file: path, field: '--report'},
      )
    }
    const out: string[] = []
    for (const f of m.files) {
      if (f.name === self || (cite && !cite(f.name))) continue
      const p = join(dir, f.name)
      let size = -1
      try {
        size = statSync(p).size
      } catch {
        /* missing */
      }
      if (size !== f.bytes) {
        throw new InputError(
          `${f.name}, listed in ${MANIFEST}, is ${size < 0 ? 'missing' : 'changed since the run'}: the evidence folder is not the run's any more`,
          {file: join(dirname(path), MANIFEST), field: '--report'},
        )
      }
      out.push(p)
    }
    return out.sort()
  }
  const out: string[] = []
  for (const side of ['ref', 'cand'] as const) {
    const f = (report[side] as {file?: unknown} | undefined)?.file
    if (typeof f !== 'string' || f === '') continue
    const p = isAbsolute(f) ? f : resolve(dir, f)
    if (existsSync(p) && statSync(p).isFile()) out.push(p)
  }
  return [...new Set(out)].sort()
}

export function loadReport(pathArg: string): LoadedReport {
  const path = resolveReportPath(pathArg)
  const bytes = readBounded(path, {maxBytes: MAX_REPORT_BYTES, what: 'report', field: '--report'})
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const data = parseJson(bytes, path)
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`expected a JSON object, found ${describe(data)}`, {file: path})
  }
  const o = data as Record<string, unknown>
  if (!('status' in o)) throw new InputError('missing (expected "agree", "diverged" or "mismatch")', {file: path, field: '/status'})
  if (!STATUSES.includes(o.status as ReportStatus)) {
    throw new InputError(`expected "agree", "diverged" or "mismatch", found ${describe(o.status)}`, {file: path, field: '/status'})
  }
  if (o.schema === 'nbtrace-triage') return loadTriage(path, o, sha256)
  const validate = validatorFor('report.schema.json')
  if (!validate(o)) {
    const e = explainAjvError(validate.errors![0], o)
    throw new InputError(`not an nbtrace compare report: ${e.message}`, {file: path, field: e.pointer})
  }
  let firstDivergence: Divergence | null = null
  const fd = o.firstDivergence as Record<string, unknown> | null | undefined
  if (fd !== undefined && fd !== null) {
    firstDivergence = {
      name: fd.name as string,
      loop: (fd.loop as Record<string, unknown> | null | undefined) ?? null,
      class: (fd.class as string | null | undefined) ?? undefined,
      ref: fd.ref,
      cand: fd.cand,
      absDiff: fd.absDiff,
      relDiff: fd.relDiff,
      ulps: fd.ulps,
    }
  }
  const artifacts = citedFiles(path, o, sha256)
  return {path, reduction: reductionOf(path, pathArg), status: o.status as ReportStatus, firstDivergence, artifacts, sha256}
}

/**
 * A triage report: valid against schemas/triage.schema.json, not a failed run (it has no verdict
 * on the images). It cites the cause map and the evidence folders of the causes' representative
 * pixels (every file checked against the manifest, as for a trace folder).
 */
function loadTriage(path: string, o: Record<string, unknown>, sha256: string): LoadedReport {
  const validate = validatorFor('triage.schema.json')
  if (!validate(o)) {
    const e = explainAjvError(validate.errors![0], o)
    throw new InputError(`not an nbtrace triage report: ${e.message}`, {file: path, field: e.pointer})
  }
  const t = o as {
    status: string
    verdict: string
    causes: {class: string; variable: string; share: number; representative: {evidence: string}}[]
    unexplained: {share: number}
  }
  if (t.status === 'failed') throw new InputError(`a failed triage has no verdict to record: ${t.verdict}`, {file: path, field: '/status'})
  const folders = t.causes.map((c) => c.representative.evidence.replace(/\/?$/, '/'))
  const cite = (name: string): boolean => name === 'causes.png' || folders.some((f) => name.startsWith(f))
  const artifacts = citedFiles(path, o, sha256, cite)
  // a folder is cited once, not file by file
  const dir = dirname(resolve(path))
  const cited = [
    ...new Set(
      artifacts.map((a) => {
        const f = folders.find((x) => a.startsWith(join(dir, x)))
        return f ? join(dir, f) + '/' : a
      }),
    ),
  ].sort()
  return {
    path,
    reduction: null,
    status: t.status === 'agree' ? 'agree' : 'diverged',
    firstDivergence: null,
    artifacts: cited,
    sha256,
    triage: {verdict: t.verdict, causes: t.causes.map((c) => ({class: c.class, variable: c.variable, share: c.share})), unexplained: t.unexplained.share},
  }
}
