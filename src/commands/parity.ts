import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {makeChalk} from '../cli/output.js'
import {outputWidth, wrapText} from '../cli/terminal.js'
import {parsePixel, parseSize, runParity, type ParityResult} from '../parity/index.js'
import {renderParity} from '../report/parity.js'
import {InputError} from '../util/errors.js'

function num(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v)) throw new InputError(`expected a number, got "${text}"`, {field})
  return v
}

export default class Parity extends BaseCommand {
  static override summary = 'Compare two detector images (float32 -floatfile or SMV) and rank the pixels carrying the difference'
  static override description = `Pass when correlation ≥ --min-corr (default 0.999) and |sum ratio − 1| ≤ --max-sum-dev (default 5e-3), the usual parity criterion for a nanoBragg port; --exact also requires bit-identical images. The verdict always says whether the images are bit-identical and how many pixels differ. Exit 0 pass, 1 fail, 2 bad input.

Metrics: Pearson correlation, sum ratio (CAND/REF), RMSE, max |Δ| and where, max relative difference on signal pixels (REF > 1e-3·max(REF)), pixels that differ.

The heat map (--png) shows Δ = CAND − REF in the images' unit on a diverging colour scale (blue CAND < REF, red CAND > REF; symmetric log by default, --png-linear for linear) with a labelled colour bar, axes in slow/fast pixel indices, the suggested trace pixel in a thick box and the other top pixels in thin ones, over the reference as a faint background.`

  static override examples = [
    '<%= config.bin %> parity golden/c01/float.bin run/float.bin',
    '<%= config.bin %> parity ref.img cand.img --top 5 --pixel 31,40 --png diff.png',
    '<%= config.bin %> parity a.bin b.bin --exact',
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
    exact: Flags.boolean({description: 'pass only when the images are bit-identical'}),
    top: Flags.string({description: 'how many pixels each ranking lists (default 10)'}),
    pixel: Flags.string({description: 'SLOW,FAST: report this pixel and warn when it carries a negligible share of the difference'}),
    png: Flags.string({description: 'write a heat map of Δ = CAND − REF to this PNG file'}),
    'png-scale': Flags.string({description: "|Δ| at which heat-map colours saturate, in the images' unit (default: max |Δ|)"}),
    'png-linear': Flags.boolean({description: 'linear heat-map colour scale (default: symmetric log over 3 decades)'}),
    'png-background': Flags.boolean({description: 'draw the reference faintly under the heat map', default: true, allowNo: true}),
  }

  async run(): Promise<ParityResult> {
    const {args, flags} = await this.parse(Parity)
    const top = num(flags.top, '--top')
    const result = await runParity(args.ref, args.cand, {
      size: flags.size !== undefined ? parseSize(flags.size, '--size') : undefined,
      thresholds: {minCorr: num(flags['min-corr'], '--min-corr'), maxSumDev: num(flags['max-sum-dev'], '--max-sum-dev'), exact: flags.exact},
      top,
      pixel: flags.pixel !== undefined ? parsePixel(flags.pixel, '--pixel') : undefined,
      png: flags.png,
      pngScale: num(flags['png-scale'], '--png-scale'),
      pngColourScale: flags['png-linear'] ? 'linear' : 'log',
      pngBackground: flags['png-background'],
    })
    if (!this.jsonEnabled()) {
      const c = makeChalk()
      this.log(renderParity(result, {chalk: c, width: outputWidth()}))
      const warn = makeChalk(process.stderr)
      for (const w of result.warnings)
        process.stderr.write(wrapText(w, outputWidth(process.stderr), {indent: `${warn.yellow('warning:')} `, hanging: '  '}) + '\n')
    }
    if (!result.pass) this.setExit(1)
    return result
  }
}
