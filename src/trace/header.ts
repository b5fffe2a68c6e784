// Header construction shared by every producer written in TypeScript.
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {canonicalJson} from './numbers.js'
import type {Config, HeaderRecord, InputFile, Pixel, Producer} from './records.js'

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function configHash(config: Config): string {
  return sha256Hex(canonicalJson(config))
}

export function inputFile(role: InputFile['role'], path: string): InputFile {
  return {role, path, sha256: sha256Hex(readFileSync(path))}
}

export function makeHeader(p: {
  producer: Producer
  pixel: Pixel | null
  args: string[]
  config: Config | null
  inputs?: InputFile[]
  format?: 'nbtrace' | 'legacy'
}): HeaderRecord {
  return {
    type: 'header',
    schema: 'nbtrace-trace',
    version: 1,
    format: p.format ?? 'nbtrace',
    producer: p.producer,
    pixel: p.pixel,
    args: p.args,
    config: p.config,
    configHash: p.config ? configHash(p.config) : null,
    inputs: p.inputs ?? [],
    created: new Date().toISOString(),
    catalogue: 1,
  }
}
