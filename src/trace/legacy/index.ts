// Legacy log reader: turns hand-made logs (TRACE_C / TRACE_PY builds, a port's free-form
// report) into contract records without manual editing, through the producer's profile
// (schemas/producers/*.json, profile.ts): each printed name becomes its catalogue variable in
// the catalogue unit, at the loop coordinates the producer's gating says it was printed at. The
// coordinates that depend on loop extents the line does not print (layers, oversample, sources,
// phi steps, mosaic domains) come from the log's own set-up lines or from the other side's
// set-up values (options.extents); an axis whose extent is unknown is left unstated, never
// guessed. An unknown producer gets only what its lines state. Unrecognised lines are counted,
// names that cannot be mapped are listed.
import {loadCatalogue, LOOP_NAMES, type LoopName, type VariableDef} from '../../catalogue/catalogue.js'
import {InputError} from '../../util/errors.js'
import {hashFile} from '../source/input.js'
import {readLines} from '../source/lines.js'
import {reopenable} from '../source/spool.js'
import type {LoadedTrace} from '../reader.js'
import type {HeaderRecord, LegacyInfo, Loop, Pixel, ValueRecord} from '../records.js'
import {loadProfiles, profileFor, type LoopRule, type NameMap, type Profile, type Tag} from './profile.js'
import {converter} from './units.js'
import {parseLegacyValues} from './values.js'

export {parseLegacyNumber, parseLegacyValues} from './values.js'

/** `c`, `py`, `freeform` or a profile name (schemas/producers/NAME.json). */
export type Producer = string

/** The catalogue set-up variable that gives each loop axis its extent. */
export const EXTENT_OF: Record<LoopName, string> = {
  thick: 'detector_thicksteps',
  subS: 'oversample',
  subF: 'oversample',
  source: 'n_sources',
  phi: 'phisteps',
  mosaic: 'mosaic_domains',
}

/** Loop extents by catalogue set-up name (detector_thicksteps, oversample, n_sources, phisteps, mosaic_domains). */
export type Extents = Partial<Record<string, number>>

/** Lines longer than this are not program chatter: the set-up regexes are not tried on them. */
const CHATTER_MAX = 512

interface Pending {
  def: VariableDef
  comp: string | undefined
  printed: string
  line: number
  value: number | number[]
  rule: LoopRule
  stated: Loop
  group: string
  occ: number
  digits: number | undefined
}

