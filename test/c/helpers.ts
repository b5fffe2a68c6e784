// Shared helpers of the C-engine tests: build the binaries, stage golden cases, parse
// TRACE_C logs and JSON Lines traces, validate records against the schemas and catalogue.
import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {validatorFor} from '../../src/trace/schema.js'
import {GOLDEN as FIXTURE_GOLDEN} from '../helpers/fixtures.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CDIR = join(ROOT, 'instrumented-c')
export const BIN_TRACE = join(CDIR, 'build', 'nanobragg-nbtrace')
export const BIN_NOTRACE = join(CDIR, 'build', 'nanobragg-notrace')
export const GOLDEN = process.env.NBTRACE_GOLDEN || FIXTURE_GOLDEN

let buildTried = false
/** Builds instrumented-c if a binary is missing; returns a reason string when it cannot. */
export function ensureBuilt(): string | null {
  if (existsSync(BIN_TRACE) && existsSync(BIN_NOTRACE)) return null
  if (!buildTried) {
    buildTried = true
    spawnSync('make', ['-C', CDIR], {stdio: 'ignore'})
  }
  return existsSync(BIN_TRACE) && existsSync(BIN_NOTRACE) ? null : 'instrumented-c could not be built (no C compiler?)'
}

export function goldenCases(): string[] {
  if (!existsSync(GOLDEN)) return []
  return readdirSync(GOLDEN)
    .filter((d) => statSync(join(GOLDEN, d)).isDirectory() && existsSync(join(GOLDEN, d, 'cmd.txt')))
    .sort()
}

const NOT_INPUTS = new Set(['cmd.txt', 'trace_cmd.txt', 'stdout.txt', 'stderr.txt', 'trace_C.log'])
/** Fresh temporary directory holding the case's input files (never Fdump.bin). */
export function stageCase(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nbtrace-c-${name}-`))
  for (const f of readdirSync(join(GOLDEN, name))) {
    if (NOT_INPUTS.has(f) || /\.(bin|img)$/.test(f)) continue
    copyFileSync(join(GOLDEN, name, f), join(dir, f))
  }
  return dir
}

/** nanoBragg arguments of cmd.txt / trace_cmd.txt (program name dropped). */
export function caseArgs(name: string, file = 'cmd.txt'): string[] {
  return readFileSync(join(GOLDEN, name, file), 'utf8')
    .trim()
    .split(/\s+/)
    .slice(1)
}

export function run(bin: string, args: string[], cwd: string): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync(bin, args, {cwd, encoding: 'utf8', maxBuffer: 1 << 26})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

export interface TraceC {
  /** per-pixel `TRACE_C: name v...` values in order of appearance */
  values: Map<string, number[][]>
  /** `TRACE_C_PHI key=value ...` lines */
  phi: Record<string, number>[]
  pix0: number[] | null
}

export function parseTraceC(text: string): TraceC {
  const values = new Map<string, number[][]>()
  const phi: Record<string, number>[] = []
  let pix0: number[] | null = null
  for (const line of text.split('\n')) {
    let m = /^TRACE_C: (\S+)((?: \S+)+)\s*$/.exec(line)
    if (m) {
      const nums = m[2].trim().split(/\s+/).map(Number)
      if (!values.has(m[1])) values.set(m[1], [])
      values.get(m[1])!.push(nums)
      continue
    }
    if (line.startsWith('TRACE_C_PHI ')) {
      const rec: Record<string, number> = {}
      for (const kv of line.slice(12).trim().split(/\s+/)) {
        const [k, v] = kv.split('=')
        rec[k] = Number(v)
      }
      phi.push(rec)
      continue
    }
    m = /^DETECTOR_PIX0_VECTOR (\S+) (\S+) (\S+)/.exec(line)
    if (m) pix0 = [Number(m[1]), Number(m[2]), Number(m[3])]
  }
  return {values, phi, pix0}
}

export type Rec = Record<string, any>
export function readJsonl(path: string): Rec[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
}

/** Decodes a traced number slot ("NaN"/"Infinity"/"-Infinity" strings). */
export function dec(v: unknown): number {
  if (typeof v === 'number') return v
  if (v === 'NaN') return NaN
  if (v === 'Infinity') return Infinity
  if (v === '-Infinity') return -Infinity
  throw new Error(`not a number slot: ${JSON.stringify(v)}`)
}

export function traceValidator(): ((r: unknown) => boolean) & {errors?: unknown} {
  // the schema validator the product uses (src/trace/schema.ts), not one of the test's own
  return validatorFor('trace.schema.json') as unknown as ((r: unknown) => boolean) & {errors?: unknown}
}

export interface CatVar {
  name: string
  shape: string
  loop: string[]
  enum?: string[]
}
export function catalogue(): CatVar[] {
  return JSON.parse(readFileSync(join(ROOT, 'schemas', 'catalogue.json'), 'utf8')).variables
}

const isNum = (v: unknown): boolean => typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity'
/** Problems of a whole trace: schema, header/footer framing, seq, catalogue names/shapes/loops. */
export function traceProblems(recs: Rec[]): string[] {
  const problems: string[] = []
  const validate = traceValidator()
  const cat = new Map(catalogue().map((v) => [v.name, v]))
  recs.forEach((r, i) => {
    if (!validate(r)) problems.push(`line ${i + 1}: ${JSON.stringify(validate.errors).slice(0, 300)}`)
  })
  if (recs[0]?.type !== 'header') problems.push('first line is not a header')
  const last = recs[recs.length - 1]
  if (last?.type !== 'footer') problems.push('last line is not a footer')
  const vals = recs.filter((r) => r.type === 'value')
  if (last?.type === 'footer' && last.count !== vals.length) problems.push(`footer count ${last.count} != ${vals.length}`)
  vals.forEach((r, i) => {
    if (r.seq !== i) problems.push(`seq ${r.seq} at value ${i}`)
    const v = cat.get(r.name)
    if (!v) return problems.push(`unknown name ${r.name}`)
    const keys = Object.keys(r.loop)
    if (keys.join(',') !== v.loop.join(',')) problems.push(`${r.name}: loop keys ${keys} != ${v.loop}`)
    const x = r.value
    const ok =
      v.shape === 'scalar'
        ? isNum(x)
        : v.shape === 'int'
          ? Number.isInteger(x)
          : v.shape === 'vec3'
            ? Array.isArray(x) && x.length === 3 && x.every(isNum)
            : v.shape === 'ivec3'
              ? Array.isArray(x) && x.length === 3 && x.every(Number.isInteger)
              : v.shape === 'mat3'
                ? Array.isArray(x) && x.length === 9 && x.every(isNum)
                : v.shape === 'enum'
                  ? typeof x === 'string' && (v.enum ?? []).includes(x)
                  : false
    if (!ok) problems.push(`${r.name}: value ${JSON.stringify(x)} is not a ${v.shape}`)
  })
  return problems
}

/** |a-b| <= rtol*scale (+ tiny atol), component-wise with the vector's norm as scale. */
export function close(a: number[], b: number[], rtol: number): boolean {
  if (a.length !== b.length) return false
  const scale = Math.max(Math.hypot(...a), Math.hypot(...b))
  return a.every((x, i) => x === b[i] || Math.abs(x - b[i]) <= rtol * scale + 1e-300)
}
