// The bench harness: runs commands, interleaves the tasks of one comparison A B B A over rounds,
// keeps every run, and reports medians with the fastest and slowest run for every figure.
// The rules that keep it from flattering anything:
//  * every task of a comparison runs once per round, the order reversed every other round (A B B
//    A …), so drift in the machine's load and any warm-up hit every task alike;
//  * a ratio is computed per round (A of round r over B of round r) and reported as the median of
//    those ratios with their min–max, never as a ratio of two medians taken at different times;
//  * figures of commands started through the CLI include its start-up; the start-up itself (the
//    CLI's `--version`) runs as one more task in the same interleaving, so it is measured under
//    the same load and printed in its own column for the reader to subtract;
//  * CPU time (user + sys of the child) and peak RSS come from /usr/bin/time where it exists.
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {loadavg} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import Table from 'cli-table3'

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..')
export const CLI = join(ROOT, 'bin/run.js')
export const C_TRACE = join(ROOT, 'instrumented-c/build/nanobragg-nbtrace')
export const C_NOTRACE = join(ROOT, 'instrumented-c/build/nanobragg-notrace')
const TIME = '/usr/bin/time'
const HAVE_TIME = existsSync(TIME)

/** median, fastest, slowest, and every value in run order */
export interface Stat {
  median: number
  min: number
  max: number
  runs: number[]
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function stat(xs: number[]): Stat {
  const v = xs.filter((x) => Number.isFinite(x))
  if (!v.length) return {median: NaN, min: NaN, max: NaN, runs: xs}
  return {median: median(v), min: Math.min(...v), max: Math.max(...v), runs: xs}
}

/** One run of a command: wall ms, CPU ms (user + sys of the child; NaN without /usr/bin/time), peak RSS KiB. */
export interface Sample {
  wall: number
  cpu: number
  rss: number
  code: number
  stdout: string
  stderr: string
}

let seq = 0
/**
 * Runs a command to completion under /usr/bin/time (when present; its figures go to a file of
 * their own, so the command's stderr is untouched). Rejects unless the exit code is in `ok`.
 */
export function measure(cmd: string, args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv; ok?: number[]; tmp?: string} = {}): Promise<Sample> {
  const ok = opts.ok ?? [0]
  const tf = HAVE_TIME ? join(opts.tmp ?? opts.cwd ?? '/tmp', `.bench-time-${process.pid}-${seq++}`) : ''
  const [exe, argv] = HAVE_TIME ? [TIME, ['-f', '%U %S %M', '-o', tf, cmd, ...args]] : [cmd, args]
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const c = spawn(exe, argv, {cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    c.stdout.on('data', (d) => (stdout += d))
    c.stderr.on('data', (d) => (stderr += d))
    c.on('error', reject)
    c.on('close', (code) => {
      const wall = performance.now() - t
      let cpu = NaN
      let rss = NaN
      if (tf && existsSync(tf)) {
        // the last line: GNU time writes "Command exited with non-zero status N" before it
        const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(readFileSync(tf, 'utf8'))
        rmSync(tf, {force: true})
        if (m) {
          cpu = (Number(m[1]) + Number(m[2])) * 1000
          rss = Number(m[3])
        }
      }
      const rc = code ?? -1
      if (!ok.includes(rc)) return reject(new Error(`${cmd} ${args.join(' ')} exited ${rc}: ${stderr.slice(-400)}`))
      resolve({wall, cpu, rss, code: rc, stdout, stderr})
    })
  })
}

/** The CLI's start-up: `nbtrace --version`, the cheapest command, as a task of its own. */
export const startup = (): Promise<Sample> => measure(process.execPath, [CLI, '--version'])

export interface Timing {
  wall: Stat
  cpu: Stat
  rss: Stat
  last: Sample
}

/**
 * Runs each task once per round, `rounds` times, in the order A B …, then … B A, and so on (A B B
 * A for a pair), after `warmup` unmeasured rounds; returns each task's wall, CPU and RSS figures.
 */
export async function interleave<K extends string>(
  tasks: Record<K, () => Promise<Sample>>,
  rounds: number,
  opts: {warmup?: number} = {},
): Promise<Record<K, Timing>> {
  const keys = Object.keys(tasks) as K[]
  for (let w = 0; w < (opts.warmup ?? 0); w++) for (const k of keys) await tasks[k]()
  const got = Object.fromEntries(keys.map((k) => [k, [] as Sample[]])) as unknown as Record<K, Sample[]>
  for (let r = 0; r < rounds; r++) for (const k of r % 2 ? [...keys].reverse() : keys) got[k].push(await tasks[k]())
  return Object.fromEntries(
    keys.map((k) => {
      const s = got[k]
      return [k, {wall: stat(s.map((x) => x.wall)), cpu: stat(s.map((x) => x.cpu)), rss: stat(s.map((x) => x.rss)), last: s[s.length - 1]}]
    }),
  ) as Record<K, Timing>
}

