import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {makeChalk, Progress} from '../cli/output.js'
import {fitText, outputWidth, wrapText} from '../cli/terminal.js'
import {checkNanoBraggArgs} from '../sim/args-check.js'
import {parseSide} from '../workflow/sides.js'
import {renderTriage} from '../triage/render.js'
import {DEFAULT_MAX_PIXELS, runTriage, type TriageResult} from '../triage/triage.js'

export default class Triage extends BaseCommand {
  static override summary = 'Explain a whole-image discrepancy by all of its independent root causes, each with its share'
  static override description = `Renders (or reads) both images, partitions the discrepancy into candidate groups (ratio cand/ref, sign,
smooth connected regions, detector tile, resolution shell, on/off Bragg peak), traces representatives of
every group and a stratified sample on both sides in parallel, compares each, groups the root causes by
signature and assigns every discrepant pixel to one. Exit 0 when the images agree, 1 when they differ,
2 on bad input, 3 when a side failed (no image, or no pixel could be traced). Sides are given as for trace: engines, --ref-cmd/--cand-cmd templates, --*-fix, --*-inject,
nanoBragg arguments after "--".`

  static override examples = [
    '<%= config.bin %> triage --cand-inject kahn-default-one,tile-fast-offset -- -cell 20 20 20 90 90 90 -default_F 100 -lambda 1 -distance 20 -detpixels 128 -pixel 0.1 -N 5',
    "<%= config.bin %> triage --ref-image ref.bin --cand-image port.bin --cand-cmd './port -trace_pixel {slow} {fast} -trace_out {out} {args}' -- -cell 100 100 100 90 90 90 -default_F 100 -detpixels 1024",
  ]

  static override strict = false
  static override flags = {
    out: Flags.string({description: 'folder for triage.json, the cause map and the evidence of every traced pixel', default: 'nbtrace-triage'}),
    'max-pixels': Flags.integer({description: 'most pixels traced (on both sides)', default: DEFAULT_MAX_PIXELS}),
    'ref-engine': Flags.string({description: 'reference engine (c or ts; default c)'}),
    'cand-engine': Flags.string({description: 'candidate engine (c or ts; default ts)'}),
    'ref-cmd': Flags.string({description: 'external reference program (command template, as for trace)'}),
    'cand-cmd': Flags.string({description: 'external candidate program (command template)'}),
    'ref-fix': Flags.string({description: 'reference quirks switched off (ids, comma-separated)'}),
    'cand-fix': Flags.string({description: 'candidate quirks switched off'}),
    'ref-inject': Flags.string({description: 'faults planted in the reference'}),
    'cand-inject': Flags.string({description: 'faults planted in the candidate'}),
    'ref-image': Flags.string({description: 'the reference float image instead of rendering it'}),
    'cand-image': Flags.string({description: 'the candidate float image instead of rendering it'}),
    timeout: Flags.integer({description: 'seconds each side may run for one image or one pixel (0: no limit)', default: 600, min: 0}),
    precision: Flags.string({description: 'tolerance profile of the trace comparisons', options: ['f64', 'f32']}),
  }

  async run(): Promise<Omit<TriageResult, 'exitCode'>> {
    const {flags, argv} = await this.parse(Triage)
    const ref = parseSide('ref', flags['ref-engine'], flags['ref-cmd'], flags['ref-fix'], flags['ref-inject'], 'c')
    const cand = parseSide('cand', flags['cand-engine'], flags['cand-cmd'], flags['cand-fix'], flags['cand-inject'], 'ts')
    const nbArgs = this.passThrough(argv)
    if (nbArgs.length)
      for (const w of checkNanoBraggArgs(nbArgs, process.cwd()).warnings) if (!this.jsonEnabled()) process.stderr.write(`nbtrace: warning: ${w}\n`)
    const progress = new Progress('nbtrace triage')
    const result = await runTriage({
      args: nbArgs,
      cwd: process.cwd(),
      outDir: flags.out,
      ref,
      cand,
      refImage: flags['ref-image'],
      candImage: flags['cand-image'],
      maxPixels: flags['max-pixels'],
      timeoutMs: flags.timeout * 1000,
      precision: flags.precision as 'f64' | 'f32' | undefined,
      argv: this.argv,
      onStatus: (line) => {
        if (!this.jsonEnabled()) process.stderr.write(`${line}\n`)
      },
      onProgress: (f) => progress.update(f),
    })
    progress.done()
    if (!this.jsonEnabled()) {
      this.log(fitText(renderTriage(result, makeChalk())))
      for (const w of result.warnings) process.stderr.write(wrapText(w, outputWidth(process.stderr), {indent: 'nbtrace: warning: ', hanging: '  '}) + '\n')
    }
    this.setExit(result.exitCode)
    const {exitCode: _e, ...json} = result
    return json
  }
}
