// Instruction counts of one run of a program: a figure the machine's load cannot move, for the
// compiled-in-but-off overhead. perf's hardware counter where the kernel exposes it (often not in
// a VM), else valgrind's callgrind (a simulated CPU, so much slower: use a small image), else none.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

export type Count = {count: number; tool: string} | {count: null; why: string}

let perfUsable: boolean | null = null
function perfWorks(): boolean {
  if (perfUsable === null) {
    const r = spawnSync('perf', ['stat', '-x', ',', '-e', 'instructions:u', 'true'], {encoding: 'utf8'})
    perfUsable = r.status === 0 && /^\d+,/m.test(r.stderr)
  }
  return perfUsable
}

const valgrindWorks = (): boolean => spawnSync('valgrind', ['--version']).status === 0

/** Which counter is usable here, or why none is. */
export function counter(): {tool: 'perf' | 'callgrind'} | {tool: null; why: string} {
  if (perfWorks()) return {tool: 'perf'}
  if (valgrindWorks()) return {tool: 'callgrind'}
  return {tool: null, why: 'n/a (no valgrind/perf)'}
}

export function countInstructions(exe: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Count {
  const c = counter()
  if (c.tool === 'perf') {
    const r = spawnSync('perf', ['stat', '-x', ',', '-e', 'instructions:u', exe, ...args], {cwd, env, encoding: 'utf8', maxBuffer: 1 << 26})
    const m = /^(\d+),[^\n]*instructions/m.exec(r.stderr)
    if (r.status === 0 && m) return {count: Number(m[1]), tool: 'perf stat -e instructions:u'}
  }
  if (c.tool === null) return {count: null, why: c.why}
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(cwd, 'callgrind.out')}`, exe, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  })
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr)
  if (!m) return {count: null, why: `callgrind gave no count (${r.stderr.slice(-200)})`}
  return {count: Number(m[1]), tool: 'valgrind --tool=callgrind'}
}
