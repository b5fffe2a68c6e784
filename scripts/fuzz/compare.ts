// Compares what two programs did with one configuration: whether they ran or refused, and every
// output file (the float image pixel by pixel, bit for bit; SMV, PGM and side files byte for
// byte).
import type {RunOutcome} from './programs.js'

/** Files upstream writes that the engines deliberately do not (its silent structure-factor cache). */
export const UPSTREAM_ONLY = new Set(['Fdump.bin'])

export interface FileDiff {
  file: string
  kind: 'missing' | 'extra' | 'size' | 'bytes' | 'pixels'
  /** differing pixels (float image) or bytes */
  differing: number
  total: number
  /** largest |a-b|/max(|a|,|b|) over differing float pixels */
  maxRel: number
}

export interface Verdict {
  /** 'same': both ran and wrote identical files; 'both-refused'; otherwise what differs */
  status: 'same' | 'both-refused' | 'differs' | 'refused' | 'accepted'
  diffs: FileDiff[]
  /** float image pixels compared / bit-identical */
  pixels: number
  exactPixels: number
  maxRel: number
  note: string
}

function floatDiff(file: string, a: Buffer, b: Buffer): FileDiff {
  const n = Math.floor(Math.min(a.length, b.length) / 4)
  let differing = 0
  let maxRel = 0
  for (let i = 0; i < n; i++) {
    const x = a.readFloatLE(4 * i)
    const y = b.readFloatLE(4 * i)
    if (a.readUInt32LE(4 * i) === b.readUInt32LE(4 * i) || (Number.isNaN(x) && Number.isNaN(y))) continue
    differing++
    const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y))
    maxRel = Math.max(maxRel, Number.isNaN(rel) ? Infinity : rel)
  }
  return {file, kind: 'pixels', differing, total: n, maxRel}
}

function byteDiff(file: string, a: Buffer, b: Buffer): FileDiff {
  let differing = Math.abs(a.length - b.length)
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) differing++
  return {file, kind: a.length === b.length ? 'bytes' : 'size', differing, total: Math.max(a.length, b.length), maxRel: 0}
}

const isFloat = (f: string): boolean => f.endsWith('.bin') && f !== 'Fdump.bin'

/** ref: upstream; other: an engine. */
export function compareRuns(ref: RunOutcome, other: RunOutcome): Verdict {
  const v: Verdict = {status: 'same', diffs: [], pixels: 0, exactPixels: 0, maxRel: 0, note: ''}
  const refRan = ref.status === 0
  const otherRan = other.status === 0
  if (!refRan && !otherRan) {
    // upstream exits 9 (or crashes) where the engines refuse with exit 2; a crash of ours is not a refusal
    if (other.status === 2) return {...v, status: 'both-refused', note: `upstream ${ref.status}, ${other.program} refused: ${other.why}`}
    return {...v, status: 'refused', note: `${other.program} failed with ${other.status}: ${other.why}`}
  }
  if (refRan && !otherRan) return {...v, status: 'refused', note: `${other.program} exit ${other.status}: ${other.why}`}
  if (!refRan && otherRan) return {...v, status: 'accepted', note: `upstream exit ${ref.status} (${ref.why}), ${other.program} ran`}
  const names = new Set([...ref.outputs.keys(), ...other.outputs.keys()])
  for (const f of [...names].sort()) {
    if (UPSTREAM_ONLY.has(f)) continue
    const a = ref.outputs.get(f)
    const b = other.outputs.get(f)
    if (!a) {
      v.diffs.push({file: f, kind: 'extra', differing: 1, total: 1, maxRel: 0})
      continue
    }
    if (!b) {
      v.diffs.push({file: f, kind: 'missing', differing: 1, total: 1, maxRel: 0})
      continue
    }
    if (isFloat(f)) {
      const d = floatDiff(f, a, b)
      v.pixels += d.total
      v.exactPixels += d.total - d.differing
      v.maxRel = Math.max(v.maxRel, d.maxRel)
      if (a.length !== b.length) v.diffs.push({...byteDiff(f, a, b), kind: 'size'})
      else if (d.differing) v.diffs.push(d)
      continue
    }
    if (!a.equals(b)) v.diffs.push(byteDiff(f, a, b))
  }
  if (v.diffs.length) v.status = 'differs'
  return v
}

/** A short signature of what differs (the shrinker keeps a change only while this stays). */
export function signature(v: Verdict): string {
  if (v.status !== 'differs') return v.status
  return v.diffs.map((d) => `${d.file}:${d.kind}`).join(',')
}

export function describe(v: Verdict): string {
  if (v.status !== 'differs') return `${v.status}${v.note ? `: ${v.note}` : ''}`
  return v.diffs
    .map((d) =>
      d.kind === 'pixels'
        ? `${d.file}: ${d.differing}/${d.total} pixels differ (max rel ${d.maxRel.toExponential(2)})`
        : `${d.file}: ${d.kind} (${d.differing}/${d.total})`,
    )
    .join('; ')
}
