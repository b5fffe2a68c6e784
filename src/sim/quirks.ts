// Reference-quirk fixes (--fix) and planted faults (--inject), as listed in schemas/faults.json.
import {readFileSync} from 'node:fs'
import {schemaPath} from '../util/paths.js'
import {InputError} from '../util/errors.js'

export interface FaultEntry {
  id: string
  class: string
  variable: string
  description: string
  /** what it needs, in words (faults.json needs.text) */
  needs: string
  /** engines that have this fault (default: the TypeScript engine only) */
  engines?: string[]
}

/** What an entry needs to show its root cause in a trace (faults.json `needs`, schemas/faults.schema.json). */
export interface Needs {
  text: string
  /** alternatives of loop counts (catalogue count names → least value); [] when every loop at 1 shows it */
  loops: Record<string, number>[]
  /** nanoBragg flags it cannot do without */
  inputs: string[]
}

export interface FaultsFile {
  faults: FaultEntry[]
  fixes: FaultEntry[]
}

type RawEntry = Omit<FaultEntry, 'needs'> & {needs: Needs | string}

let cached: {file: FaultsFile; needs: Map<string, Needs | null>} | null = null

function load(): {file: FaultsFile; needs: Map<string, Needs | null>} {
  if (!cached) {
    const raw = JSON.parse(readFileSync(schemaPath('faults.json'), 'utf8')) as {faults: RawEntry[]; fixes: RawEntry[]}
    const needs = new Map<string, Needs | null>()
    const entry = (e: RawEntry): FaultEntry => {
      needs.set(e.id, typeof e.needs === 'string' ? null : e.needs)
      return {...e, needs: typeof e.needs === 'string' ? e.needs : e.needs.text}
    }
    cached = {file: {faults: raw.faults.map(entry), fixes: raw.fixes.map(entry)}, needs}
  }
  return cached
}

export function loadFaults(): FaultsFile {
  return load().file
}

/** What a fault or fix needs, structured (null: an entry that says it in words only). */
export function faultNeeds(id: string): Needs | null {
  return load().needs.get(id) ?? null
}

export interface FixFlags {
  q1: boolean
  q3: boolean
  q4: boolean
  q6: boolean
  q7: boolean
}

export interface FaultFlags {
  stepsNoOversample2: boolean
  fluencePerMm2: boolean
  reNotSquared: boolean
  weightsUnnormalized: boolean
  ghostCommentSource: boolean
  sourceLambdaIgnored: boolean
  mosaicSeedOffByOne: boolean
  mosaicExtraDraw: boolean
  mosaicDomain0NotIdentity: boolean
  beamCenterHalfPixel: boolean
  twothetaAxisSign: boolean
  pix0InMm: boolean
  sincgOffset: boolean
  sincgNoPi: boolean
  kahnDefaultOne: boolean
  scatteringPerM: boolean
  float32Acc: boolean
  hklOutsideZero: boolean
  tileFastOffset: boolean
  highAngleObliquity: boolean
}

const FAULT_KEYS: Record<string, keyof FaultFlags> = {
  'steps-no-oversample2': 'stepsNoOversample2',
  'fluence-per-mm2': 'fluencePerMm2',
  're-not-squared': 'reNotSquared',
  'weights-unnormalized': 'weightsUnnormalized',
  'ghost-comment-source': 'ghostCommentSource',
  'source-lambda-ignored': 'sourceLambdaIgnored',
  'mosaic-seed-off-by-one': 'mosaicSeedOffByOne',
  'mosaic-extra-draw': 'mosaicExtraDraw',
  'mosaic-domain0-not-identity': 'mosaicDomain0NotIdentity',
  'beam-center-half-pixel': 'beamCenterHalfPixel',
  'twotheta-axis-sign': 'twothetaAxisSign',
  'pix0-in-mm': 'pix0InMm',
  'sincg-offset': 'sincgOffset',
  'sincg-no-pi': 'sincgNoPi',
  'kahn-default-one': 'kahnDefaultOne',
  'scattering-per-m': 'scatteringPerM',
  'float32-accumulation': 'float32Acc',
  'hkl-outside-zero': 'hklOutsideZero',
  'tile-fast-offset': 'tileFastOffset',
  'high-angle-obliquity': 'highAngleObliquity',
}

const FIX_KEYS: Record<string, keyof FixFlags> = {Q1: 'q1', Q3: 'q3', Q4: 'q4', Q6: 'q6', Q7: 'q7'}

export function fixFlags(ids: readonly string[] = []): FixFlags {
  const f: FixFlags = {q1: false, q3: false, q4: false, q6: false, q7: false}
  const known = new Set(loadFaults().fixes.map((x) => x.id))
  for (const id of ids) {
    const key = FIX_KEYS[id]
    if (!key || !known.has(id)) throw new InputError(`unknown fix '${id}' (known: ${[...known].join(', ')})`, {field: '--fix'})
    f[key] = true
  }
  return f
}

export function faultFlags(ids: readonly string[] = []): FaultFlags {
  const f = Object.fromEntries(Object.values(FAULT_KEYS).map((k) => [k, false])) as unknown as FaultFlags
  const known = new Set(loadFaults().faults.map((x) => x.id))
  for (const id of ids) {
    const key = FAULT_KEYS[id]
    if (!key || !known.has(id)) throw new InputError(`unknown fault '${id}' (see --list-faults)`, {field: '--inject'})
    f[key] = true
  }
  return f
}
