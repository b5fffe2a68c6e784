// The compiled JSON Schema validators (ajv, draft 2020-12), compiled once per process.
import {readFileSync} from 'node:fs'
import * as Ajv2020Module from 'ajv/dist/2020.js'
import type {ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'
import {schemaPath} from '../util/paths.js'

// ajv ships CommonJS: the class is the default export's default under NodeNext.
type AjvClass = typeof Ajv2020Module.Ajv2020
const Ajv2020: AjvClass = (Ajv2020Module as unknown as {default: AjvClass}).default

let ajv: InstanceType<AjvClass> | undefined

export function getAjv(): InstanceType<AjvClass> {
  if (ajv) return ajv
  ajv = new Ajv2020({allErrors: false, strict: false})
  for (const f of ['config.schema.json', 'trace.schema.json']) {
    ajv.addSchema(JSON.parse(readFileSync(schemaPath(f), 'utf8')) as object, f)
  }
  return ajv
}

const compiled = new Map<string, ValidateFunction>()

/** Validator for a schema file in schemas/ (optionally a $defs entry, e.g. trace.schema.json#/$defs/value). */
export function validatorFor(ref: string): ValidateFunction {
  let v = compiled.get(ref)
  if (v) return v
  const a = getAjv()
  const [file] = ref.split('#')
  if (!a.getSchema(file)) a.addSchema(JSON.parse(readFileSync(schemaPath(file), 'utf8')) as object, file)
  v = a.getSchema(ref)
  if (!v) throw new Error(`no schema ${ref}`)
  compiled.set(ref, v)
  return v
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing'
  if (x === null) return 'null'
  if (Array.isArray(x)) return `an array of ${x.length}`
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`
  if (typeof x === 'object') return 'an object'
  return `${typeof x} ${String(x)}`
}

function at(obj: unknown, pointer: string): unknown {
  let cur = obj
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return cur
}

/** One readable sentence per ajv error: the JSON pointer, what was expected, what was found. */
export function explainAjvError(e: ErrorObject, data: unknown): {pointer: string; message: string} {
  let pointer = e.instancePath || '/'
  let expected: string
  switch (e.keyword) {
    case 'required':
      pointer = `${e.instancePath}/${(e.params as {missingProperty: string}).missingProperty}`
      return {pointer, message: `expected property "${(e.params as {missingProperty: string}).missingProperty}", found nothing`}
    case 'additionalProperties':
      pointer = `${e.instancePath}/${(e.params as {additionalProperty: string}).additionalProperty}`
      return {pointer, message: `unexpected property "${(e.params as {additionalProperty: string}).additionalProperty}"`}
    case 'const':
      expected = JSON.stringify((e.params as {allowedValue: unknown}).allowedValue)
      break
    case 'enum':
      expected = `one of ${JSON.stringify((e.params as {allowedValues: unknown[]}).allowedValues)}`
      break
    case 'type':
      expected = `${(e.params as {type: string}).type}`
      break
    case 'minimum':
      expected = `a value >= ${(e.params as {limit: number}).limit}`
      break
    case 'pattern':
      expected = `text matching ${(e.params as {pattern: string}).pattern}`
      break
    case 'minLength':
      expected = `at least ${(e.params as {limit: number}).limit} characters`
      break
    case 'minItems':
    case 'maxItems':
      expected = `an array with ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${(e.params as {limit: number}).limit} items`
      break
    default:
      expected = e.message ?? e.keyword
  }
  return {pointer, message: `expected ${expected}, found ${describe(at(data, e.instancePath))}`}
}
