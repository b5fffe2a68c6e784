// Shared helpers for the simulator tests: golden cases, temp dirs, trace record comparison.
import {copyFileSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ValueRecord} from '../../src/trace/records.js'

export {GOLDEN} from '../helpers/fixtures.js'
import {runCli} from '../helpers/cli.js'
import {GOLDEN} from '../helpers/fixtures.js'

export interface GoldenCase {
  name: string
  dir: string
  args: string[]
  traceArgs: string[]
  tracePixel: {slow: number; fast: number}
}

export function goldenCases(): GoldenCase[] {
  return readdirSync(GOLDEN)
    .filter((d) => /^c\d\d_/.test(d))
    .sort()
    .map((name) => {
      const dir = join(GOLDEN, name)
      const args = readFileSync(join(dir, 'cmd.txt'), 'utf8').trim().split(/\s+/).slice(1)
      const traceArgs = readFileSync(join(dir, 'trace_cmd.txt'), 'utf8').trim().split(/\s+/).slice(1)
      const i = traceArgs.indexOf('-trace_pixel')
      return {name, dir, args, traceArgs, tracePixel: {slow: Number(traceArgs[i + 1]), fast: Number(traceArgs[i + 2])}}
    })
}

/** A fresh temp dir holding the case's input files (never the reference outputs). */
export function caseWorkdir(c: GoldenCase): string {
  const tmp = mkdtempSync(join(tmpdir(), 'nbtrace-sim-'))
  for (const f of readdirSync(c.dir)) {
    if (/\.(hkl|mat)$/.test(f) || /^sources.*\.txt$/.test(f) || f === 'A.mat') copyFileSync(join(c.dir, f), join(tmp, f))
  }
  return tmp
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nbtrace-sim-'))
}

export function readFloat32(path: string): Float32Array {
  const b = readFileSync(path)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

export interface ImageDiff {
  differing: number
  maxRel: number
}

export function diffFloat(a: Float32Array, b: Float32Array): ImageDiff {
  let differing = 0
  let maxRel = 0
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i]) || a[i] === b[i]) continue
    differing++
    const r = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]))
    if (r > maxRel || Number.isNaN(r)) maxRel = Number.isNaN(r) ? Infinity : r
  }
  return {differing, maxRel}
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]))
  return Object.is(a, b)
}

/** First record (in execution order) whose key or value differs; null when identical. */
export function firstDifference(a: ValueRecord[], b: ValueRecord[]): {index: number; name: string; a?: ValueRecord; b?: ValueRecord} | null {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (!x || !y) return {index: i, name: (x ?? y)!.name, a: x, b: y}
    if (x.name !== y.name || JSON.stringify(x.loop) !== JSON.stringify(y.loop) || !sameValue(x.value, y.value)) return {index: i, name: x.name, a: x, b: y}
  }
  return null
}

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI (test/helpers/cli.ts) in cwd. */
export const runSimCli = (args: string[], cwd: string): Promise<CliRun> => runCli(args, {cwd})
