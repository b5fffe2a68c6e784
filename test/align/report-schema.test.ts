// The Report type (src/compare/report.ts) and schemas/report.schema.json describe one object:
// this walks the type with the TypeScript checker and the schema side by side, and fails on a
// property one has and the other lacks, a required/optional mismatch, or a literal union that
// differs from the schema's enum.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import ts from 'typescript'
import {ROOT} from '../helpers/cli.js'

type Schema = Record<string, unknown>

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'report.schema.json'), 'utf8')) as Schema

function resolve(s: Schema): Schema {
  let cur = s
  while (typeof cur.$ref === 'string') {
    const ref = cur.$ref
    assert.ok(ref.startsWith('#/'), `only local $refs are followed: ${ref}`)
    cur = ref
      .slice(2)
      .split('/')
      .reduce<Schema>((o, k) => o[k] as Schema, schema)
  }
  if (Array.isArray(cur.allOf)) {
    // merge object constraints (later entries refine earlier ones)
    const parts = [...(cur.allOf as Schema[]).map(resolve), {...cur, allOf: undefined}]
    const props: Record<string, Schema> = {}
    const req = new Set<string>()
    for (const p of parts) {
      Object.assign(props, (p.properties as Record<string, Schema>) ?? {})
      for (const r of (p.required as string[]) ?? []) req.add(r)
    }
    return {type: 'object', properties: props, required: [...req]}
  }
  return cur
}

/** The alternatives a schema allows, as kinds: null, boolean, number, string, "lit:x", array, object, any. */
function schemaKinds(s0: Schema): Map<string, Schema> {
  const s = resolve(s0)
  const out = new Map<string, Schema>()
  const alts = (s.oneOf ?? s.anyOf) as Schema[] | undefined
  if (alts) {
    for (const a of alts) for (const [k, v] of schemaKinds(a)) out.set(k, v)
    return out
  }
  if ('const' in s) out.set(`lit:${JSON.stringify(s.const)}`, s)
  else if (Array.isArray(s.enum)) for (const e of s.enum) out.set(e === null ? 'null' : `lit:${JSON.stringify(e)}`, s)
  else if (s.type === undefined) out.set('any', s)
  else for (const t of [s.type].flat() as string[]) out.set(t === 'integer' ? 'number' : t, s)
  return out
}

function check(checker: ts.TypeChecker, type: ts.Type, s: Schema, path: string, errors: string[]): void {
  const kinds = schemaKinds(s)
  if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return
  if (kinds.has('any')) return
  const members = type.isUnion() ? type.types : [type]
  const seen = new Set<string>()
  const literals: string[] = []
  for (const m of members) {
    let k: string
    if (m.flags & ts.TypeFlags.Undefined) continue // an optional property's absence
    if (m.flags & ts.TypeFlags.Null) k = 'null'
    else if (m.flags & ts.TypeFlags.BooleanLiteral || m.flags & ts.TypeFlags.Boolean) k = 'boolean'
    else if (m.isStringLiteral()) k = `lit:${JSON.stringify(m.value)}`
    else if (m.isNumberLiteral()) k = `lit:${JSON.stringify(m.value)}`
    else if (m.flags & ts.TypeFlags.Number) k = 'number'
    else if (m.flags & ts.TypeFlags.String) k = 'string'
    else if (checker.isArrayType(m)) k = 'array'
    else if (m.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) k = 'object'
    else {
      errors.push(`${path}: unhandled type ${checker.typeToString(m)}`)
      continue
    }
    if (seen.has(k)) continue
    seen.add(k)
    if (k.startsWith('lit:')) literals.push(k)
    // a literal the schema allows by its base type (const 1 as number) or a TS string the schema narrows to an enum
    const sk = kinds.get(k) ?? (k.startsWith('lit:"') ? kinds.get('string') : k.startsWith('lit:') ? kinds.get('number') : undefined)
    if (!sk) {
      if (k === 'string' && [...kinds.keys()].some((x) => x.startsWith('lit:"'))) continue
      errors.push(
        `${path}: the type allows ${k === 'object' || k === 'array' ? k : k.replace(/^lit:/, '')} (${checker.typeToString(type)}), the schema does not`,
      )
      continue
    }
    if (k === 'array') {
      const elem = checker.getTypeArguments(m as ts.TypeReference)[0]
      check(checker, elem, (sk.items as Schema) ?? {}, `${path}[]`, errors)
    } else if (k === 'object') checkObject(checker, m, sk, path, errors)
  }
  // literal unions must equal the enum (a string-typed field may be narrowed by the schema)
  const schemaLits = [...kinds.keys()].filter((x) => x.startsWith('lit:'))
  if (literals.length && !seen.has('string')) {
    for (const l of schemaLits) if (!seen.has(l)) errors.push(`${path}: the schema allows ${l.slice(4)}, the type does not (${checker.typeToString(type)})`)
  }
  for (const k of kinds.keys()) {
    if (k.startsWith('lit:') || k === 'any') continue
    if (!seen.has(k) && !(k === 'string' && literals.length) && !(k === 'number' && literals.some((l) => !l.startsWith('lit:"')))) {
      errors.push(`${path}: the schema allows ${k}, the type does not (${checker.typeToString(type)})`)
    }
  }
}

function checkObject(checker: ts.TypeChecker, type: ts.Type, s: Schema, path: string, errors: string[]): void {
  const props = (s.properties as Record<string, Schema>) ?? {}
  const required = new Set((s.required as string[]) ?? [])
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String)
  const tprops = checker.getPropertiesOfType(type)
  if (index && tprops.length === 0) {
    const add = s.additionalProperties
    if (typeof add !== 'object') errors.push(`${path}: the type is a record, the schema has no additionalProperties schema`)
    else check(checker, index.type, add as Schema, `${path}{}`, errors)
    return
  }
  const names = new Set<string>()
  for (const p of tprops) {
    const n = p.getName()
    names.add(n)
    const at = `${path}.${n}`
    const ps = props[n]
    if (!ps) {
      errors.push(`${at}: in the type, not in the schema`)
      continue
    }
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0
    if (optional === required.has(n))
      errors.push(`${at}: ${optional ? 'optional in the type, required in the schema' : 'required in the type, optional in the schema'}`)
    check(checker, checker.getTypeOfSymbol(p), ps, at, errors)
  }
  for (const n of Object.keys(props)) if (!names.has(n)) errors.push(`${path}.${n}: in the schema, not in the type`)
}

describe('Report type and schemas/report.schema.json', function () {
  this.timeout(120000)
  it('describe the same object', () => {
    const file = join(ROOT, 'src', 'compare', 'report.ts')
    const program = ts.createProgram([file], {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      skipLibCheck: true,
    })
    const checker = program.getTypeChecker()
    const sf = program.getSourceFile(file)!
    const sym = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!).find((x) => x.getName() === 'Report')
    assert.ok(sym, 'interface Report in src/compare/report.ts')
    const type = checker.getDeclaredTypeOfSymbol(sym)
    assert.ok(checker.getPropertiesOfType(type).length >= 10, 'the checker resolved the Report type')
    const errors: string[] = []
    check(checker, type, schema, 'Report', errors)
    assert.deepEqual(errors, [])
  })
})
