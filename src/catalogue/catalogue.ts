// The variable catalogue (schemas/catalogue.json): names, units, shapes, loop scopes, dataflow
// inputs and tolerance classes. Everything that needs to know about a traced quantity asks here.
import {readFileSync} from 'node:fs'
import {schemaPath} from '../util/paths.js'

/**
 * A loop axis of the pixel's loop nest. The axes and their order (outermost first) are defined
 * once, by catalogue.json's `loopOrder`; this union only lets the compiler check spellings, and
 * loadCatalogue() refuses a catalogue whose loopOrder is not exactly these names.
 */
export type LoopName = 'thick' | 'subS' | 'subF' | 'source' | 'phi' | 'mosaic'
/** Named loop coordinates of a value; null for legacy records whose iteration is unknown. */
export type Loop = Partial<Record<LoopName, number>>

export type Shape = 'scalar' | 'int' | 'vec3' | 'ivec3' | 'mat3' | 'enum'
export type Stage =
  'setup' | 'geometry' | 'sources' | 'orientation' | 'rng' | 'lattice' | 'structure-factor' | 'polarization' | 'normalization' | 'accumulation' | 'output'
export type ToleranceClass = 'exact-int' | 'exact-rng' | 'geometry' | 'relative' | 'intensity'

export interface Tolerance {
  rtol: number
  atol: number
  ulps: number
}

export interface VariableDef {
  name: string
  stage: Stage
  unit: string
  shape: Shape
  enum?: string[]
  loop: LoopName[]
  inputs: string[]
  tolerance: ToleranceClass
  /** a running sum: each iteration also depends on the variable's previous iteration */
  accumulates?: boolean
  /** what the variable is, for the classification rules (catalogue roles) */
  roles: string[]
  /** the header configuration key that records this value in the same unit */
  config?: string
  meaning: string
  /** position in the catalogue (the emission order of set-up values) */
  index: number
}

/** A named entry of the catalogue's class and role lists. */
export interface Definition {
  name: string
  meaning: string
}

export interface LoopDef extends Definition {
  name: LoopName
  /** bits of this coordinate in a packed alignment key */
  keyBits: number
  /** the set-up variable holding this loop's extent */
  count: string
}

export interface Catalogue {
  version: number
  variables: VariableDef[]
  byName: Map<string, VariableDef>
  loopOrder: LoopName[]
  loops: LoopDef[]
  /** the divergence classes (the one list: report.schema.json's enum is generated from it) */
  classes: Definition[]
  roles: Definition[]
  /** the variables holding a role, in catalogue order */
  byRole(role: string): VariableDef[]
  tolerances: Record<ToleranceClass, {meaning: string; f64: Tolerance; f32: Tolerance}>
  /** names that (transitively) depend on each name: the cascade of a root cause */
  downstream(name: string): Set<string>
}

let cached: Catalogue | undefined

export function loadCatalogue(): Catalogue {
  if (cached) return cached
  const raw = JSON.parse(readFileSync(schemaPath('catalogue.json'), 'utf8')) as {
    version: number
    loopOrder: LoopName[]
    loops: LoopDef[]
    classes: Definition[]
    roles: Definition[]
    tolerances: Catalogue['tolerances']
    variables: (Omit<VariableDef, 'index' | 'roles'> & {roles?: string[]})[]
  }
  const variables = raw.variables.map((v, index) => ({...v, roles: v.roles ?? [], index}))
  const roleNames = new Set(raw.roles.map((r) => r.name))
  const holders = new Map<string, VariableDef[]>([...roleNames].map((r) => [r, []]))
  for (const v of variables) {
    for (const r of v.roles) {
      if (!roleNames.has(r)) throw new Error(`catalogue: ${v.name} has unknown role ${r}`)
      holders.get(r)!.push(v)
    }
  }
  const byRole = (role: string): VariableDef[] => {
    const h = holders.get(role)
    if (!h) throw new Error(`catalogue: unknown role ${role}`)
    return h
  }
  const byName = new Map(variables.map((v) => [v.name, v]))
  const consumers = new Map<string, string[]>()
  for (const v of variables) for (const i of v.inputs) consumers.set(i, [...(consumers.get(i) ?? []), v.name])
  const down = new Map<string, Set<string>>()
  const downstream = (name: string): Set<string> => {
    const hit = down.get(name)
    if (hit) return hit
    const out = new Set<string>()
    const stack = [...(consumers.get(name) ?? [])]
    while (stack.length) {
      const n = stack.pop()!
      if (out.has(n)) continue
      out.add(n)
      stack.push(...(consumers.get(n) ?? []))
    }
    down.set(name, out)
    return out
  }
  const known: Record<LoopName, true> = {thick: true, subS: true, subF: true, source: true, phi: true, mosaic: true}
  if (raw.loopOrder.length !== Object.keys(known).length || raw.loopOrder.some((l) => !known[l]) || new Set(raw.loopOrder).size !== raw.loopOrder.length) {
    throw new Error(`catalogue: loopOrder ${JSON.stringify(raw.loopOrder)} does not match the LoopName type`)
  }
  cached = {
    version: raw.version,
    variables,
    byName,
    loopOrder: raw.loopOrder,
    loops: raw.loops,
    classes: raw.classes,
    roles: raw.roles,
    byRole,
    tolerances: raw.tolerances,
    downstream,
  }
  return cached
}

/** The loop axes, outermost first (catalogue.json's loopOrder). */
export const LOOP_NAMES: readonly LoopName[] = loadCatalogue().loopOrder
/** Membership test for loop-axis names (text read from a trace). */
export const LOOP_SET: ReadonlySet<string> = new Set(LOOP_NAMES)
