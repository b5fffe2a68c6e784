// Evidence about the beam sources: counts, ghost sources, shifted source lists, nominal
// wavelengths used per source, per-source weights in a ratio.
import type {Divergent} from '../align/align.js'
import type {RootCause} from '../align/frontier.js'
import {fmt} from '../util/numbers.js'
import {hasRole, ROLE, roleVar, seriesOf, setupNum, setupValue, SIDES, sideWord, type EvidenceContext, type SideName} from './context.js'
import {near, scalarOf} from './values.js'

export function sourceEvidence(ctx: EvidenceContext, root: RootCause, d: Divergent): string[] {
  const def = root.stat.def
  const ev: string[] = []
  const nr = setupNum(ctx, 'ref', ROLE.sourceCount)
  const nc = setupNum(ctx, 'cand', ROLE.sourceCount)
  const lam = (side: SideName) => (seriesOf(ctx, side, ROLE.sourceWavelength) ?? []).filter((r) => scalarOf(r.value) === 0).map((r) => r.loop?.source)
  const ghosts = (side: SideName): string | undefined => {
    const g = lam(side)
    return g.length
      ? `${sideWord(side)} source${g.length > 1 ? 's' : ''} ${g.join(', ')} ha${g.length > 1 ? 've' : 's'} wavelength 0 (a ghost source: a comment or short line read as a source?)`
      : undefined
  }
  const ghostNotes = [ghosts('ref'), ghosts('cand'), ...legacyGhostNotes(ctx)].filter((x): x is string => !!x)
  if (hasRole(def, ROLE.sourceAttribute)) {
    if (nr !== undefined && nc !== undefined && nr !== nc) ev.push(`source count differs: reference ${nr}, candidate ${nc}`)
    if (hasRole(def, ROLE.wavelength)) {
      const nominal = roleVar(ROLE.nominalWavelength).name
      const c0 = setupValue(ctx, 'cand', ROLE.nominalWavelength)
      const r0 = setupValue(ctx, 'ref', ROLE.nominalWavelength)
      if (c0 !== undefined && scalarOf(d.cand) === scalarOf(c0))
        ev.push(`candidate uses the nominal wavelength ${nominal} ${fmt(c0)} instead of the source's own ${fmt(d.ref)}`)
      else if (r0 !== undefined && scalarOf(d.ref) === scalarOf(r0))
        ev.push(`reference uses the nominal wavelength ${nominal} ${fmt(r0)} where the candidate uses ${fmt(d.cand)}`)
    }
    const shift = sourceShift(ctx, root.stat.name, d)
    if (shift) ev.push(shift)
    ev.push(...ghostNotes)
    ev.push(`${def.name} is a per-source quantity (${def.meaning})`)
    return ev
  }
  if (!def.loop.includes('source')) return ev
  const srcs = root.stat.details.map((x) => x.loop?.source).filter((x): x is number => x !== undefined)
  if (new Set(srcs).size >= 2 && srcs.every((x) => x > 0)) ev.push(`divergence only at source > 0 (sources ${[...new Set(srcs)].join(', ')}); source 0 agrees`)
  const weights = (seriesOf(ctx, 'ref', ROLE.sourceWeight) ?? []).map((r) => ({s: r.loop?.source, w: scalarOf(r.value) ?? NaN}))
  const sumW = weights.reduce((a, b) => a + b.w, 0)
  const ratio = d.diff.ratio
  const s = d.loop?.source
  const w = weights.find((x) => x.s === s)?.w
  // a ratio of 1 says nothing about weights (equal weights make N·w/Σw = 1)
  if (ratio !== null && w !== undefined && Number.isFinite(ratio) && !near(ratio, 1, 1e-6)) {
    if (near(ratio, w, 1e-6) && w !== 1) ev.push(`ratio ${fmt(ratio)} equals the weight of source ${s} (${fmt(w)}): per-source weight applied`)
    else if (near(ratio, w / sumW, 1e-6)) ev.push(`ratio ${fmt(ratio)} equals the normalized weight of source ${s} (${fmt(w)}/${fmt(sumW)}): weights applied`)
    else if (near(ratio, (w * weights.length) / sumW, 1e-6)) ev.push(`ratio ${fmt(ratio)} equals N·w/Σw for source ${s}: weights applied`)
  }
  if (nr !== undefined && nc !== undefined && nr !== nc) ev.push(`source count differs: reference ${nr}, candidate ${nc}`)
  if (ev.length === 0 && def.stage === 'accumulation' && srcs.length > 1) {
    const rs = root.stat.details.filter((x) => x.loop?.source !== undefined).map((x) => `${x.loop!.source}:${fmt(x.diff.ratio)}`)
    if (new Set(root.stat.details.map((x) => fmt(x.diff.ratio))).size > 1)
      ev.push(`the ratio depends on the source (source:ratio ${rs.slice(0, 4).join(', ')})`)
  }
  if (ev.length) ev.push(...ghostNotes)
  return ev
}

/** The candidate's source s equals the reference's source s+k: the source lists are shifted. */
function sourceShift(ctx: EvidenceContext, display: string, d: Divergent): string | undefined {
  const s = d.loop?.source ?? d.candLoop?.source
  if (s === undefined) return undefined
  const R = ctx.series.ref.get(display) ?? []
  const C = ctx.series.cand.get(display) ?? []
  const c = C.find((x) => x.loop?.source === s)
  if (!c) return undefined
  for (const r of R) {
    const rs = r.loop?.source
    if (rs === undefined || rs === s) continue
    if (JSON.stringify(r.value) === JSON.stringify(c.value)) {
      return `candidate source ${s} equals reference source ${rs} (${fmt(c.value)}): the reference's source list is shifted by ${rs - s} (extra sources before the real ones)`
    }
  }
  return undefined
}

function legacyGhostNotes(ctx: EvidenceContext): string[] {
  const out: string[] = []
  for (const side of SIDES) {
    for (const n of ctx.headers[side].legacy?.notes ?? []) if (/wavelength 0/.test(n)) out.push(`${sideWord(side)} log: ${n}`)
  }
  return out
}
