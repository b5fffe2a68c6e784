// Small statistics for benchmarks: medians of repeated runs, measured side by side.
import {spawn} from 'node:child_process'

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs each labelled task once per round, rounds times, interleaved (so drift hits all alike); returns median ms. */
export async function interleaved(tasks: Record<string, () => Promise<unknown>>, rounds: number): Promise<Record<string, {median: number; runs: number[]}>> {
  const runs: Record<string, number[]> = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(tasks)) {
      const t = performance.now()
      await fn()
      runs[k].push(performance.now() - t)
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, {median: median(v), runs: v.map((x) => Math.round(x))}]))
}

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
