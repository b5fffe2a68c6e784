// Legacy log reader: turns hand-made TRACE_C / TRACE_PY logs (and a port's free-form report)
// into contract records without manual editing. Values carry no loop coordinates unless the
// line itself states them (TRACE_C_PHI phi_tic=, TRACE_C_SOURCE2:, TRACE_PY_SOURCE i:): loops
// are null or partial, never invented. Unrecognised lines are counted and reported.
import {loadCatalogue, type VariableDef} from '../../catalogue/catalogue.js'
import {InputError} from '../../util/errors.js'
import {hashFile} from '../source/input.js'
import {readLines} from '../source/lines.js'
import {reopenable} from '../source/spool.js'
import type {LoadedTrace} from '../reader.js'
import type {HeaderRecord, Loop, Pixel, ValueRecord} from '../records.js'
import {
  FREEFORM_MAP, GEOMETRY_MAP, GEOMETRY_REDUNDANT, isRedundantPixelName, type NameMap, PHI_MAP, PIXEL_MAP,
  type Producer, SOURCE_MAP, SOURCE_REDUNDANT,
} from './mapping.js'

export type {Producer} from './mapping.js'

const RTD = 180 * (1 / Math.PI)

/** Parses one printed number: C's inf/-inf/nan/-nan and Python's forms included. */
export function parseLegacyNumber(tok: string): number | undefined {
  const t = tok.trim()
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  if (/^[+-]?nan$/i.test(t)) return Number.NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined
  return Number(t)
}

/** Splits a printed value ("1 2 3", "[1.0, 2.0]", "[a b c; d e f; g h i]", "6.2 Å") into numbers and a unit. */
export function parseLegacyValues(text: string): {nums: number[]; unit: string | null; bad: string | null} {
  const toks = text.replace(/[[\],;]/g, ' ').trim().split(/\s+/).filter(Boolean)
  const nums: number[] = []
  let unit: string | null = null
  for (let i = 0; i < toks.length; i++) {
    const v = parseLegacyNumber(toks[i])
    if (v !== undefined) nums.push(v)
    else if (i === toks.length - 1 && nums.length > 0) unit = toks[i]
    else return {nums, unit, bad: toks[i]}
  }
  return {nums, unit, bad: null}
}

interface Ctx {
  producer: Producer
  file: string
  cat: ReturnType<typeof loadCatalogue>
  values: ValueRecord[]
  lines: number[]
  unmapped: Map<string, number>
  notes: string[]
  pivot: 'beam' | 'sample' | null
}

function emit(ctx: Ctx, line: number, printed: string, map: NameMap, nums: number[], loop: Loop | null, unit: string | null): void {
  const def: VariableDef | undefined = ctx.cat.byName.get(map.name)
  if (!def) throw new Error(`legacy mapping names unknown catalogue variable ${map.name}`)
  const conv = (x: number): number => {
    let v = x
    if (map.transform === 'square') v = v * v
    else if (map.transform === 'deg2rad') v = v / RTD
    else if (map.transform === 'round-int' && Number.isFinite(v)) v = Math.round(v)
    if (map.scale !== undefined) v = v * map.scale
    return v
  }
  if (unit === 'Å' && map.scale === undefined && def.unit === 'm') map = {...map, scale: 1e-10}
  const want = map.component ? 1 : def.shape === 'mat3' ? 9 : def.shape === 'vec3' || def.shape === 'ivec3' ? 3 : 1
  if (nums.length !== want) {
    ctx.notes.push(`line ${line}: ${printed} has ${nums.length} value(s), ${map.name} needs ${want}; skipped`)
    ctx.unmapped.set(printed, (ctx.unmapped.get(printed) ?? 0) + 1)
    return
  }
  const vals = nums.map(conv)
  if (def.loop.length === 0) loop = {}
  const rec: ValueRecord = {
    type: 'value',
    seq: ctx.values.length,
    name: map.name,
    loop,
    value: want === 1 ? vals[0] : vals,
    origin: {line, name: printed},
  }
  if (map.component) rec.origin!.component = map.component
  ctx.values.push(rec)
  ctx.lines.push(line)
}

function unmapped(ctx: Ctx, printed: string): void {
  ctx.unmapped.set(printed, (ctx.unmapped.get(printed) ?? 0) + 1)
}

