// Legacy producers as data: schemas/producers/*.json, one profile per known producer (its line
// forms, which catalogue variable each printed name is, in which unit, at which loop
// coordinates it was printed). The reader (index.ts) only interprets profiles.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {LoopName} from '../../catalogue/catalogue.js'
import {explainAjvError, validatorFor} from '../schema.js'
import {SCHEMAS_DIR} from '../../util/paths.js'

export type AxisRule = number | 'each' | 'last' | 'line'
export type LoopRule = Partial<Record<LoopName, AxisRule>>

export interface NameMap {
  var?: string
  unit?: string
  component?: 'h' | 'k' | 'l' | 'x' | 'y' | 'z'
  transform?: 'round-int' | 'square'
  loop?: LoopRule
  why?: string
  redundant?: string
  byPivot?: {beam: NameMap; sample: NameMap}
  byFlag?: {flag: string; values: Record<string, NameMap>; default?: string}
  digits?: number
}

export interface Section {
  form: string
  gating: string
  loop?: LoopRule
  names: Record<string, NameMap>
  redundant?: string[]
  unmapped?: string[]
  flags?: string[]
  lineOnly?: boolean
}

export type Tag = 'c' | 'py' | 'freeform'

export interface Profile {
  name: string
  tag: Tag
  title: string
  detect: {prefix?: string}
  precision: 'float64' | 'float32' | 'unknown'
  digits?: number
  ignore?: string[]
  setupLines?: {find: string; regex: string; var: string}[]
  sourceTable?: boolean
  sourceTableDigits?: number
  aliases?: Record<string, NameMap>
  sections: Partial<Record<'pixel' | 'geometry' | 'phi' | 'source', Section>>
}

const DIR = join(SCHEMAS_DIR, 'producers')
let cache: Map<string, Profile> | undefined

/** Every profile in schemas/producers, validated against schemas/producer.schema.json. */
export function loadProfiles(): Map<string, Profile> {
  if (cache) return cache
  const v = validatorFor('producer.schema.json')
  cache = new Map()
  for (const f of readdirSync(DIR)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const p = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Profile
    if (!v(p)) {
      const {pointer, message} = explainAjvError(v.errors![0], p)
      throw new Error(`schemas/producers/${f}: ${pointer}: ${message}`)
    }
    cache.set(p.name, p)
  }
  return cache
}

export function profile(name: string): Profile {
  const p = loadProfiles().get(name)
  if (!p) throw new Error(`no producer profile ${name}`)
  return p
}

/** Profile names users may give (`--producer`): the profile name or its tag (c, py, freeform). */
export function profileFor(nameOrTag: string): Profile | undefined {
  const all = loadProfiles()
  return all.get(nameOrTag) ?? [...all.values()].find((p) => p.tag === nameOrTag)
}