/** A / B per round (the runs of one round are neighbours in time), with an optional offset subtracted from both. */
export function ratio(a: Stat, b: Stat, minus?: Stat): Stat {
  const n = Math.min(a.runs.length, b.runs.length)
  const xs: number[] = []
  for (let i = 0; i < n; i++) {
    const m = minus ? minus.runs[i] : 0
    xs.push((a.runs[i] - m) / (b.runs[i] - m))
  }
  return stat(xs)
}

/** A stat of any quantity, e.g. records/s from times: f applied to every run. */
export const mapStat = (s: Stat, f: (x: number) => number): Stat => stat(s.runs.map(f))

export interface Row {
  case: string
  what: string
  value: number | string
  unit: string
  /** fastest–slowest run, in the unit */
  range?: string
  /** median CPU time (user + sys), ms */
  cpu?: number
  /** CLI start-up included in the figure (median `--version` wall, ms, same interleaving); 0: none (a program started directly) */
  startup?: number
  target?: string
  met?: boolean
}

const round = (x: number, unit: string): number => {
  if (!Number.isFinite(x)) return x
  if (unit === 'x') return +x.toFixed(3)
  if (unit === '%') return +x.toFixed(2)
  if (Math.abs(x) >= 100) return Math.round(x)
  return +x.toPrecision(3)
}

/** The rows of one run, printed as they come (stderr) and as one table at the end (stdout). */
export class Report {
  rows: Row[] = []

  add(r: Row): void {
    this.rows.push(r)
    const extra = [r.range ? `(${r.range})` : '', r.target ? `target ${r.target}: ${r.met ? 'met' : 'NOT met'}` : ''].filter(Boolean).join(' ')
    process.stderr.write(`  ${r.case}: ${r.what} = ${r.value} ${r.unit} ${extra}\n`)
  }

  /** A figure from repeated runs: its median and min–max; `target` tests the median. */
  stat(
    c: string,
    what: string,
    s: Stat,
    unit: string,
    o: {cpu?: Stat; startup?: Stat | 0; target?: string; met?: (m: number) => boolean; scale?: number} = {},
  ): void {
    const k = o.scale ?? 1
    this.add({
      case: c,
      what,
      value: round(s.median * k, unit),
      unit,
      range: `${round(s.min * k, unit)}–${round(s.max * k, unit)}`,
      ...(o.cpu && Number.isFinite(o.cpu.median) ? {cpu: Math.round(o.cpu.median)} : {}),
      ...(o.startup === undefined ? {} : {startup: o.startup === 0 ? 0 : Math.round(o.startup.median)}),
      ...(o.target ? {target: o.target, met: o.met ? o.met(s.median * k) : undefined} : {}),
    })
  }

  /** Wall time of a task, with its CPU time and the start-up it includes. */
  time(c: string, what: string, t: Timing, startupOf: Stat | 0, target?: {text: string; ms: number}): void {
    this.stat(c, what, t.wall, 'ms', {cpu: t.cpu, startup: startupOf, ...(target ? {target: target.text, met: (m) => m <= target.ms} : {})})
  }

  /** A per-round ratio; `max`/`min` give the target as an upper or lower bound on the median. */
  ratio(c: string, what: string, s: Stat, t?: {max?: number; min?: number}): void {
    const text = t?.max !== undefined ? `<= ${t.max}` : t?.min !== undefined ? `>= ${t.min}` : undefined
    this.stat(c, what, s, 'x', text ? {target: text, met: (m) => (t?.max !== undefined ? m <= t.max : m >= (t?.min ?? 0))} : {})
  }

  value(c: string, what: string, value: number | string, unit: string, t?: {text: string; met: boolean}): void {
    this.add({case: c, what, value, unit, ...(t ? {target: t.text, met: t.met} : {})})
  }

  table(): string {
    const t = new Table({
      head: ['case', 'measure', 'median', 'min–max', 'unit', 'cpu ms', 'start-up ms', 'target', 'met'],
      style: {head: [], border: []},
      wordWrap: true,
      colWidths: [10, 58, 12, 20, 8, 9, 9, 10, 5],
    })
    for (const r of this.rows)
      t.push([
        r.case,
        r.what,
        String(r.value),
        r.range ?? '',
        r.unit,
        r.cpu === undefined ? '' : String(r.cpu),
        r.startup === undefined ? '' : String(r.startup),
        r.target ?? '',
        r.target ? (r.met === undefined ? '' : r.met ? 'yes' : 'NO') : '',
      ])
    return t.toString()
  }
}

/** 1-, 5- and 15-minute load averages, rounded. */
export const load = (): number[] => loadavg().map((x) => +x.toFixed(2))

/** Whether every file has the bytes of the first (missing files are not identical). */
export function identical(files: string[]): boolean {
  if (!files.every((f) => existsSync(f))) return false
  const first = readFileSync(files[0])
  return files.slice(1).every((f) => readFileSync(f).equals(first))
}

/** The context every case gets. */
export interface Ctx {
  tmp: string
  rounds: number
  quick: boolean
  report: Report
}

/** The nanoBragg arguments every image case starts from. */
export const CELL = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1'.split(' ')
