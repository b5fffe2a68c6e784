// The one entry point of the compare pipeline into the trace-reading layer: a path (or `-`, or
// a trace already in memory) becomes a Side, whatever its format. Contract traces are read as
// they stream (contract.ts); legacy logs are read by their producer's profile into memory.
import {readLegacyLog, type Producer} from '../legacy/index.js'
import type {LoadedTrace} from '../reader.js'
import {contractSide} from './contract.js'
import {detectFormat, type Format} from './format.js'
import {memorySide} from './memory.js'
import type {Role, Side} from './side.js'
import {reopenable} from './spool.js'

export interface OpenOptions {
  /** force a format instead of detecting it from the first line */
  format?: 'auto' | Format
  /** the legacy producer profile (default: detected from the log) */
  producer?: Producer
}

export async function openSide(role: Role, input: string | LoadedTrace, o: OpenOptions = {}): Promise<Side> {
  if (typeof input !== 'string') return memorySide(role, input)
  const path = reopenable(input)
  const format = !o.format || o.format === 'auto' ? detectFormat(path, input) : o.format
  if (format === 'legacy') return memorySide(role, await readLegacyLog(input, {producer: o.producer, path}))
  return contractSide(role, path, input)
}
