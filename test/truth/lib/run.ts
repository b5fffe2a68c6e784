// Running one case through the commands a user runs: `nbtrace compare --json REF CAND` on the
// two produced traces, or `nbtrace trace --json` with both sides given as its own flags. The
// report is checked against its schema, then judged against the case's expectations.
import {join} from 'node:path'
import {runCli, validateAgainst} from '../../helpers/cli.js'
import type {Case} from './cases.js'
import {judge, type ReportLike, summarize} from './judge.js'
import {shellQuote, Skip, type Workspace} from './sides.js'

export interface Outcome {
  id: string
  group: string
  result: 'right' | 'wrong' | 'skipped'
  /** what is wrong (right: empty; skipped: the reason) */
  problems: string[]
  /** what the report concluded, in one line */
  got: string
  /** the command that was judged */
  command: string
}

function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout)
  } catch {
    return undefined
  }
}

const tail = (s: string): string => s.trim().split('\n').slice(-6).join(' | ')

export async function runCase(c: Case, ws: Workspace): Promise<Outcome> {
  const base = {id: c.id, group: c.group}
  for (const s of [c.ref, c.cand]) {
    const why = await ws.unavailable(s)
    if (why) return {...base, result: 'skipped', problems: [why], got: '', command: ''}
  }
  let argv: string[]
  let cwd: string | undefined
  try {
    if (c.via === 'compare') {
      const [ref, cand] = await Promise.all([ws.produce(c, 'ref'), ws.produce(c, 'cand')])
      argv = ['compare', '--json', ref, cand, ...(c.flags ?? [])]
    } else {
      cwd = ws.folder(c, c.id)
      argv = [
        'trace',
        '--json',
        '--pixel',
        `${c.pixel![0]},${c.pixel![1]}`,
        '--out',
        join(cwd, 'evidence'),
        ...(await ws.traceFlags(c.ref, 'ref')),
        ...(await ws.traceFlags(c.cand, 'cand')),
        ...(c.flags ?? []),
        '--',
        ...(c.args ?? []),
      ]
    }
  } catch (e) {
    if (e instanceof Skip) return {...base, result: 'skipped', problems: [e.message], got: '', command: ''}
    return {...base, result: 'wrong', problems: [`could not produce the traces: ${(e as Error).message}`], got: '', command: ''}
  }
  const command = `${cwd ? `cd ${shellQuote(cwd)} && ` : ''}nbtrace ${argv.map(shellQuote).join(' ')}`
  const r = await runCli(argv, {cwd, timeoutMs: 600_000})
  const out = parseJson(r.stdout) as Record<string, unknown> | undefined
  if (!out) return {...base, result: 'wrong', problems: [`exit ${r.code}, no JSON on stdout: ${tail(r.stderr || r.stdout)}`], got: '', command}
  if (r.code === 2 || out.error) {
    const e = out.error as {message?: string} | undefined
    return {...base, result: 'wrong', problems: [`nbtrace refused the input (exit ${r.code}): ${e?.message ?? tail(r.stderr || r.stdout)}`], got: '', command}
  }
  const problems: string[] = []
  let report: ReportLike
  if (c.via === 'trace') {
    const bad = validateAgainst('trace-command.schema.json', out)
    if (bad) problems.push(`trace --json output is not valid against schemas/trace-command.schema.json: ${bad}`)
    if (!out.report) {
      const f = out.failure as {side?: string; what?: string; stderrTail?: string} | null
      return {
        ...base,
        result: 'wrong',
        problems: [`trace produced no report (status ${out.status}): ${f ? `${f.side} side: ${f.what} ${tail(f.stderrTail ?? '')}` : tail(r.stderr)}`],
        got: '',
        command,
      }
    }
    report = out.report as unknown as ReportLike
  } else {
    report = out as unknown as ReportLike
  }
  const badReport = validateAgainst('report.schema.json', report)
  if (badReport) problems.push(`report is not valid against schemas/report.schema.json: ${badReport}`)
  problems.push(...judge(c.expect, report, r.code))
  return {...base, result: problems.length ? 'wrong' : 'right', problems, got: summarize(report), command}
}

/** Runs tasks with at most `jobs` at a time, in the order they were added. */
export function limiter(jobs: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: (() => void)[] = []
  const next = (): void => {
    if (running >= jobs || queue.length === 0) return
    running++
    queue.shift()!()
  }
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            running--
            next()
          })
      })
      next()
    })
}
