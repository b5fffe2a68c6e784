// The one entry point of the compare pipeline into the trace-reading layer: a path (or `-`, or
// a trace already in memory) becomes a Side, whatever its format. Contract traces are read as
// they stream (contract.ts); legacy logs are read by their producer's profile into memory, with
// the loop extents they do not print taken from the other side's set-up values.
import {LOOP_NAMES} from '../../catalogue/catalogue.js'
import {EXTENT_OF, readLegacyLog, type Extents, type Producer} from '../legacy/index.js'
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
  /** loop extents a legacy log does not print (catalogue set-up names: oversample, n_sources, …) */
  extents?: Extents
}

export async function openSide(role: Role, input: string | LoadedTrace, o: OpenOptions = {}): Promise<Side> {
  if (typeof input !== 'string') return memorySide(role, input)
  const path = reopenable(input)
  const format = !o.format || o.format === 'auto' ? detectFormat(path, input) : o.format
  if (format === 'legacy') return memorySide(role, await readLegacyLog(input, {producer: o.producer, path, extents: o.extents}))
  return contractSide(role, path, input)
}

const EXTENT_NAMES = new Set(Object.values(EXTENT_OF))

/**
 * The loop extents a side states as set-up values (detector_thicksteps, oversample, n_sources,
 * phisteps, mosaic_domains): read from its first records, up to the first record inside a loop.
 */
export function setupExtents(side: Side): Extents {
  const out: Extents = {}
  const c = side.open()
  try {
    let n = 0
    while (c.next() && n++ < 100_000) {
      const r = c.rec()
      if (r.def.loop.length > 0) {
        if (r.loop && Object.keys(r.loop).length && side.format !== 'legacy') break
        continue
      }
      if (EXTENT_NAMES.has(r.name) && typeof r.value === 'number' && out[r.name] === undefined) out[r.name] = r.value
      if (LOOP_NAMES.every((a) => out[EXTENT_OF[a]] !== undefined)) break
    }
  } finally {
    c.close()
  }
  return out
}

/**
 * Both sides of a comparison. A legacy log is opened after the other side, with that side's
 * set-up values as the loop extents it does not print.
 */
export async function openSides(
  ref: string | LoadedTrace,
  cand: string | LoadedTrace,
  oRef: OpenOptions = {},
  oCand: OpenOptions = {},
): Promise<{ref: Side; cand: Side}> {
  const isLegacy = (x: string | LoadedTrace, o: OpenOptions): boolean =>
    typeof x === 'string' ? (o.format && o.format !== 'auto' ? o.format === 'legacy' : detectFormat(reopenable(x), x) === 'legacy') : false
  if (isLegacy(ref, oRef) && !isLegacy(cand, oCand)) {
    const c = await openSide('cand', cand, oCand)
    const r = await openSide('ref', ref, {...oRef, extents: {...setupExtents(c), ...oRef.extents}})
    return {ref: r, cand: c}
  }
  const r = await openSide('ref', ref, oRef)
  const c = await openSide('cand', cand, {...oCand, extents: {...setupExtents(r), ...oCand.extents}})
  return {ref: r, cand: c}
}
