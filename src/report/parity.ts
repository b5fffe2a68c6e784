// Text rendering of an image parity result (`nbtrace parity`): the verdict with the criterion it
// was judged by and whether the images are bit-identical, the metrics, the pixel rankings as
// tables that fit the width, the checked pixel and the pixel to trace.
import type {ChalkInstance} from 'chalk'
import {renderTable, type Column} from '../cli/table.js'
import {wrapLines} from '../cli/terminal.js'
import type {ParityResult, RankedPixel} from '../parity/index.js'

export interface ParityRenderOptions {
  chalk: ChalkInstance
  width: number
}

function g(x: number | null | undefined, digits = 7): string {
  if (x === null || x === undefined) return 'n/a'
  return Number.isInteger(x) ? String(x) : x.toPrecision(digits)
}

const pct = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? 'n/a' : `${(100 * x).toPrecision(digits)}%`)

/** "correlation ≥ 0.999 and |sum ratio − 1| ≤ 0.005", plus bit identity under --exact. */
export function criterionText(t: ParityResult['thresholds']): string {
  return `correlation ≥ ${t.minCorr} and |sum ratio − 1| ≤ ${t.maxSumDev}${t.exact ? ' and bit-identical images (--exact)' : ''}`
}

/** "bit-identical" or "not bit-identical: N of M pixels differ". */
export function identityText(m: ParityResult['metrics']): string {
  return m.bitIdentical ? `bit-identical (all ${m.pixels} pixels)` : `not bit-identical: ${m.differingPixels} of ${m.pixels} pixels differ`
}

export function renderParity(r: ParityResult, o: ParityRenderOptions): string {
  const c = o.chalk
  const m = r.metrics
  const t = r.thresholds
  const out: string[] = []
  const ok = (pass: boolean): string => (pass ? c.green('✓') : c.red('✗'))
  out.push(
    `${r.pass ? c.green.bold('PASS') : c.red.bold('FAIL')}  ${criterionText(t)}${t.minCorr === 0.999 && t.maxSumDev === 5e-3 ? ' (the usual parity criterion)' : ''}; images ${identityText(m)}`,
  )
  out.push(`  REF   ${r.ref.path} (${r.ref.format}, ${r.ref.fast}x${r.ref.slow} fast x slow)`)
  out.push(`  CAND  ${r.cand.path} (${r.cand.format}, ${r.cand.fast}x${r.cand.slow})`)
  const corrOk = m.correlation !== null && m.correlation >= t.minCorr
  const dev = m.sumRatio === null ? null : Math.abs(m.sumRatio - 1)
  out.push(`  correlation     ${g(m.correlation, 12)}   ${ok(corrOk)} (needs ≥ ${t.minCorr})`)
  out.push(
    `  sum ratio       ${g(m.sumRatio, 12)}   ${ok(dev !== null && dev <= t.maxSumDev)} |ratio − 1| = ${g(dev, 3)} (needs ≤ ${t.maxSumDev}); Σ REF ${g(m.sumRef)}, Σ CAND ${g(m.sumCand)}`,
  )
  out.push(
    `  bit identity    ${m.bitIdentical ? 'yes' : `no: ${m.differingPixels} of ${m.pixels} pixels differ (${m.equalPixels} equal in value)`}${t.exact ? `   ${ok(m.bitIdentical)} (--exact needs it)` : ''}`,
  )
  // the reasons the lines above do not show (an undefined correlation, non-finite pixels)
  for (const f of r.failures) if (!/^(correlation \S+ <|\|sum ratio - 1\| =|--exact:)/.test(f)) out.push(`  ${c.red('✗')} ${f}`)
  out.push(`  RMSE            ${g(m.rmse)}`)
  out.push(`  max |Δ|         ${g(m.maxAbsDiff.value)}${m.maxAbsDiff.pixel ? ` at ${m.maxAbsDiff.pixel.slow},${m.maxAbsDiff.pixel.fast} (slow,fast)` : ''}`)
  out.push(
    `  max rel diff    ${g(m.maxRelDiff.value)}${m.maxRelDiff.pixel ? ` at ${m.maxRelDiff.pixel.slow},${m.maxRelDiff.pixel.fast}` : ''}   (over ${m.maxRelDiff.signalPixels} signal pixels: REF > ${g(m.maxRelDiff.signalThreshold)})`,
  )
  const table = (title: string, rows: RankedPixel[], cumulative: boolean): void => {
    if (rows.length === 0) return
    out.push('')
    out.push(`  ${c.bold(title)}`)
    const columns: Column[] = [
      {header: '#', align: 'right'},
      {header: 'slow,fast'},
      {header: 'ref', align: 'right'},
      {header: 'cand', align: 'right'},
      {header: '|Δ|', align: 'right'},
      {header: 'share of Σ|Δ|', align: 'right'},
      ...(cumulative ? [{header: 'cumulative', align: 'right' as const}] : []),
    ]
    const cells = rows.map((p) => [
      String(p.rank),
      `${p.slow},${p.fast}`,
      g(p.ref),
      g(p.cand),
      g(p.absDiff),
      pct(p.share),
      ...(cumulative ? [pct(p.cumulativeShare, 4)] : []),
    ])
    out.push(renderTable(columns, cells, {width: o.width, chalk: c, indent: '  '}))
  }
  // ranking by share is ranking by |Δ|: one table carries both, with the cumulative share
  table('largest |Δ| (the pixels carrying the difference)', r.top.largestShare, true)
  table('brightest in REF', r.top.brightest, false)
  out.push('')
  if (r.pixel) {
    const p = r.pixel
    out.push(`  pixel ${p.slow},${p.fast}: ref ${g(p.ref)}, cand ${g(p.cand)}, |Δ| ${g(p.absDiff)}, ${pct(p.share)} of Σ|Δ|, rank ${p.rank}`)
  }
  out.push(`  suggested trace pixel: ${r.suggestion.pixel.slow},${r.suggestion.pixel.fast} — ${r.suggestion.reason}`)
  if (r.png) out.push(`  heat map: ${r.png.path} — ${r.png.caption}`)
  return wrapLines(out, o.width)
}
