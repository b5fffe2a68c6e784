// Small statistics for benchmarks: medians of repeated runs, measured side by side.
import {spawn} from 'node:child_process'

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Timings of one task: median, fastest and slowest run (ms), and every run in order. */
export interface Timing {
  median: number
  min: number
  max: number
  runs: number[]
}

/**
 * Runs each labelled task once per round, `rounds` times, interleaved A B B A (each round
 * reverses the last one's order, so drift and warm-up hit every task alike and no task always
 * runs first); returns medians with min–max.
 */
export async function interleaved(tasks: Record<string, () => Promise<unknown>>, rounds: number): Promise<Record<string, Timing>> {
  const keys = Object.keys(tasks)
  const runs: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [...keys].reverse() : keys) {
      const t = performance.now()
      await tasks[k]()
      runs[k].push(performance.now() - t)
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([k, v]) => [k, {median: median(v), min: Math.min(...v), max: Math.max(...v), runs: v.map((x) => Math.round(x))}]),
  )
}

/** "median (min–max)" in ms, for the table. */
export const spread = (t: Timing): string => `${Math.round(t.min)}–${Math.round(t.max)}`

/** Runs a command to completion; rejects on a non-zero exit. Returns peak RSS (KiB) when /usr/bin/time is usable. */
export function run(cmd: string, args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<{stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, {cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    c.stdout.on('data', (d) => (stdout += d))
    c.stderr.on('data', (d) => (stderr += d))
    c.on('error', reject)
    c.on('close', (code) => (code === 0 ? resolve({stdout, stderr}) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-400)}`))))
  })
}
