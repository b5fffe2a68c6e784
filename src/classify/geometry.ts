// Geometry evidence: the pixel size (traced, configured or inferred), exact half-pixel offsets,
// slow and fast swapped (sub-pixel offsets, pixel positions).
import type {Divergent} from '../align/align.js'
import {loopText, showLoop} from '../align/keys.js'
import {fmt} from '../util/numbers.js'
import {ROLE, roleVar, seriesOf, setupNum, setupValue, SIDES, sideWord, type EvidenceContext} from './context.js'
import {near, nums, scalarOf} from './values.js'

export function pixelSize(ctx: EvidenceContext): {value: number; from: string} | undefined {
  const ps = roleVar(ROLE.pixelSize)
  for (const side of SIDES) {
    const p = setupNum(ctx, side, ROLE.pixelSize)
    if (p) return {value: p, from: `${sideWord(side)} ${ps.name}`}
  }
  if (ps.config) {
    for (const side of SIDES) {
      const c = ctx.headers[side].config as Record<string, unknown> | null
      const p = c && typeof c[ps.config] === 'number' ? (c[ps.config] as number) : undefined
      if (p) return {value: p, from: `configuration ${ps.config}`}
    }
  }
  // legacy: infer from pix0 and the pixel position of the traced pixel (oversample 1, one layer)
  for (const side of SIDES) {
    const px = ctx.headers[side].pixel
    const pix0 = setupValue(ctx, side, ROLE.detectorOrigin)
    const f = setupValue(ctx, side, ROLE.fastAxis)
    const pos = seriesOf(ctx, side, ROLE.pixelPosition)?.[0]?.value
    if (!px || !pix0 || !f || !pos) continue
    const p0 = nums(pix0)
    const fv = nums(f)
    const pp = nums(pos)
    const along = (pp[0] - p0[0]) * fv[0] + (pp[1] - p0[1]) * fv[1] + (pp[2] - p0[2]) * fv[2]
    const v = along / (px.fast + 0.5)
    if (Number.isFinite(v) && v > 0)
      return {
        value: Number(v.toPrecision(9)),
        from: `inferred from the ${sideWord(side)} ${roleVar(ROLE.detectorOrigin).name} and ${roleVar(ROLE.pixelPosition).name} of pixel (slow ${px.slow}, fast ${px.fast})`,
      }
  }
  return undefined
}

/** Components of a length in metres that differ by exactly half a pixel. */
export function halfPixel(ctx: EvidenceContext, d: Divergent): string | undefined {
  const ps = pixelSize(ctx)
  if (!ps) return undefined
  const a = nums(d.ref)
  const b = nums(d.cand)
  const diffs = a.map((x, i) => b[i] - x)
  const half = diffs.map((x, i) => ({i, x})).filter(({x}) => x !== 0 && near(Math.abs(x), ps.value / 2, 1e-6))
  if (!half.length) return undefined
  const comps = a.length > 1 ? ` in component${half.length > 1 ? 's' : ''} ${half.map(({i}) => 'xyz'[i]).join(', ')}` : ''
  return `exact half-pixel offset${comps}: Δ = ${fmt(half[0].x)} m = ${half[0].x > 0 ? '+' : '-'}0.5 × pixel size ${fmt(ps.value)} m (${ps.from})`
}

/** Candidate fast/slow sub-pixel offsets equal the reference's slow/fast ones at the same sub-pixel. */
export function swappedSubpixel(ctx: EvidenceContext, d: Divergent): string | undefined {
  if (!d.loop) return undefined
  const k = loopText(d.loop)
  const get = (side: 'ref' | 'cand', role: typeof ROLE.subpixelFast | typeof ROLE.subpixelSlow) =>
    scalarOf(seriesOf(ctx, side, role)?.find((r) => loopText(r.loop) === k)?.value)
  const [rf, rs, cf, cs] = [get('ref', ROLE.subpixelFast), get('ref', ROLE.subpixelSlow), get('cand', ROLE.subpixelFast), get('cand', ROLE.subpixelSlow)]
  if ([rf, rs, cf, cs].some((x) => x === undefined) || rf === rs) return undefined
  if (!near(cf!, rs!, 1e-12) || !near(cs!, rf!, 1e-12)) return undefined
  const px = ctx.headers.ref.pixel
  const [F, S] = [roleVar(ROLE.subpixelFast).name, roleVar(ROLE.subpixelSlow).name]
  return `candidate ${F} ${fmt(cf)} / ${S} ${fmt(cs)} equal the reference's ${S} / ${F} at ${showLoop(d.loop)}: slow and fast are swapped${px ? ` (the candidate traced pixel slow ${px.fast}, fast ${px.slow} instead of slow ${px.slow}, fast ${px.fast})` : ''}`
}

/** Candidate pixel position equals the reference's position of the transposed pixel (slow ↔ fast). */
export function transposedPixel(ctx: EvidenceContext, d: Divergent): string | undefined {
  const pix0 = setupValue(ctx, 'ref', ROLE.detectorOrigin)
  const f = setupValue(ctx, 'ref', ROLE.fastAxis)
  const sd = setupValue(ctx, 'ref', ROLE.slowAxis)
  const od = setupValue(ctx, 'ref', ROLE.normalAxis)
  if (!pix0 || !f || !sd) return undefined
  const p0 = nums(pix0)
  const F = nums(f)
  const S = nums(sd)
  const O = od ? nums(od) : [0, 0, 0]
  const r = nums(d.ref)
  const c = nums(d.cand)
  const rel = r.map((x, i) => x - p0[i])
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
  const fr = dot(rel, F)
  const sr = dot(rel, S)
  const or = dot(rel, O)
  const swapped = [0, 1, 2].map((i) => p0[i] + sr * F[i] + fr * S[i] + or * O[i])
  const norm = Math.sqrt(dot(swapped, swapped))
  const ok = c.every((x, i) => Math.abs(x - swapped[i]) <= 1e-9 * norm + 1e-15)
  if (!ok) return undefined
  const px = ctx.headers.ref.pixel
  return `candidate ${roleVar(ROLE.pixelPosition).name} ${fmt(c)} equals the reference position with slow and fast swapped (fast offset ${fmt(fr)} m ↔ slow offset ${fmt(sr)} m)${px ? `: the candidate traced pixel (slow ${px.fast}, fast ${px.slow}) instead of (slow ${px.slow}, fast ${px.fast})` : ''}`
}
