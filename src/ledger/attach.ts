// `nbtrace ledger attach`: records a compare report as the next attempt of one ledger entry.
//
// Edits, and nothing else:
//  * a new line `  * [DATE] Attempt #N — Result: VERDICT — ...` under `- Attempts History:`, after
//    the last attempt line and its nested content (N = largest attempt number the entry mentions + 1);
//    the field is created when missing (before `- Next Actions:`, else after the last field);
//  * `- First Divergence: ...` replaced in place (one line) or inserted before `- Attempts History:`.
// New lines take the line ending of the line before them (the file's dominant one otherwise); every
// other byte stays; a leading BOM is kept. Attaching the same report again (the same content,
// whatever path or link it is reached by) is a no-op. Every string from the report or a path is
// escaped into one inline item (./inline.ts).
// Concurrent attaches never lose an update: the edit is planned and written under an exclusive
// lock (./lock.ts) from the ledger as read under that lock, and the ledger is checked to be
// unchanged right before the rename (an editor that ignores the lock: the edit is planned again).
// A read-only ledger is refused; --dry-run only returns the unified diff.
import {accessSync, constants, realpathSync, statSync} from 'node:fs'
import {isAbsolute, relative, resolve, sep} from 'node:path'
import {createTwoFilesPatch} from 'diff'
import {writeFileAtomic} from '../util/atomic.js'
import {InputError} from '../util/errors.js'
import {errnoText, MiB, readBounded} from '../util/files.js'
import {code, word} from './inline.js'
import {withLock} from './lock.js'
import {ATTEMPTS_FIELD, attemptsLayout, findField, FIRST_DIVERGENCE_FIELD, maxAttempt, NEXT_ACTIONS_FIELD, uniqueEntry} from './ledger.js'
import {loadReport, type Divergence, type LoadedReport} from './report.js'
import {LOOP_NAMES} from '../catalogue/catalogue.js'
import {decodeUtf8, dominantEol, firstInvalidUtf8, joinLines, lineOfOffset, splitLines, type Eol, type Line} from './text.js'

/** Loop axes outermost first, as the catalogue orders them */
const LOOP_ORDER: readonly string[] = LOOP_NAMES

export interface AttemptInfo {
  date: string
  status: LoadedReport['status']
  firstDivergence: Divergence | null
  /** a triage report: every cause with its share */
  triage?: LoadedReport['triage']
  /** report path as written into the ledger */
  report: string
  /** artifact paths as written into the ledger */
  artifacts: string[]
  /** SHA-256 of the report file: the attachment's identity */
  sha256?: string
  /** does a backticked path in a line designate this report? (default: textual equality) */
  isReport?: (path: string) => boolean
  /** the minimal repro of a reduction: its script (as written into the ledger) and command line */
  repro?: {script: string; command: string}
}

export interface PlanResult {
  text: string
  changed: boolean
  /** 1-based line of the new (or already present) attempt line */
  line: number
  attempt: number
  /** first line index of the entry (0-based) */
  heading: number
  message: string
  /** the entry's First Divergence line after the operation ('' when it has none) */
  firstDivergence: string
}

export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'n/a'
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
  if (typeof v === 'string') return word(v)
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']'
  return code(JSON.stringify(v))
}

export function formatLoop(loop: Record<string, unknown> | null): string {
  if (loop === null) return 'loop unknown'
  const keys = [...LOOP_ORDER.filter((k) => k in loop), ...Object.keys(loop).filter((k) => !LOOP_ORDER.includes(k))]
  if (keys.length === 0) return 'loop {} (set-up)'
  return 'loop {' + keys.map((k) => `${word(k)}=${formatValue(loop[k])}`).join(', ') + '}'
}

/** One-line description of a divergence: name, loop, class, values and differences. */
export function describeDivergence(d: Divergence): string {
  let s = `${word(d.name)} @ ${formatLoop(d.loop)}`
  if (d.class) s += `, class ${word(d.class)}`
  const parts: string[] = []
  if (d.ref !== undefined || d.cand !== undefined) parts.push(`ref ${formatValue(d.ref)} vs cand ${formatValue(d.cand)}`)
  if (d.absDiff !== undefined && d.absDiff !== null) parts.push(`|Δ| ${formatValue(d.absDiff)}`)
  if (d.relDiff !== undefined && d.relDiff !== null) parts.push(`rel ${formatValue(d.relDiff)}`)
  if (d.ulps !== undefined && d.ulps !== null) parts.push(`${formatValue(d.ulps)} ulps`)
  if (parts.length) s += ': ' + parts.join(', ')
  return s
}

