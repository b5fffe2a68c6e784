// The truth corpus as data: every test/truth/cases/<group>/<name>.json, validated against
// test/truth/case.schema.json. Both the runner (corpus.test.ts) and the check of the corpus
// files themselves (corpus-files.test.ts) load cases through here, so they see the same corpus.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import * as AjvModule from 'ajv/dist/2020.js'

export const TRUTH = join(dirname(fileURLToPath(import.meta.url)), '..')
export const CASES = join(TRUTH, 'cases')

export type Loop = Partial<Record<'thick' | 'subS' | 'subF' | 'source' | 'phi' | 'mosaic', number>>

export interface EngineSide {
  engine: 'c' | 'ts'
  inject?: string[]
  fix?: string[]
}
export interface FileSide {
  file: string
}
export interface ProgramSide {
  program: 'hoidn' | 'upstream'
  edits?: {find: string; replace: string}[]
  openmp?: number
}
export interface LogSide {
  log: string
  name: string
}
export type Side = EngineSide | FileSide | ProgramSide | LogSide

export interface Expect {
  status: 'agree' | 'diverged' | 'mismatch'
  first?: {name: string; class?: string; loop?: Loop}
  rootClasses?: string[]
  rootClassesInclude?: string[]
  roots?: string[]
  notRoot?: string[]
  provenance?: 'pixel' | 'configuration'
  verdict?: string[]
}

export interface Case {
  group: string
  description: string
  via: 'compare' | 'trace'
  pixel?: [number, number]
  inputs?: string
  args?: string[]
  ref: Side
  cand: Side
  flags?: string[]
  image?: {file: string} | {program: 'bl831' | 'hoidn'}
  expect: Expect
  /** cases/-relative path without .json, e.g. golden-c/c06_mosaic-c */
  id: string
  /** absolute path of the case file */
  path: string
}

export const isEngine = (s: Side): s is EngineSide => 'engine' in s
export const isFile = (s: Side): s is FileSide => 'file' in s
export const isProgram = (s: Side): s is ProgramSide => 'program' in s
export const isLog = (s: Side): s is LogSide => 'log' in s

type AjvClass = typeof AjvModule.Ajv2020
const Ajv2020: AjvClass = (AjvModule as unknown as {default: AjvClass}).default

let validator: ReturnType<InstanceType<AjvClass>['compile']> | undefined
function validate(data: unknown): string | null {
  validator ??= new Ajv2020({strict: false, allErrors: true}).compile(JSON.parse(readFileSync(join(TRUTH, 'case.schema.json'), 'utf8')))
  return validator(data) ? null : new Ajv2020().errorsText(validator.errors, {dataVar: 'case'})
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) out.push(...walk(p))
    else if (e.endsWith('.json')) out.push(p)
  }
  return out
}

export interface LoadedCorpus {
  cases: Case[]
  /** one line per case file that cannot be used: file and reason */
  errors: string[]
}

/** Reads and validates every case file. Invalid files are reported, never silently dropped. */
export function loadCorpus(): LoadedCorpus {
  const cases: Case[] = []
  const errors: string[] = []
  for (const path of walk(CASES)) {
    const id = relative(CASES, path)
      .split(sep)
      .join('/')
      .replace(/\.json$/, '')
    let data: unknown
    try {
      data = JSON.parse(readFileSync(path, 'utf8'))
    } catch (e) {
      errors.push(`${id}: not JSON: ${(e as Error).message}`)
      continue
    }
    const why = validate(data)
    if (why) {
      errors.push(`${id}: ${why}`)
      continue
    }
    cases.push({...(data as Omit<Case, 'id' | 'path'>), id, path})
  }
  return {cases, errors}
}

/** The groups and cases selected by CORPUS_GROUPS=a,b and CORPUS_CASES=substring,... (all when unset). */
export function selected(cases: Case[], env: NodeJS.ProcessEnv = process.env): Case[] {
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const groups = list(env.CORPUS_GROUPS)
  const names = list(env.CORPUS_CASES)
  return cases.filter((c) => (groups.length === 0 || groups.includes(c.group)) && (names.length === 0 || names.some((n) => c.id.includes(n))))
}

/** A case as committed: two-space JSON with arrays of numbers and strings on one line. */
export function caseText(o: unknown): string {
  const json = JSON.stringify(o, null, 2)
  // collapse arrays whose items are all primitives ("[\n  1,\n  2\n]" → "[1, 2]")
  return (
    json.replace(/\[\s*\n(\s*(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null)\s*,?\s*\n)+\s*\]/g, (m) => {
      const inner = JSON.parse(m) as unknown[]
      return `[${inner.map((x) => JSON.stringify(x)).join(', ')}]`
    }) + '\n'
  )
}
