// Provenance before numbers: pixel identity (and a transposed pixel), configuration key by key,
// input file hashes, precision, producer fixes/faults (informative only), truncation.
import {canonicalJson} from '../trace/numbers.js'
import type {HeaderRecord} from '../trace/records.js'
import type {AlignResult} from '../align/align.js'
import {hasRole, ROLE} from '../classify/context.js'
import type {ConfigDiff, Provenance} from './report.js'

/** "on both sides", "on the reference side", "on the candidate side" */
function onSide(ref: boolean, cand: boolean): string {
  return ref && cand ? 'on both sides' : ref ? 'on the reference side' : 'on the candidate side'
}

function isObj(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x)
}

export function compareHeaders(ref: HeaderRecord, cand: HeaderRecord, extra: {refTruncated?: string; candTruncated?: string} = {}): Provenance {
  const notes: string[] = []
  const rp = ref.pixel
  const cp = cand.pixel
  const pixMatch = !rp || !cp || (rp.slow === cp.slow && rp.fast === cp.fast)
  const transposed = !!rp && !!cp && !pixMatch && rp.slow === cp.fast && rp.fast === cp.slow
  if (!rp || !cp) notes.push(`traced pixel unknown ${onSide(!rp, !cp)}; pixel identity checked from the values only`)

  const config: ConfigDiff[] = []
  const configCompared = isObj(ref.config) && isObj(cand.config)
  if (configCompared) {
    const a = ref.config as Record<string, unknown>
    const b = cand.config as Record<string, unknown>
    // an absent key is "not recorded" (a partial configuration), not "not given" (null): only
    // the keys both sides state are compared
    const keys = Object.keys(a)
      .filter((k) => k in b)
      .sort()
    for (const k of keys) if (canonicalJson(a[k]) !== canonicalJson(b[k])) config.push({key: k, ref: a[k], cand: b[k]})
    const oneSided = [...Object.keys(a).filter((k) => !(k in b)), ...Object.keys(b).filter((k) => !(k in a))]
    if (oneSided.length) notes.push(`configuration recorded on one side only, not compared: ${oneSided.sort().join(', ')}`)
  } else {
    notes.push(`configuration not recorded ${onSide(!isObj(ref.config), !isObj(cand.config))} (legacy log?): configuration not compared`)
  }

  const inputs: Provenance['inputs'] = []
  // a legacy log records no configuration and no input files: nothing to compare them with
  const unrecorded = ref.legacy?.configuration === 'not recorded' || cand.legacy?.configuration === 'not recorded'
  if (unrecorded) {
    notes.push(
      `input files not recorded ${onSide(ref.legacy?.configuration === 'not recorded', cand.legacy?.configuration === 'not recorded')} (legacy log): input files not compared`,
    )
  }
  const roles = new Set(unrecorded ? [] : [...ref.inputs, ...cand.inputs].filter((i) => i.role !== 'log').map((i) => i.role))
  for (const role of roles) {
    const a = ref.inputs.filter((i) => i.role === role)
    const b = cand.inputs.filter((i) => i.role === role)
    const n = Math.max(a.length, b.length)
    for (let i = 0; i < n; i++) {
      const x = a[i]
      const y = b[i]
      if (x && y && x.sha256 === y.sha256) continue
      inputs.push({role, ref: x?.sha256 ?? null, cand: y?.sha256 ?? null, refPath: x?.path ?? null, candPath: y?.path ?? null})
    }
  }

  const precision = {ref: ref.producer.precision, cand: cand.producer.precision, match: ref.producer.precision === cand.producer.precision}
  if (!precision.match) notes.push(`precision differs: reference ${precision.ref}, candidate ${precision.cand}`)
  const prod = (h: HeaderRecord) => ({name: h.producer.name, version: h.producer.version, fixes: h.producer.fixes ?? [], faults: h.producer.faults ?? []})
  const producers = {ref: prod(ref), cand: prod(cand)}
  for (const [side, p] of [
    ['reference', producers.ref],
    ['candidate', producers.cand],
  ] as const) {
    if (p.faults.length) notes.push(`${side} producer declares planted faults: ${p.faults.join(', ')} (informative; not used for the verdict)`)
    if (p.fixes.length) notes.push(`${side} producer declares quirk fixes: ${p.fixes.join(', ')} (informative; not used for the verdict)`)
  }
  const partial = [ref, cand].filter((h) => h.format === 'legacy' && h.legacy?.coordinates !== 'true')
  if (partial.length) notes.push('legacy log: records carry no (or partial) loop coordinates; aligned by name and occurrence')
  else if (ref.format === 'legacy' || cand.format === 'legacy')
    notes.push(
      'legacy log: records carry the loop coordinates its producer prints them at (producer profile); aligned by key, iterations it does not print are not compared',
    )
  if (extra.refTruncated) notes.push(`reference trace ${extra.refTruncated}`)
  if (extra.candTruncated) notes.push(`candidate trace ${extra.candTruncated}`)
  for (const [side, h] of [
    ['reference', ref],
    ['candidate', cand],
  ] as const) {
    const l = h.legacy
    if (l) {
      notes.push(
        `${side} legacy log (${l.producer}): ${l.recognized} lines recognised, ${l.unrecognized} not${l.unmapped?.length ? `; unmapped names: ${l.unmapped.join(', ')}` : ''}`,
      )
    }
  }

  const cls = !pixMatch ? 'pixel' : config.length > 0 || inputs.length > 0 ? 'configuration' : null
  return {
    blocking: cls !== null,
    class: cls,
    pixel: {ref: rp, cand: cp, match: pixMatch, transposed},
    pixelFromValues: null,
    config,
    configCompared,
    inputs,
    precision,
    producers,
    notes,
  }
}

/**
 * Two different pixels told from the values: every divergent record is a position vector whose
 * components are the other side's permuted (signs aside), and every per-pixel scalar traced on
 * both sides agrees (a mirror-image pixel: slow and fast transposed in a symmetric geometry).
 */
export function permutedPixel(res: AlignResult): string | undefined {
  const div = [...res.vars.values()].filter((s) => s.diverged > 0)
  if (div.length === 0) return undefined
  const sorted = (v: unknown): number[] | undefined =>
    Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as number[]).map(Math.abs).sort((a, b) => a - b) : undefined
  for (const s of div) {
    if ((s.def.shape !== 'vec3' && s.def.shape !== 'ivec3') || s.comp) return undefined
    for (const d of s.details) {
      const a = sorted(d.ref)
      const b = sorted(d.cand)
      if (!a || !b) return undefined
      const scale = Math.max(...a, ...b)
      if (!a.every((x, i) => Math.abs(x - b[i]) <= 1e-9 * scale)) return undefined
    }
  }
  const positions = div.filter((s) => hasRole(s.def, ROLE.pixelPosition))
  if (positions.length === 0) return undefined
  const scalars = [...res.vars.values()].filter((s) => s.matched > 0 && s.def.shape === 'scalar' && s.def.loop.length > 0)
  if (scalars.length === 0) return undefined
  return `different pixels: slow/fast transposed? ${div.map((s) => s.name).join(', ')} ha${div.length === 1 ? 's' : 've'} the other side's components permuted while every per-pixel scalar traced on both sides agrees (${scalars
    .slice(0, 4)
    .map((s) => s.name)
    .join(', ')}${scalars.length > 4 ? ', …' : ''})`
}