/** The traced pixel a header line states, in any of the forms logs use, or null. */
export function pixelOf(s: string): Pixel | null {
  if (s.length > CHATTER_MAX) return null
  let m: RegExpExecArray | null
  if ((m = /tracing pixel \(spixel=(\d+), fpixel=(\d+)\)/.exec(s))) return {slow: Number(m[1]), fast: Number(m[2])}
  if ((m = /^\s*#?\s*Tracing pixel \(slow=(\d+), fast=(\d+)\)/.exec(s))) return {slow: Number(m[1]), fast: Number(m[2])}
  if ((m = /^\s*#?\s*Tracing pixel \(fast=(\d+), slow=(\d+)\)/.exec(s))) return {slow: Number(m[2]), fast: Number(m[1])}
  // `Pixel (S, F) [slow, fast]`, `=== TRACE: Pixel (64, 128) [slow, fast] ===`, `... Trace for Pixel (S, F) ===`
  if ((m = /\bPixel \((\d+), (\d+)\)( \[(slow|fast), (slow|fast)\])?/.exec(s))) {
    const a = Number(m[1])
    const b = Number(m[2])
    return m[4] === 'fast' ? {slow: b, fast: a} : {slow: a, fast: b}
  }
  return null
}

/** Picks the profile of a log from its lines (streamed): TRACE_C, TRACE_PY, or free-form. */
export function detectProducer(path: string, name: string = path): Profile {
  let py = 0
  let c = 0
  let pytorch = false
  for (const [, s] of readLines(path, {name, invalidUtf8: 'mark'})) {
    if (s.startsWith('TRACE_PY') && tracePrefix(s)?.kind !== 'other') py++
    else if (s.startsWith('TRACE_C') && tracePrefix(s)?.kind !== 'other') c++
    if (!pytorch && s.length < CHATTER_MAX && s.includes('PyTorch')) pytorch = true
  }
  const tag: Tag = py + (pytorch ? 1 : 0) > c ? 'py' : c > 0 ? 'c' : 'freeform'
  return profileFor(tag)!
}

/** Names of a free-form line (`name = …`, `  name: …`), for the vocabulary count. */
function freeName(s: string): string | null {
  const eq = s.indexOf(' = ')
  if (eq > 0 && eq < 200) {
    const head = s.slice(0, eq).trim()
    const colon = head.indexOf(': ')
    return colon >= 0 ? head.slice(colon + 2).trim() : head
  }
  const colon = s.indexOf(': ')
  if (colon > 0 && colon < 80 && /^\s/.test(s)) return s.slice(0, colon).trim()
  return null
}

/** Whether a free-form log uses the C build's printed names or the catalogue's (more of which it uses). */
function freeVocabulary(path: string, name: string, cNames: Record<string, NameMap>, catalogue: Map<string, unknown>): 'c' | 'catalogue' {
  let c = 0
  let k = 0
  for (const [, s] of readLines(path, {name, invalidUtf8: 'mark'})) {
    const n = freeName(s)
    if (n === null) continue
    if (cNames[n] && !catalogue.has(n)) c++
    else if (catalogue.has(n) && !cNames[n]) k++
  }
  return c > k ? 'c' : 'catalogue'
}

export interface LegacyOptions {
  producer?: Producer
  /** where to read `file` from when it was spooled already (stdin, a FIFO) */
  path?: string
  /** loop extents the log does not print (the other side's set-up values) */
  extents?: Extents
  /**
   * 'keep': every printed line is a record, repeats at the same coordinates included (convert:
   * a faithful copy of the log); default 'drop': a repeat is recognised once (compare)
   */
  repeats?: 'keep' | 'drop'
}

/** Text key of loop coordinates (canonical axis order). */
function loopKey(loop: Loop): string {
  return LOOP_NAMES.filter((a) => loop[a] !== undefined)
    .map((a) => `${a}=${loop[a]}`)
    .join(' ')
}

type SectionName = 'pixel' | 'geometry' | 'phi' | 'source'

/** `PREFIX: rest`, `PREFIX:name=…`, `PREFIX_PHI …`, `PREFIX_SOURCE2: …` of the TRACE_C/TRACE_PY families. */
function tracePrefix(s: string): {family: string; kind: SectionName | 'other'; source?: number; rest: string} | null {
  let family: string
  if (s.startsWith('TRACE_C')) family = 'TRACE_C'
  else if (s.startsWith('TRACE_PY')) family = 'TRACE_PY'
  else return null
  const after = s.slice(family.length)
  if (after.startsWith(': ')) return {family, kind: 'pixel', rest: after.slice(2)}
  if (after.startsWith(':')) return {family, kind: 'geometry', rest: after.slice(1)}
  if (after.startsWith('_PHI ')) return {family, kind: 'phi', rest: after.slice(5)}
  if (after.startsWith('_SOURCE')) {
    let i = 7
    if (after[i] === ' ') i++
    let j = i
    while (j < after.length && after.charCodeAt(j) >= 48 && after.charCodeAt(j) <= 57) j++
    if (j > i && after[j] === ':') return {family, kind: 'source', source: Number(after.slice(i, j)), rest: after.slice(j + 1).trimStart()}
  }
  return {family, kind: 'other', rest: after}
}

/** Splits `name rest`: the first whitespace-separated token and the rest. */
function firstToken(s: string): [string, string] {
  const t = s.trimStart()
  let i = 0
  while (i < t.length && t[i] !== ' ' && t[i] !== '\t') i++
  return [t.slice(0, i), t.slice(i)]
}

/**
 * Bounds of a legacy log: its records are held in memory (the aligner needs all of a log's
 * records at once), so its size is capped rather than its memory left to grow with it. One
 * pixel's log, even per sub-pixel and source, is far below both (NBTRACE_LEGACY_MAX_VALUES=N
 * raises the count for a machine with the memory).
 */
export const MAX_LEGACY_BYTES = 256 * 2 ** 20
export const MAX_LEGACY_RECORDS = Math.max(1, Number(process.env.NBTRACE_LEGACY_MAX_VALUES) || 2_000_000)

export async function readLegacyLog(file: string, opts: LegacyOptions = {}): Promise<LoadedTrace> {
  const path = opts.path ?? reopenable(file)
  let prof: Profile
  if (opts.producer) {
    const p = profileFor(opts.producer)
    if (!p)
      throw new InputError(`unknown producer profile ${JSON.stringify(opts.producer)} (known: ${[...loadProfiles().values()].map((x) => x.tag).join(', ')})`, {
        field: '--producer',
      })
    prof = p
  } else prof = detectProducer(path, file)
  const cat = loadCatalogue()
  const freeformGrammar = prof.tag !== 'c'
  // a free-form log written with the C build's names (pix0_vector_meters, omega_pixel_sr …) means
  // them as the C build does, also where a name is a catalogue name too (omega_pixel, polar)
  const cNames = profileFor('c')!.sections.pixel!.names
  const vocabulary = freeformGrammar ? freeVocabulary(path, file, cNames, cat.byName) : 'catalogue'
  const lookupFree = (name: string): NameMap | undefined => {
    if (vocabulary === 'c' && cNames[name]) return cNames[name]
    if (cat.byName.has(name)) return {var: name}
    return prof.aliases?.[name] ?? profileFor('freeform')!.aliases?.[name] ?? cNames[name]
  }

  const pending: Pending[] = []
  const unmapped = new Map<string, number>()
  const notes: string[] = []
  const logExtents: Extents = {}
  const occ = new Map<string, number>()
  const flags = new Map<string, number>()
  const defaulted = new Set<string>()
  let pivot: 'beam' | 'sample' | null = null
  let pixel: Pixel | null = null
  let precision = prof.precision
  let recognized = 0
  let unrecognized = 0
  let ignored = 0
  let nLines = 0
  let sourceTable = 0
  let sourceIndex = 0
  let inSection = false

  let firstUnmappedLine = 0
  let lineNo = 0
  const miss = (printed: string): void => {
    unmapped.set(printed, (unmapped.get(printed) ?? 0) + 1)
    firstUnmappedLine ||= lineNo
  }

  /** One printed value: mapped, converted to the catalogue unit, queued with its loop rule. */
  const add = (line: number, printed: string, map0: NameMap | undefined, text: string | number[], rule: LoopRule, stated: Loop, section: string): void => {
    if (!map0 || map0.redundant !== undefined) {
      if (!map0) miss(printed)
      return
    }
    let map = map0.byPivot ? (pivot === 'sample' ? map0.byPivot.sample : map0.byPivot.beam) : map0
    if (map.byFlag) {
      let f: number | string | undefined = flags.get(map.byFlag.flag)
      if (f === undefined && map.byFlag.default !== undefined) {
        f = map.byFlag.default
        if (!defaulted.has(map.byFlag.flag))
          notes.push(`${map.byFlag.flag} not printed: ${printed} read as with ${map.byFlag.flag} ${f} (the program's default)`)
        defaulted.add(map.byFlag.flag)
      }
      const m = f === undefined ? undefined : map.byFlag.values[String(f)]
      if (!m) {
        notes.push(
          `line ${line}: ${printed} depends on ${map.byFlag.flag}, which the log ${f === undefined ? 'does not print before it' : `prints as ${f}`}; skipped`,
        )
        miss(printed)
        return
      }
      map = m
    }
    const def = map.var ? cat.byName.get(map.var) : undefined
    if (!def) throw new Error(`producer profile ${prof.name}: ${printed} names unknown catalogue variable ${map.var}`)
    let nums: number[]
    let unit: string | null = null
    if (typeof text === 'string') {
      const p = parseLegacyValues(text)
      if (p.bad !== null) {
        miss(printed)
        return
      }
      nums = p.nums
      unit = p.unit
    } else nums = text
    const want = map.component ? 1 : def.shape === 'mat3' ? 9 : def.shape === 'vec3' || def.shape === 'ivec3' ? 3 : 1
    if (nums.length !== want) {
      notes.push(`line ${line}: ${printed} has ${nums.length} value(s), ${def.name} needs ${want}; skipped`)
      miss(printed)
      return
    }
    const from = unit ?? map.unit ?? null
    const target = map.transform === 'square' && def.unit === 'm²' ? 'm' : def.unit
    const conv = from === null || def.shape === 'enum' ? (x: number) => x : converter(from, target)
    if (!conv) {
      notes.push(`line ${line}: ${printed} is printed in ${JSON.stringify(from)}, which does not convert to ${def.name}'s unit ${def.unit}; skipped`)
      miss(printed)
      return
    }
    const vals = nums.map((x) => {
      let v = conv(x)
      if (map.transform === 'square') v = v * v
      else if (map.transform === 'round-int' && Number.isFinite(v)) v = Math.round(v)
      return v
    })
    const statedKey = LOOP_NAMES.filter((a) => stated[a] !== undefined)
      .map((a) => `${a}=${stated[a]}`)
      .join(',')
    const group = `${section}|${printed}|${statedKey}`
    const n = occ.get(group) ?? 0
    occ.set(group, n + 1)
    // free-form lines state no coordinates: a profile's loop rule is for its own line forms only
    const own = section === 'free' ? {} : (map.loop ?? rule)
    pending.push({def, comp: map.component, printed, line, value: want === 1 ? vals[0] : vals, rule: own, stated, group, occ: n, digits: map.digits})
  }

  const section = (kind: SectionName) => prof.sections[kind] ?? profileFor(prof.tag === 'py' ? 'py' : 'c')!.sections[kind]

  let binary = 0
  let bytes = 0
  for (const [line, s, invalid] of readLines(path, {name: file, invalidUtf8: 'mark'})) {
    nLines++
    lineNo = line
    bytes += s.length + 1
    if (bytes > MAX_LEGACY_BYTES || pending.length >= MAX_LEGACY_RECORDS) {
      throw new InputError(
        `legacy log over ${bytes > MAX_LEGACY_BYTES ? `${MAX_LEGACY_BYTES / 2 ** 20} MiB` : `${MAX_LEGACY_RECORDS} values (NBTRACE_LEGACY_MAX_VALUES)`}: a log is read into memory to be aligned (a contract trace streams); trace fewer iterations, or write a contract trace (instrumented-c/include/nbtrace.h)`,
        {file, line},
      )
    }
    if (!s.trim()) continue
    if (invalid) {
      // bytes that are not UTF-8 (binary chatter): never read as a value
      if (binary++ === 0) notes.push(`line ${line}: bytes that are not UTF-8; such lines are counted as unrecognised`)
      unrecognized++
      continue
    }

    if (sourceTable > 0) {
      const {nums, bad} = parseLegacyValues(s)
      if (!bad && nums.length === 5) {
        recognized++
        const [x, y, z, w, lam] = nums
        const n = Math.sqrt(x * x + y * y + z * z)
        const dir = n > 0 ? [x / n, y / n, z / n] : [0, 0, 0]
        const st = {source: sourceIndex}
        const digits = prof.sourceTableDigits
        add(line, 'source_table', {var: 'source_dir', digits}, dir, {source: 'line'}, st, 'table')
        add(line, 'source_table', {var: 'source_lambda', digits}, [lam], {source: 'line'}, st, 'table')
        add(line, 'source_table', {var: 'source_weight', digits}, [w], {source: 'line'}, st, 'table')
        if (lam === 0) notes.push(`line ${line}: source ${sourceIndex} has wavelength 0 (a comment or short line read as a source?)`)
        sourceIndex++
        sourceTable--
        continue
      }
      sourceTable = 0
    }

    const px = pixelOf(s)
    if (px) {
      recognized++
      pixel = px
      inSection = false
      continue
    }
    if (prof.ignore?.some((p) => s.startsWith(p))) {
      recognized++
      ignored++
      continue
    }

    const t = tracePrefix(s)
    if (t && t.kind !== 'other') {
      recognized++
      const sec = section(t.kind)
      if (!sec) {
        miss(`${t.kind}.${firstToken(t.rest)[0]}`)
        continue
      }
      const redundant = new Set(sec.redundant ?? [])
      const rule = sec.loop ?? {}
      if (t.kind === 'pixel') {
        const [name, rest] = firstToken(t.rest)
        if (redundant.has(name)) continue
        if (sec.flags?.includes(name)) {
          const v = parseLegacyValues(rest)
          if (v.bad === null && v.nums.length === 1) flags.set(name, v.nums[0])
          else miss(name)
        } else if (sec.unmapped?.includes(name)) miss(name)
        else add(line, name, sec.names[name], rest, rule, {}, 'pixel')
      } else if (t.kind === 'geometry') {
        const eq = t.rest.indexOf('=')
        const name = eq < 0 ? t.rest.trim() : t.rest.slice(0, eq)
        if (redundant.has(name)) continue
        add(line, name, sec.names[name], eq < 0 ? '' : t.rest.slice(eq + 1), rule, {}, 'geometry')
      } else if (t.kind === 'phi') {
        const kv = new Map<string, string>()
        for (const tok of t.rest.split(/\s+/)) {
          const eq = tok.indexOf('=')
          if (eq > 0) kv.set(tok.slice(0, eq), tok.slice(eq + 1))
        }
        const tic = kv.has('phi_tic') ? Number(kv.get('phi_tic')) : NaN
        const stated: Loop = Number.isInteger(tic) && tic >= 0 ? {phi: tic} : {}
        for (const [k, v] of kv) {
          if (k === 'phi_tic') continue
          add(line, `PHI.${k}`, sec.names[k], v, rule, stated, 'phi')
        }
      } else {
        const [name, rest] = firstToken(t.rest)
        if (redundant.has(name)) continue
        add(line, `SOURCE.${name}`, sec.names[name], rest, rule, {source: t.source!}, 'source')
      }
      continue
    }

    if (s.length <= CHATTER_MAX) {
      let m: RegExpExecArray | null
      if (prof.sourceTable && (m = /created a total of (\d+) sources/.exec(s))) {
        recognized++
        add(line, 'created_sources', {var: 'n_sources'}, [Number(m[1])], {}, {}, 'chatter')
        logExtents.n_sources ??= Number(m[1])
        sourceTable = Number(m[1])
        sourceIndex = 0
        continue
      }
      if ((m = /^\s*Loaded (\d+) sources/.exec(s))) {
        recognized++
        add(line, 'loaded_sources', {var: 'n_sources'}, [Number(m[1])], {}, {}, 'chatter')
        logExtents.n_sources ??= Number(m[1])
        continue
      }
      if ((m = /pivoting detector around (sample|direct beam spot)/.exec(s))) {
        recognized++
        pivot = m[1] === 'sample' ? 'sample' : 'beam'
        continue
      }
      if ((m = /Dtype: torch\.(float32|float64)/.exec(s))) {
        recognized++
        precision = m[1] as 'float32' | 'float64'
        continue
      }
      const setup = prof.setupLines?.find((x) => s.includes(x.find))
      if (setup && (m = new RegExp(setup.regex).exec(s))) {
        recognized++
        const v = Number(m[1])
        logExtents[setup.var] ??= v
        add(line, setup.var, {var: setup.var}, [v], {}, {}, 'chatter')
        continue
      }
    }

    if (freeformGrammar) {
      // `[PREFIX:] name = value [unit]` (untagged TRACE:, DBG:, python/numpy reprs)
      const eq = s.indexOf(' = ')
      if (eq > 0) {
        let head = s.slice(0, eq).trim()
        const colon = head.indexOf(': ')
        if (colon >= 0 && /^[A-Za-z_][\w]*$/.test(head.slice(0, colon))) head = head.slice(colon + 2).trim()
        else if (head.endsWith(':')) head = ''
        if (head && head.length <= 64) {
          recognized++
          add(line, head, lookupFree(head), s.slice(eq + 3), {}, {}, 'free')
          continue
        }
      }
      // a pretty-printed section: `Detector Geometry:` then `  name: value [unit]`
      if (s.length <= CHATTER_MAX && /^[A-Za-z][\w ()/^²-]*:\s*$/.test(s)) {
        recognized++
        inSection = true
        continue
      }
      const colon = s.indexOf(': ')
      if (inSection && colon > 0 && /^\s/.test(s)) {
        const name = s
          .slice(0, colon)
          .replace(/\[[^\]]*\]$/, '')
          .trim()
        if (name.length <= 64) {
          recognized++
          add(line, name, lookupFree(name), s.slice(colon + 2), {}, {}, 'free')
          continue
        }
      }
    }
    unrecognized++
  }

  if (pending.length === 0) {
    // lines read as trace lines whose names the catalogue does not map are not "unrecognised":
    // they are listed, so the user sees which names to map (--cand-producer, a profile alias)
    if (unmapped.size) {
      const names = [...unmapped.entries()].map(([k, n]) => (n > 1 ? `${k} (x${n})` : k))
      const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length} names)` : names.join(', ')
      const other = unrecognized ? `; ${unrecognized} other line${unrecognized === 1 ? '' : 's'} not recognised` : ''
      throw new InputError(
        `no trace values: every trace line names a variable nbtrace does not map (${shown})${other}; expected catalogue or TRACE_C/TRACE_PY names`,
        {file, line: firstUnmappedLine || 1, field: [...unmapped.keys()][0]},
      )
    }
    throw new InputError(`no trace lines recognised (${unrecognized} unrecognised lines); expected TRACE_C/TRACE_PY lines or a contract trace`, {file, line: 1})
  }

  // loop extents: the log's own set-up lines first, then what the other side states
  const extentInfo: NonNullable<LegacyInfo['extents']> = {}
  const extent = (axis: LoopName): number | undefined => {
    const k = EXTENT_OF[axis]
    const v = logExtents[k] ?? opts.extents?.[k]
    if (v === undefined || !Number.isInteger(v) || v < 1) return undefined
    extentInfo[k] = {value: v, from: logExtents[k] !== undefined ? 'log' : 'other side'}
    return v
  }
  const counts = new Map<string, number>()
  for (const p of pending) counts.set(p.group, (counts.get(p.group) ?? 0) + 1)
  const unstated = new Set<string>()
  const loopOf = (p: Pending): Loop | null => {
    const axes = p.def.loop
    if (axes.length === 0) return {}
    const loop: Loop = {}
    const each = axes.filter((a) => p.rule[a] === 'each')
    let eachOk = each.length > 0
    const ext = each.map((a) => extent(a))
    if (eachOk && (ext.some((e) => e === undefined) || ext.reduce((x, y) => x! * y!, 1) !== counts.get(p.group))) {
      eachOk = false
      unstated.add(`${p.printed}: ${counts.get(p.group)} printed for ${each.join('×')} = ${ext.map((e) => e ?? '?').join('×')}`)
    }
    let rest = p.occ
    const idx = new Map<LoopName, number>()
    if (eachOk) {
      for (let i = each.length - 1; i >= 0; i--) {
        idx.set(each[i], rest % ext[i]!)
        rest = Math.floor(rest / ext[i]!)
      }
    }
    for (const a of axes) {
      const r = p.rule[a]
      let v: number | undefined
      if (typeof r === 'number') v = r
      else if (r === 'line') v = p.stated[a]
      else if (r === 'last') {
        const e = extent(a)
        v = e === undefined ? undefined : e - 1
      } else if (r === 'each') v = idx.get(a)
      if (v !== undefined) loop[a] = v
    }
    return Object.keys(loop).length ? loop : null
  }

  // one record per (variable, component, coordinates): repeats of a set-up value or of a value
  // printed twice (block C and the phi-0 line) are recognised, not emitted twice
  const values: ValueRecord[] = []
  const lines: number[] = []
  const seen = new Map<string, ValueRecord>()
  const pendingOf = new Map<ValueRecord, Pending>()
  const record = (p: Pending, loop: Loop | null): ValueRecord => {
    const rec: ValueRecord = {type: 'value', seq: values.length, name: p.def.name, loop, value: p.value, origin: {line: p.line, name: p.printed}}
    pendingOf.set(rec, p)
    if (p.comp) rec.origin!.component = p.comp
    if (p.digits !== undefined) rec.origin!.digits = p.digits
    return rec
  }
  let repeats = 0
  const complete = (def: VariableDef, loop: Loop | null): boolean => loop !== null && def.loop.every((a) => loop[a] !== undefined)
  for (const p of pending) {
    const loop = loopOf(p)
    const full = complete(p.def, loop)
    if (full) {
      const key = `${p.def.name}|${p.comp ?? ''}|${loopKey(loop!)}`
      const prev = seen.get(key)
      if (prev && opts.repeats !== 'keep') {
        if (JSON.stringify(prev.value) !== JSON.stringify(p.value))
          notes.push(
            `line ${p.line}: ${p.printed} prints ${p.def.name} again at the same coordinates with another value (${JSON.stringify(p.value)} vs ${JSON.stringify(prev.value)} at line ${prev.origin!.line}); the first is kept`,
          )
        repeats++
        continue
      }
      const rec = record(p, loop)
      seen.set(key, rec)
      values.push(rec)
      lines.push(p.line)
      continue
    }
    const rec = record(p, loop)
    values.push(rec)
    lines.push(p.line)
  }

  // per variable, the indices of the axes the producer's gating restricts (a fixed index, the
  // last one): the other side's records at other indices are not printed by this log
  const gated: NonNullable<LegacyInfo['gated']> = {}
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!v.loop) continue
    const p = pendingOf.get(v)
    if (!p) continue
    for (const a of loadCatalogue().byName.get(v.name)!.loop) {
      const r = p.rule[a]
      // a TRACE_C_SOURCE<i> line is printed for the sources it names only (source 2 in the golden build)
      const byLine = r === 'line' && p.group.startsWith('source|') && section('source')?.lineOnly === true
      if ((typeof r === 'number' || r === 'last' || byLine) && v.loop[a] !== undefined) {
        const g = (gated[v.name] ??= {})
        const list = (g[a] ??= [])
        if (!list.includes(v.loop[a]!)) list.push(v.loop[a]!)
      }
    }
  }
  if (unstated.size) notes.push(`loop coordinates left unstated (extent unknown, or the occurrences do not fill it): ${[...unstated].join('; ')}`)
  if (repeats)
    notes.push(
      `${repeats} repeated prints of a value already read at the same coordinates (set-up values printed per sub-pixel, F_latt on the phi-0 line) recognised, not emitted twice`,
    )
  if (ignored) notes.push(`${ignored} human-readable TRACE:/tap lines recognised and not compared (%g precision)`)
  if (!pixel) notes.push('no traced-pixel line found; pixel unknown')
  const nComplete = values.filter((v) => complete(loadCatalogue().byName.get(v.name)!, v.loop)).length
  const coordinates: LegacyInfo['coordinates'] =
    nComplete === values.length ? 'true' : values.some((v) => v.loop && Object.keys(v.loop).length) ? 'partial' : 'none'
  const header: HeaderRecord = {
    type: 'header',
    schema: 'nbtrace-trace',
    version: 1,
    format: 'legacy',
    producer: {name: `legacy-${prof.tag}`, version: 'unknown', precision},
    pixel,
    args: [],
    config: null,
    configHash: null,
    inputs: [{role: 'log', path: file, sha256: hashFile(path, file)}],
    created: new Date().toISOString(),
    catalogue: 1,
    legacy: {
      producer: prof.tag,
      profile: prof.name,
      source: file,
      lines: nLines,
      recognized,
      unrecognized,
      unmapped: [...unmapped.entries()].map(([k, n]) => (n > 1 ? `${k} (x${n})` : k)),
      notes,
      configuration: 'not recorded',
      coordinates,
      extents: extentInfo,
      gated,
    },
  }
  return {file, header, values, lines, footer: {type: 'footer', count: values.length, status: 'complete'}}
}
