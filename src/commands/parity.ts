import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {makeChalk} from '../cli/output.js'
import {parsePixel, parseSize, runParity, type ParityResult, type RankedPixel} from '../parity/index.js'
import {InputError} from '../util/errors.js'

function num(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v)) throw new InputError(`expected a number, got "${text}"`, {field})
  return v
}

function g(x: number | null | undefined, digits = 7): string {
  if (x === null || x === undefined) return 'n/a'
  return Number.isInteger(x) ? String(x) : x.toPrecision(digits)
}

export default class Parity extends BaseCommand {
  static override summary = 'Compare two detector images (float32 -floatfile or SMV) and rank the pixels carrying the difference'
  static override description = `Metrics: Pearson correlation, sum ratio (CAND/REF), RMSE, max |Δ| and where, max relative difference on signal pixels (REF > 1e-3·max(REF)), count of identical pixels.
Pass when correlation ≥ --min-corr and |sum ratio − 1| ≤ --max-sum-dev. Exit 0 pass, 1 fail, 2 bad input.
The heat map (--png) shows (CAND−REF)/max(|REF|, 1e-3·max(REF)), blue negative, white 0, red positive, saturating at ±scale (default: 99th percentile of the nonzero |values|); the top pixels are boxed.`

  static override examples = [
    '<%= config.bin %> parity golden/c01/float.bin run/float.bin',
    '<%= config.bin %> parity ref.img cand.img --top 5 --pixel 31,40 --png diff.png',
    '<%= config.bin %> parity a.bin b.bin --size 1024x512 --min-corr 0.9999 --json',
  ]

  static override args = {
    ref: Args.string({description: 'reference image (float32 raw or SMV)', required: true}),
    cand: Args.string({description: 'candidate image (float32 raw or SMV)', required: true}),
  }

  static override flags = {
    size: Flags.string({description: 'FASTxSLOW for raw float images (default: square)'}),
    'min-corr': Flags.string({description: 'minimum Pearson correlation to pass (default 0.999)'}),
    'max-sum-dev': Flags.string({description: 'maximum |sum ratio − 1| to pass (default 5e-3)'}),
    top: Flags.string({description: 'how many pixels each ranking lists (default 10)'}),
    pixel: Flags.string({description: 'SLOW,FAST: report this pixel and warn when it carries a negligible share of the difference'}),
    png: Flags.string({description: 'write a heat map of the signed relative difference to this PNG file'}),
    'png-scale': Flags.string({description: 'relative difference at which heat-map colours saturate (default: automatic)'}),
  }

  async run(): Promise<ParityResult> {
    const {args, flags} = await this.parse(Parity)
    const top = num(flags.top, '--top')
    const result = await runParity(args.ref, args.cand, {
      size: flags.size !== undefined ? parseSize(flags.size, '--size') : undefined,
      thresholds: {minCorr: num(flags['min-corr'], '--min-corr'), maxSumDev: num(flags['max-sum-dev'], '--max-sum-dev')},
      top,
      pixel: flags.pixel !== undefined ? parsePixel(flags.pixel, '--pixel') : undefined,
      png: flags.png,
      pngScale: num(flags['png-scale'], '--png-scale'),
    })
    if (!this.jsonEnabled()) this.print(result)
    if (!result.pass) this.setExit(1)
    return result
  }

  private print(r: ParityResult): void {
    const c = makeChalk()
    const m = r.metrics
    const lines: string[] = []
    lines.push(`${r.pass ? c.green('PASS') : c.red('FAIL')}  ${r.ref.path} vs ${r.cand.path}  (${r.ref.fast}x${r.ref.slow}, ${r.ref.format} vs ${r.cand.format})`)
    for (const f of r.failures) lines.push(`  ${c.red('✗')} ${f}`)
    lines.push(`  correlation     ${g(m.correlation, 12)}   (min ${r.thresholds.minCorr})`)
    lines.push(`  sum ratio       ${g(m.sumRatio, 12)}   (|ratio−1| ≤ ${r.thresholds.maxSumDev}; sums ${g(m.sumRef)} / ${g(m.sumCand)})`)
    lines.push(`  RMSE            ${g(m.rmse)}`)
    lines.push(`  max |Δ|         ${g(m.maxAbsDiff.value)}${m.maxAbsDiff.pixel ? ` at ${m.maxAbsDiff.pixel.slow},${m.maxAbsDiff.pixel.fast}` : ''}`)
    lines.push(`  max rel diff    ${g(m.maxRelDiff.value)}${m.maxRelDiff.pixel ? ` at ${m.maxRelDiff.pixel.slow},${m.maxRelDiff.pixel.fast}` : ''}   (${m.maxRelDiff.signalPixels} signal pixels: ref > ${g(m.maxRelDiff.signalThreshold)})`)
    lines.push(`  equal pixels    ${m.equalPixels} of ${m.pixels}`)
    const table = (title: string, rows: RankedPixel[], cum = false): void => {
      if (rows.length === 0) return
      lines.push(`  ${c.bold(title)}`)
      lines.push(`    ${'#'.padStart(3)} ${'slow,fast'.padEnd(11)} ${'ref'.padStart(14)} ${'cand'.padStart(14)} ${'|Δ|'.padStart(12)} ${'share'.padStart(9)}${cum ? ' ' + 'cumul.'.padStart(9) : ''}`)
      for (const p of rows) {
        const share = p.share === null ? 'n/a' : (100 * p.share).toFixed(3) + '%'
        const cs = p.cumulativeShare === null || p.cumulativeShare === undefined ? 'n/a' : (100 * p.cumulativeShare).toFixed(2) + '%'
        lines.push(`    ${String(p.rank).padStart(3)} ${`${p.slow},${p.fast}`.padEnd(11)} ${g(p.ref).padStart(14)} ${g(p.cand).padStart(14)} ${g(p.absDiff).padStart(12)} ${share.padStart(9)}${cum ? ' ' + cs.padStart(9) : ''}`)
      }
    }
    table('brightest (REF)', r.top.brightest)
    table('largest |Δ|', r.top.largestAbsDiff)
    table('largest share of Σ|Δ|', r.top.largestShare, true)
    if (r.pixel) {
      const p = r.pixel
      lines.push(`  pixel ${p.slow},${p.fast}: ref ${g(p.ref)}, cand ${g(p.cand)}, |Δ| ${g(p.absDiff)}, share ${p.share === null ? 'n/a' : (100 * p.share).toPrecision(3) + '%'}, rank ${p.rank}`)
    }
    lines.push(`  suggested trace pixel: ${r.suggestion.pixel.slow},${r.suggestion.pixel.fast} — ${r.suggestion.reason}`)
    if (r.png) lines.push(`  heat map: ${r.png.path} (saturates at ±${g(r.png.scale)}, ${r.png.scaleSource}; zoom ${r.png.zoom})`)
    this.log(lines.join('\n'))
    for (const w of r.warnings) process.stderr.write(`${c.yellow('warning:')} ${w}\n`)
  }
}
