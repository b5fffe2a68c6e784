// The variable catalogue (schemas/catalogue.json): names, units, shapes, loop scopes, dataflow
// inputs and tolerance classes. Everything that needs to know about a traced quantity asks here.
import {readFileSync} from 'node:fs'
import {LOOP_NAMES, type LoopName} from '../trace/records.js'
import {schemaPath} from '../util/paths.js'

export type Shape = 'scalar' | 'int' | 'vec3' | 'ivec3' | 'mat3' | 'enum'
export type Stage =
  | 'setup' | 'geometry' | 'sources' | 'orientation' | 'rng' | 'lattice'
  | 'structure-factor' | 'polarization' | 'normalization' | 'accumulation' | 'output'
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
  for (const l of raw.loopOrder) if (!LOOP_NAMES.includes(l)) throw new Error(`catalogue: unknown loop ${l}`)
  cached = {version: raw.version, variables, byName, loopOrder: raw.loopOrder, loops: raw.loops, classes: raw.classes, roles: raw.roles, byRole, tolerances: raw.tolerances, downstream}
  return cached
}