/** The text after "Result: " that identifies this report's outcome (used for the no-op check too). */
export function resultSignature(info: Pick<AttemptInfo, 'status' | 'firstDivergence' | 'triage'>): string {
  if (info.triage) return `${info.status} — nbtrace triage: ${triageSummary(info.triage)}`
  const d = info.firstDivergence
  if (d) return `${info.status} — nbtrace first divergence: ${describeDivergence(d)}`
  if (info.status === 'agree') return 'agree — nbtrace: traces agree, no divergence'
  if (info.status === 'mismatch') return 'mismatch — nbtrace: traces not comparable (configuration or inputs differ)'
  return 'diverged — nbtrace: first divergence not recorded in the report'
}

/** Every cause of a triage with its share of Σ(Δ²), then the unexplained rest. */
export function triageSummary(t: NonNullable<AttemptInfo['triage']>): string {
  const pct = (x: number): string => `${Number((100 * x).toPrecision(3))}%`
  if (t.causes.length === 0) return t.unexplained > 0 ? `no cause found, ${pct(t.unexplained)} unexplained` : 'the images agree'
  const n = t.causes.length
  return `${n} independent cause${n === 1 ? '' : 's'}: ${t.causes.map((c) => `${word(c.class)} (${word(c.variable)}) ${pct(c.share)}`).join(', ')}; unexplained ${pct(t.unexplained)}`
}

/** The mark that identifies a report in the ledger, whatever path it was attached from. */
export function contentMark(sha256: string): string {
  return `sha256 ${sha256.slice(0, 16)}`
}

export function attemptText(info: AttemptInfo, n: number): string {
  let s = `[${info.date}] Attempt #${n} — Result: ${resultSignature(info)}. Report: ${code(info.report)}`
  if (info.sha256) s += ` (${contentMark(info.sha256)})`
  if (info.repro) s += `; minimal repro: ${code(info.repro.script)} (${code(info.repro.command)})`
  if (info.artifacts.length) s += '; artifacts: ' + info.artifacts.map(code).join(', ')
  return s + '.'
}

export function firstDivergenceText(info: AttemptInfo): string {
  if (info.triage) {
    const top = info.triage.causes[0]
    const what = top
      ? `largest triage cause ${word(top.variable)}, class ${word(top.class)} (${Number((100 * top.share).toPrecision(3))}% of the discrepancy, ${info.triage.causes.length} cause${info.triage.causes.length === 1 ? '' : 's'})`
      : 'none — the images agree'
    return `- First Divergence: ${what} (${info.date}, report ${code(info.report)})`
  }
  const d = info.firstDivergence
  const what = d
    ? describeDivergence(d)
    : info.status === 'agree'
      ? 'none — traces agree'
      : info.status === 'mismatch'
        ? 'not determined — traces not comparable'
        : 'not recorded'
  return `- First Divergence: ${what} (${info.date}, report ${code(info.report)})`
}

