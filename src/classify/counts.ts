// Loop counts as evidence: a ratio equal to a count (or its inverse), steps against its factors.
import {ROLE, roleVar, setupNum, SIDES, type EvidenceContext, type SideName} from './context.js'
import {near} from './values.js'

/** "steps: reference N (sources × domains × phi steps × oversample²), candidate …" and a missing oversample². */
export function stepsEvidence(ctx: EvidenceContext, ev: string[]): void {
  const steps = roleVar(ROLE.stepCount).name
  const os2 = `${roleVar(ROLE.oversample).name}²`
  const parts = (side: SideName): string => {
    const [src, mos, phi, os] = [
      setupNum(ctx, side, ROLE.sourceCount),
      setupNum(ctx, side, ROLE.mosaicDomainCount),
      setupNum(ctx, side, ROLE.phiStepCount),
      setupNum(ctx, side, ROLE.oversample),
    ]
    return `${setupNum(ctx, side, ROLE.stepCount)} (sources ${src ?? '?'} × domains ${mos ?? '?'} × phi steps ${phi ?? '?'} × ${os2} ${os !== undefined ? os * os : '?'})`
  }
  ev.push(`${steps}: reference ${parts('ref')}, candidate ${parts('cand')}`)
  const a = setupNum(ctx, 'ref', ROLE.stepCount)
  const b = setupNum(ctx, 'cand', ROLE.stepCount)
  const os = setupNum(ctx, 'ref', ROLE.oversample)
  if (a && b && os && os > 1 && near(a / b, os * os)) ev.push(`the reference divides by ${os2} = ${os * os} more: ${os2} missing from ${steps}`)
}

/** The loop count (of either side) a ratio equals, or the inverse of one, as text. */
export function countFactor(ctx: EvidenceContext, ratio: number): string | undefined {
  const facts: [string, number | undefined][] = []
  const os = roleVar(ROLE.oversample).name
  for (const side of SIDES) {
    const g = (r: Parameters<typeof setupNum>[2]) => setupNum(ctx, side, r)
    const o = g(ROLE.oversample)
    facts.push(
      [roleVar(ROLE.stepCount).name, g(ROLE.stepCount)],
      [`${os}²`, o !== undefined ? o * o : undefined],
      [os, o],
      [`the layer count (${roleVar(ROLE.layerCount).name})`, g(ROLE.layerCount)],
      ['the source count', g(ROLE.sourceCount)],
      ['the phi step count', g(ROLE.phiStepCount)],
      ['the mosaic domain count', g(ROLE.mosaicDomainCount)],
    )
  }
  for (const [label, f] of facts) {
    if (f === undefined || !(f > 1)) continue
    if (near(ratio, f, 1e-9)) return `${label} = ${f}`
    if (near(ratio, 1 / f, 1e-9)) return `1/${label} = 1/${f}`
  }
  return undefined
}
