// Provenance before numbers: pixel identity (and a transposed pixel), configuration key by key,
// input file hashes, precision, producer fixes/faults (informative only), truncation.
import {canonicalJson} from '../trace/numbers.js'
import type {HeaderRecord} from '../trace/records.js'
import type {ConfigDiff, Provenance} from './report.js'

function isObj(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x)
}

export function compareHeaders(ref: HeaderRecord, cand: HeaderRecord, extra: {refTruncated?: string; candTruncated?: string} = {}): Provenance {
  const notes: string[] = []
  const rp = ref.pixel
  const cp = cand.pixel
  const pixMatch = !rp || !cp || (rp.slow === cp.slow && rp.fast === cp.fast)
  const transposed = !!rp && !!cp && !pixMatch && rp.slow === cp.fast && rp.fast === cp.slow
  if (!rp || !cp) notes.push(`traced pixel unknown on the ${!rp && !cp ? 'both sides' : !rp ? 'reference' : 'candidate'} side; pixel identity checked from the values only`)

  const config: ConfigDiff[] = []
  const configCompared = isObj(ref.config) && isObj(cand.config)
  if (configCompared) {
    const a = ref.config as Record<string, unknown>
    const b = cand.config as Record<string, unknown>
    // an absent key is "not recorded" (a partial configuration), not "not given" (null): only
    // the keys both sides state are compared
    const keys = Object.keys(a).filter((k) => k in b).sort()
    for (const k of keys) if (canonicalJson(a[k]) !== canonicalJson(b[k])) config.push({key: k, ref: a[k], cand: b[k]})
    const oneSided = [...Object.keys(a).filter((k) => !(k in b)), ...Object.keys(b).filter((k) => !(k in a))]
    if (oneSided.length) notes.push(`configuration recorded on one side only, not compared: ${oneSided.sort().join(', ')}`)
  } else {
    notes.push(`configuration not recorded on the ${!isObj(ref.config) && !isObj(cand.config) ? 'both sides' : !isObj(ref.config) ? 'reference' : 'candidate'} side (legacy log?): configuration not compared`)
  }

  const inputs: Provenance['inputs'] = []
  // a legacy log records no configuration and no input files: nothing to compare them with
  const unrecorded = ref.legacy?.configuration === 'not recorded' || cand.legacy?.configuration === 'not recorded'
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
  for (const [side, p] of [['reference', producers.ref], ['candidate', producers.cand]] as const) {
    if (p.faults.length) notes.push(`${side} producer declares planted faults: ${p.faults.join(', ')} (informative; not used for the verdict)`)
    if (p.fixes.length) notes.push(`${side} producer declares quirk fixes: ${p.fixes.join(', ')} (informative; not used for the verdict)`)
  }
  if (ref.format === 'legacy' || cand.format === 'legacy') notes.push('legacy log: records carry no (or partial) loop coordinates; aligned by name and occurrence')
  if (extra.refTruncated) notes.push(`reference trace ${extra.refTruncated}`)
  if (extra.candTruncated) notes.push(`candidate trace ${extra.candTruncated}`)
  for (const [side, h] of [['reference', ref], ['candidate', cand]] as const) {
    const l = h.legacy
    if (l) {
      notes.push(`${side} legacy log (${l.producer}): ${l.recognized} lines recognised, ${l.unrecognized} not${l.unmapped?.length ? `; unmapped names: ${l.unmapped.join(', ')}` : ''}`)
    }
  }

  const cls = !pixMatch ? 'pixel' : config.length > 0 || inputs.length > 0 ? 'configuration' : null
  return {
    blocking: cls !== null,
    class: cls,
    pixel: {ref: rp, cand: cp, match: pixMatch, transposed},
    config,
    configCompared,
    inputs,
    precision,
    producers,
    notes,
  }
}