function mentionsReport(line: string, info: AttemptInfo): boolean {
  for (const m of line.matchAll(/`([^`\n]+)`/g)) {
    if (m[1] === info.report || info.isReport?.(m[1])) return true
  }
  return false
}

/** Plans and applies the edit on decoded ledger text. Throws InputError for a missing/duplicated ID. */
export function attachToText(text: string, id: string, info: AttemptInfo, file = 'ledger'): PlanResult {
  // a BOM is not part of the first line (its heading must still be found) and is written back
  if (text.startsWith('\uFEFF')) {
    const r = attachToText(text.slice(1), id, info, file)
    return {...r, text: '\uFEFF' + r.text}
  }
  const lines = splitLines(text)
  const entry = uniqueEntry(lines, id, file)
  const signature = `Result: ${resultSignature(info)}`
  const mark = info.sha256 ? contentMark(info.sha256) : null
  for (let i = entry.heading; i < entry.end; i++) {
    const t = lines[i].text
    if ((mark !== null && t.includes(mark)) || (t.includes(signature) && mentionsReport(t, info))) {
      const m = /Attempts?\s+#(\d+)/.exec(t)
      const fdNow = findField(entry, FIRST_DIVERGENCE_FIELD)
      return {
        text,
        changed: false,
        line: i + 1,
        attempt: m ? Number(m[1]) : 0,
        heading: entry.heading,
        message: `already attached at line ${i + 1}; nothing changed`,
        firstDivergence: fdNow ? lines[fdNow.line].text : '',
      }
    }
  }
  const n = maxAttempt(lines, entry) + 1
  const fdText = firstDivergenceText(info)
  const ah = findField(entry, ATTEMPTS_FIELD)
  const fd = findField(entry, FIRST_DIVERGENCE_FIELD)
  const inserts: Array<{at: number; texts: string[]; attemptIndex: number}> = []
  let replace: {at: number; text: string} | undefined
  if (fd && lines[fd.line].text !== fdText) replace = {at: fd.line, text: fdText}
  if (ah) {
    const layout = attemptsLayout(lines, ah)
    inserts.push({at: layout.insertAt, texts: [layout.bullet + attemptText(info, n)], attemptIndex: 0})
    if (!fd) inserts.push({at: ah.line, texts: [fdText], attemptIndex: -1})
  } else {
    const next = findField(entry, NEXT_ACTIONS_FIELD)
    const at = next ? next.line : entry.fields.length ? entry.fields[entry.fields.length - 1].last + 1 : entry.heading + 1
    const block = [...(fd ? [] : [fdText]), '- Attempts History:', '  * ' + attemptText(info, n)]
    inserts.push({at, texts: block, attemptIndex: block.length - 1})
  }
  const out: Line[] = lines.map((l) => ({...l}))
  if (replace) out[replace.at] = {text: replace.text, eol: out[replace.at].eol}
  const dominant = dominantEol(lines)
  let attemptLine: Line | undefined
  inserts.sort((a, b) => b.at - a.at)
  for (const ins of inserts) {
    const prev = ins.at > 0 ? out[ins.at - 1] : undefined
    const eol: Eol = prev && prev.eol !== '' ? prev.eol : dominant
    const made: Line[] = ins.texts.map((t) => ({text: t, eol}))
    if (ins.at === out.length && prev && prev.eol === '') {
      // appending after a last line without terminator: it gets one, the file still ends without
      prev.eol = dominant
      made[made.length - 1].eol = ''
    }
    if (ins.attemptIndex >= 0) attemptLine = made[ins.attemptIndex]
    out.splice(ins.at, 0, ...made)
  }
  const newText = joinLines(out)
  const line = attemptLine ? out.indexOf(attemptLine) + 1 : 0
  return {
    text: newText,
    changed: newText !== text,
    line,
    attempt: n,
    heading: entry.heading,
    message: `attempt #${n} added to [${id}] at line ${line}`,
    firstDivergence: fdText,
  }
}

export interface AttachOptions {
  ledger: string
  id: string
  report: string
  date?: string
  dryRun?: boolean
  cwd?: string
}

export interface AttachResult {
  ledger: string
  id: string
  line: number
  attempt: number
  /** the attachment changes the ledger (false: already attached) */
  changed: boolean
  /** the ledger file was rewritten (changed and not --dry-run) */
  written: boolean
  dryRun: boolean
  /** unified diff of the change ('' when nothing changes) */
  diff: string
  report: string
  status: LoadedReport['status']
  firstDivergence: string
  message: string
  /** the minimal repro recorded, when the report is a reduction's */
  repro: {script: string; command: string} | null
}

export function checkDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const ok =
    m &&
    (() => {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
      return d.toISOString().slice(0, 10) === date
    })()
  if (!ok) throw new InputError(`expected a date YYYY-MM-DD, got "${date}"`, {field: '--date'})
  return date
}

function posix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/')
}

/** The largest ledger read (checked before reading). */
export const MAX_LEDGER_BYTES = 64 * MiB

