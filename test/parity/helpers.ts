import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import * as A from 'ajv/dist/2020.js'
import {CLI} from '../helpers/cli.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export function tempDir(prefix = 'nbtrace-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function floatBytes(values: ArrayLike<number>): Buffer {
  const b = Buffer.alloc(4 * values.length)
  for (let i = 0; i < values.length; i++) b.writeFloatLE(values[i], 4 * i)
  return b
}

export function writeFloat(path: string, values: ArrayLike<number>): string {
  writeFileSync(path, floatBytes(values))
  return path
}

export interface SmvOptions {
  headerBytes?: number
  byteOrder?: string | null
  type?: string
  size1?: number | string
  size2?: number | string
  /** bytes of pixel data to keep (default: all) */
  dataBytes?: number
  /** cut the file to this many bytes in total */
  truncateTo?: number
}

export function smvBytes(fast: number, slow: number, values: ArrayLike<number>, o: SmvOptions = {}): Buffer {
  const hb = o.headerBytes ?? 512
  const fields = [`HEADER_BYTES=${hb};`, 'DIM=2;']
  if (o.byteOrder !== null) fields.push(`BYTE_ORDER=${o.byteOrder ?? 'little_endian'};`)
  fields.push(`TYPE=${o.type ?? 'unsigned_short'};`, `SIZE1=${o.size1 ?? fast};`, `SIZE2=${o.size2 ?? slow};`, 'PIXEL_SIZE=0.1;')
  let text = '{\n' + fields.join('\n') + '\n}\f'
  text = text.padEnd(hb, ' ')
  const header = Buffer.from(text, 'latin1')
  const data = Buffer.alloc(2 * values.length)
  const big = o.byteOrder === 'big_endian'
  for (let i = 0; i < values.length; i++) {
    if (big) data.writeUInt16BE(values[i], 2 * i)
    else data.writeUInt16LE(values[i], 2 * i)
  }
  let out = Buffer.concat([header, o.dataBytes !== undefined ? data.subarray(0, o.dataBytes) : data])
  if (o.truncateTo !== undefined) out = out.subarray(0, o.truncateTo)
  return out
}

export function writeSmv(path: string, fast: number, slow: number, values: ArrayLike<number>, o: SmvOptions = {}): string {
  writeFileSync(path, smvBytes(fast, slow, values, o))
  return path
}

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * Drops Node process warnings (e.g. oclif's ModuleLoadError while another engineer's command in
 * the shared tree does not load yet): they are not this command's output.
 */
export function stripProcessWarnings(stderr: string): string {
  const out: string[] = []
  let skipping = false
  for (const line of stderr.split('\n')) {
    if (/^\(node:\d+\) /.test(line)) skipping = true
    else if (/^(nbtrace|warning): /.test(line)) skipping = false
    if (!skipping) out.push(line)
  }
  return out.join('\n')
}

/** Runs the CLI in development mode (TypeScript sources) with colour off. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT): RunResult {
  const r = spawnSync(CLI[0], [...CLI.slice(1), ...args], {
    cwd,
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', ...env},
  })
  return {status: r.status, stdout: r.stdout, stderr: stripProcessWarnings(r.stderr)}
}

const Ajv = (A as any).default

export function schemaValidator(file: string): (data: unknown) => {ok: boolean; errors: string} {
  const ajv = new Ajv({allErrors: true, strict: false})
  for (const f of ['config.schema.json', 'trace.schema.json']) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8')), f)
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', file), 'utf8'))
  const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema)
  return (data: unknown) => {
    const ok = validate(data) as boolean
    return {ok, errors: ok ? '' : ajv.errorsText(validate.errors)}
  }
}