/** Guesses the producer of a log from its lines (streamed). */
export function detectProducer(path: string, name: string = path): Producer {
  let py = 0
  let c = 0
  let pytorch = false
  for (const [, s] of readLines(path, {name})) {
    if (s.startsWith('TRACE_PY')) py++
    else if (s.startsWith('TRACE_C')) c++
    if (!pytorch && s.includes('PyTorch')) pytorch = true
  }
  return py + (pytorch ? 1 : 0) > c ? 'py' : 'c'
}

export interface LegacyOptions {
  producer?: Producer
  /** where to read `file` from when it was spooled already (stdin, a FIFO) */
  path?: string
}

export async function readLegacyLog(file: string, opts: LegacyOptions = {}): Promise<LoadedTrace> {
  const path = opts.path ?? reopenable(file)
  const producer = opts.producer ?? detectProducer(path, file)
  const ctx: Ctx = {producer, file, cat: loadCatalogue(), values: [], lines: [], unmapped: new Map(), notes: [], pivot: null}
  let pixel: Pixel | null = null
  let precision: 'float64' | 'float32' | 'unknown' = 'unknown'
  let recognized = 0
  let unrecognized = 0
  let ignored = 0
  let freeform = false
  let sourceTable = 0
  let sourceIndex = 0
  let nLines = 0
  const pixelMap = PIXEL_MAP[producer]

  for (const [line, s] of readLines(path, {name: file})) {
    nLines++
    if (!s.trim()) continue
    let m: RegExpMatchArray | null

    if (sourceTable > 0) {
      const {nums, bad} = parseLegacyValues(s)
      if (!bad && nums.length === 5) {
        recognized++
        const [x, y, z, w, lam] = nums
        const n = Math.sqrt(x * x + y * y + z * z)
        const dir = n > 0 ? [x / n, y / n, z / n] : [0, 0, 0]
        emit(ctx, line, 'source_table', {name: 'source_dir'}, dir, {source: sourceIndex}, null)
        emit(ctx, line, 'source_table', {name: 'source_lambda'}, [lam], {source: sourceIndex}, null)
        emit(ctx, line, 'source_table', {name: 'source_weight'}, [w], {source: sourceIndex}, null)
        if (lam === 0) ctx.notes.push(`line ${line}: source ${sourceIndex} has wavelength 0 (a comment or short line read as a source?)`)
        sourceIndex++
        sourceTable--
        continue
      }
      sourceTable = 0
    }

    if ((m = s.match(/^TRACE_CONFIG: tracing pixel \(spixel=(\d+), fpixel=(\d+)\)/))) {
      recognized++
      pixel = {slow: Number(m[1]), fast: Number(m[2])}
    } else if ((m = s.match(/^\s*#?\s*Tracing pixel \(slow=(\d+), fast=(\d+)\)/))) {
      recognized++
      pixel = {slow: Number(m[1]), fast: Number(m[2])}
    } else if ((m = s.match(/^=+ (.*?)Trace for Pixel \((\d+), (\d+)\) =+$/))) {
      recognized++
      freeform = true
      pixel = {slow: Number(m[2]), fast: Number(m[3])}
      ctx.notes.push(`line ${line}: free-form report; pixel (${m[2]}, ${m[3]}) read as (slow, fast)`)
    } else if ((m = s.match(/^TRACE_(?:C|PY)_PHI\s+(.*)$/))) {
      recognized++
      const kv = Object.fromEntries([...m[1].matchAll(/(\w+)=(\S+)/g)].map((x) => [x[1], x[2]]))
      const tic = kv.phi_tic !== undefined ? Number(kv.phi_tic) : undefined
      const loop: Loop | null = tic !== undefined && Number.isInteger(tic) ? {phi: tic} : null
      for (const [k, v] of Object.entries(kv)) {
        if (k === 'phi_tic') continue
        const map = PHI_MAP[k]
        const num = parseLegacyNumber(v)
        if (!map || num === undefined) unmapped(ctx, `PHI.${k}`)
        else emit(ctx, line, `PHI.${k}`, map, [num], loop, null)
      }
    } else if ((m = s.match(/^TRACE_C_SOURCE(\d+):\s*(\S+)\s+(.*)$/)) || (m = s.match(/^TRACE_PY_SOURCE\s+(\d+):\s*(\S+)\s+(.*)$/))) {
      recognized++
      const name = m[2]
      const map = SOURCE_MAP[name]
      if (SOURCE_REDUNDANT.has(name)) continue
      const {nums, unit, bad} = parseLegacyValues(m[3])
      if (!map || bad) unmapped(ctx, `SOURCE.${name}`)
      else {
        const scoped = map.name === 'source_dir' || map.name === 'source_lambda' || map.name === 'source_weight'
        emit(ctx, line, `SOURCE.${name}`, map, nums, {source: Number(m[1])}, unit)
        if (!scoped) ctx.notes.push(`line ${line}: ${name} of source ${m[1]} (other loop coordinates unknown)`)
      }
    } else if ((m = s.match(/^TRACE_(?:C|PY):(\w+)=(.*)$/))) {
      recognized++
      const name = m[1]
      const g = GEOMETRY_MAP[name]
      if (GEOMETRY_REDUNDANT.has(name)) continue
      if (!g) {
        unmapped(ctx, name)
        continue
      }
      const map = 'beam' in g ? (ctx.pivot === 'sample' ? g.sample : g.beam) : g
      const {nums, unit, bad} = parseLegacyValues(m[2])
      if (bad) unmapped(ctx, name)
      else emit(ctx, line, name, map, nums, {}, unit)
    } else if ((m = s.match(/^TRACE_(?:C|PY):\s+(\S+)\s*(.*)$/))) {
      recognized++
      const name = m[1]
      if (isRedundantPixelName(name)) continue
      const map = pixelMap[name]
      const {nums, unit, bad} = parseLegacyValues(m[2])
      if (!map || bad) unmapped(ctx, name)
      else emit(ctx, line, name, map, nums, null, unit)
    } else if (/^TRACE(_[A-Z0-9]+)*:?/.test(s) && /^TRACE(:|_C_TAP5|_PY_TRICUBIC)/.test(s)) {
      // human-readable %g set-up lines and debug taps: recognized, deliberately not compared
      recognized++
      ignored++
    } else if ((m = s.match(/created a total of (\d+) sources/))) {
      recognized++
      emit(ctx, line, 'created_sources', {name: 'n_sources'}, [Number(m[1])], {}, null)
      sourceTable = Number(m[1])
      sourceIndex = 0
    } else if ((m = s.match(/^\s*Loaded (\d+) sources/))) {
      recognized++
      emit(ctx, line, 'loaded_sources', {name: 'n_sources'}, [Number(m[1])], {}, null)
    } else if ((m = s.match(/pivoting detector around (sample|direct beam spot)/))) {
      recognized++
      ctx.pivot = m[1] === 'sample' ? 'sample' : 'beam'
    } else if ((m = s.match(/Dtype: torch\.(float32|float64)/))) {
      recognized++
      precision = m[1] as 'float32' | 'float64'
    } else if (freeform && (m = s.match(/^\s+([^:]+?):\s+(.+)$/))) {
      const name = m[1].replace(/\[.*\]$/, '').trim()
      const map = FREEFORM_MAP[name]
      const {nums, unit, bad} = parseLegacyValues(m[2])
      recognized++
      if (!map || bad) unmapped(ctx, name)
      else emit(ctx, line, name, map, nums, null, unit)
    } else if (/^[A-Za-z][\w ()/^²-]*:\s*$/.test(s) && freeform) {
      recognized++ // section heading of a free-form report
    } else {
      unrecognized++
    }
  }
  if (ctx.values.length === 0) {
    throw new InputError(`no trace lines recognised (${unrecognized} unrecognised lines); expected TRACE_C/TRACE_PY lines or a contract trace`, {file, line: 1})
  }
  if (ignored) ctx.notes.push(`${ignored} human-readable TRACE:/tap lines recognised and not compared (%g precision)`)
  if (!pixel) ctx.notes.push('no traced-pixel line found; pixel unknown')
  const header: HeaderRecord = {
    type: 'header',
    schema: 'nbtrace-trace',
    version: 1,
    format: 'legacy',
    producer: {name: `legacy-${producer}`, version: 'unknown', precision},
    pixel,
    args: [],
    config: null,
    configHash: null,
    inputs: [{role: 'log', path: file, sha256: hashFile(path)}],
    created: new Date().toISOString(),
    catalogue: 1,
    legacy: {
      producer,
      source: file,
      lines: nLines,
      recognized,
      unrecognized,
      unmapped: [...ctx.unmapped.entries()].map(([k, n]) => (n > 1 ? `${k} (x${n})` : k)),
      notes: ctx.notes,
    },
  }
  return {file, header, values: ctx.values, lines: ctx.lines, footer: {type: 'footer', count: ctx.values.length, status: 'complete'}}
}