/** Reads the ledger strictly as UTF-8: a bad byte is an InputError naming the byte offset and line. */
export function readLedger(path: string): string {
  const bytes = readBounded(path, {maxBytes: MAX_LEDGER_BYTES, what: 'ledger', field: '--ledger'})
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) throw new InputError(`invalid UTF-8 at byte offset ${bad}; the ledger must be UTF-8`, {file: path, line: lineOfOffset(bytes, bad)})
  return decodeUtf8(bytes)
}

function realPath(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return resolve(p)
  }
}

/** A ledger nbtrace may rewrite: writable by us, and not marked read-only (root ignores the mode bits; we do not). */
function checkWritable(target: string, file: string): void {
  const mode = statSync(target).mode
  let ok = (mode & 0o222) !== 0
  try {
    accessSync(target, constants.W_OK)
  } catch {
    ok = false
  }
  if (!ok)
    throw new InputError(`the ledger is read-only (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): nbtrace does not rewrite it; make it writable first`, {
      file,
      field: '--ledger',
    })
}

export async function attachReport(o: AttachOptions): Promise<AttachResult> {
  const cwd = o.cwd ?? process.cwd()
  const date = o.date !== undefined ? checkDate(o.date) : new Date().toISOString().slice(0, 10)
  const first = readLedger(o.ledger)
  const report = loadReport(o.cwd !== undefined ? resolve(cwd, o.report) : o.report)
  const absReport = resolve(cwd, report.path)
  const ledgerDir = resolve(cwd, o.ledger, '..')
  const display = (abs: string): string => {
    const rel = relative(cwd, abs)
    return posix(rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel)
  }
  const reportShown = display(absReport)
  const realReport = realPath(absReport)
  const info: AttemptInfo = {
    date,
    status: report.status,
    firstDivergence: report.firstDivergence,
    triage: report.triage,
    report: reportShown,
    artifacts: report.artifacts.map(display),
    sha256: report.sha256,
    isReport: (p) => [resolve(cwd, p), resolve(ledgerDir, p)].some((c) => c === absReport || realPath(c) === realReport),
    ...(report.reduction ? {repro: {script: display(report.reduction.script), command: report.reduction.command}} : {}),
  }
  const plan = (text: string) => {
    const r = attachToText(text, o.id, info, o.ledger)
    return {r, diff: r.changed ? createTwoFilesPatch(o.ledger, o.ledger, text, r.text, undefined, undefined, {context: 1}) : ''}
  }
  let {r: result, diff} = plan(first)
  if (result.changed && !o.dryRun) {
    const target = realPath(resolve(cwd, o.ledger))
    checkWritable(target, o.ledger)
    ;({r: result, diff} = await withLock(target, o.ledger, async () => {
      // under the lock: plan from the ledger as it is now (another attach may just have written)
      for (let round = 0; ; round++) {
        const now = readLedger(o.ledger)
        const p = plan(now)
        if (!p.r.changed) return p
        let moved = false
        try {
          // unchanged right before the rename, else (an editor not using the lock) plan again
          await writeFileAtomic(target, Buffer.from(p.r.text, 'utf8'), {
            beforeRename: () => {
              if (readLedger(o.ledger) !== now) {
                moved = true
                throw new Error('changed')
              }
            },
          })
        } catch (e) {
          if (!moved) {
            if (e instanceof InputError) throw e
            throw new InputError(`cannot write ledger: ${errnoText(e)}`, {file: o.ledger, field: '--ledger'})
          }
          if (round < 5) continue
          throw new InputError('the ledger keeps changing while nbtrace writes it; try again', {file: o.ledger, field: '--ledger'})
        }
        return p
      }
    }))
  }
  return {
    ledger: o.ledger,
    id: o.id,
    line: result.line,
    attempt: result.attempt,
    changed: result.changed,
    written: result.changed && !o.dryRun,
    dryRun: Boolean(o.dryRun),
    diff,
    report: reportShown,
    status: report.status,
    firstDivergence: result.firstDivergence.replace(/^- First Divergence:\s*/i, ''),
    repro: info.repro ?? null,
    message: result.changed && o.dryRun ? `dry run: ${result.message.replace(/ added /, ' would be added ')}; nothing written` : result.message,
  }
}
