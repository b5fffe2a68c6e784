// Text output of a triage: the verdict line, one row per cause (share of Σ(Δ²) and of the sum
// difference, pixels, region, representative pixel and its evidence), the unexplained rest and
// what was traced. Plain text; colour only through the chalk instance given.
import type {ChalkInstance} from 'chalk'
import type {RegionInfo, TriageResult} from './triage.js'
import {percent} from '../util/numbers.js'

const pct = percent

function where(r: RegionInfo): string {
  const parts: string[] = []
  if (r.box) parts.push(`slow ${r.box.slow[0]}–${r.box.slow[1]}, fast ${r.box.fast[0]}–${r.box.fast[1]}`)
  if (r.resolution) {
    const d = r.resolution
    parts.push(
      `d ${d.dMinA.toPrecision(3)}–${Number.isFinite(d.dMaxA) ? d.dMaxA.toPrecision(3) : '∞'} Å (2θ ${d.twoThetaDeg[0].toFixed(1)}–${d.twoThetaDeg[1].toFixed(1)}°)`,
    )
  }
  if (r.tiles.length) parts.push(r.tiles.length === 4 ? 'all tiles' : `tile${r.tiles.length > 1 ? 's' : ''} ${r.tiles.join(', ')}`)
  return parts.join('; ')
}

export function renderTriage(r: TriageResult, c: ChalkInstance): string {
  const out: string[] = []
  const head = r.status === 'agree' ? c.green('AGREE') : r.status === 'failed' ? c.magenta('FAILED') : c.red('DIVERGED')
  out.push(`${head}  ${r.verdict}`)
  if (r.failure?.stderrTail)
    out.push(
      r.failure.stderrTail
        .split('\n')
        .map((l) => `  | ${l}`)
        .join('\n'),
    )
  if (r.status === 'failed') return out.join('\n') + '\n  nothing was written'
  if (!r.metrics || !r.parity || !r.discrepancy) return out.join('\n')
  out.push(
    `  images ${r.ref.image} vs ${r.cand.image} (${r.size.fast}x${r.size.slow}): correlation ${r.metrics.correlation ?? 'n/a'}, sum ratio ${r.metrics.sumRatio ?? 'n/a'} (parity ${r.parity.pass ? 'pass' : 'fail'})`,
  )
  if (r.status === 'agree') return out.join('\n')
  out.push(
    `  ${r.discrepancy.pixels} discrepant pixels${r.discrepancy.nonFinite ? ` (${r.discrepancy.nonFinite} non-finite)` : ''}, Σ(Δ²) ${r.discrepancy.sumSq.toPrecision(4)}, Σcand − Σref ${r.discrepancy.sumDiff.toPrecision(4)}`,
  )
  for (const k of r.causes) {
    out.push('')
    out.push(`  ${c.bold(`${k.rank}. ${k.name}`)}  ${pct(k.share)} of Σ(Δ²), ${pct(k.sumDiffShare)} of Σcand − Σref`)
    out.push(`     ${k.pixels} pixels, ${k.scope}; ${where(k.region)}`)
    out.push(
      `     representative pixel ${k.representative.slow},${k.representative.fast} (ref ${k.representative.ref}, cand ${k.representative.cand}): ${k.representative.evidence}`,
    )
    const votes = Object.entries(k.classVotes)
    if (votes.length > 1) out.push(`     classes seen: ${votes.map(([cls, w]) => `${cls} ${pct(w)}`).join(', ')}`)
  }
  out.push('')
  const u = r.unexplained
  if (u.pixels > 0)
    out.push(
      `  ${c.yellow('unexplained')}  ${pct(u.share)} of Σ(Δ²), ${pct(u.sumDiffShare)} of Σcand − Σref; ${u.pixels} pixels in ${u.groups.length} group${u.groups.length === 1 ? '' : 's'}; ${where(u.region)}`,
    )
  else out.push('  unexplained  0%: every discrepant pixel is assigned to a cause')
  const failed = r.traced.filter((t) => t.status === 'failed').length
  out.push(
    `  traced ${r.budget.traced} of at most ${r.budget.maxPixels} pixels in ${r.budget.rounds} round${r.budget.rounds === 1 ? '' : 's'} on ${r.budget.slots} slot${r.budget.slots === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}; ${r.groups.length} candidate groups`,
  )
  if (r.map) out.push(`  cause map: ${r.map.path}`)
  return out.join('\n')
}
