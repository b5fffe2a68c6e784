// Legacy log → contract trace file.
import {readLegacyLog, type Extents, type Producer} from './legacy/index.js'
import {writeTrace} from './writer.js'

export interface ConvertResult {
  out: string
  producer: 'c' | 'py' | 'freeform'
  profile: string
  coordinates: 'true' | 'partial' | 'none'
  pixel: {slow: number; fast: number} | null
  values: number
  lines: number
  recognized: number
  unrecognized: number
  unmapped: string[]
  notes: string[]
}

export async function convertLegacy(log: string, out: string, producer?: Producer, extents?: Extents): Promise<ConvertResult> {
  // a faithful copy: every printed value is a record, a value the log prints twice included
  const t = await readLegacyLog(log, {producer, extents, repeats: 'keep'})
  await writeTrace(out, t.header, t.values)
  const L = t.header.legacy!
  return {
    out,
    producer: L.producer,
    profile: L.profile ?? L.producer,
    coordinates: L.coordinates ?? 'none',
    pixel: t.header.pixel,
    values: t.values.length,
    lines: L.lines,
    recognized: L.recognized,
    unrecognized: L.unrecognized,
    unmapped: L.unmapped ?? [],
    notes: L.notes ?? [],
  }
}
