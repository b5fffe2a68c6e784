import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {checkNanoBraggArgs} from '../sim/args-check.js'
import {makeChalk, Progress} from '../cli/output.js'
import {fitText} from '../cli/terminal.js'
import {renderReport} from '../report/text.js'
import {MiB} from '../util/files.js'
import {parsePixel} from '../util/parse.js'
import {compareForTrace} from '../workflow/compare-hook.js'
import {currentCli} from '../workflow/repro.js'
import {parseSide} from '../workflow/sides.js'
import {runTraceJob, type TraceJobResult} from '../workflow/trace-job.js'

export default class Trace extends BaseCommand {
  static override description = `Trace one pixel with a reference and a candidate at once, compare, and write the evidence

Reference defaults to the C engine, candidate to the TypeScript engine. nanoBragg arguments go
after "--"; with none, a built-in demonstration configuration is used. External programs take a
command template with the placeholders {args} {slow} {fast} {out} {cwd} (without {out}, the
trace is read from the program's stdout); they may write contract traces or legacy logs.
Each value is quoted for the shell. Put the trace flags first and {args} last, as in the
examples: nanoBragg's parser matches options by substring and lets some options read the
arguments after them (-misset_seed S followed by three more is read as misset angles), so trace
flags after {args} could change the run; nbtrace moves words written after {args} before it in
any case. Programs instrumented with nbtrace.h's nbt_take_args are immune either way
(docs/instrumenting-nanobragg.md). External programs run in a temporary folder of their own;
{cwd} is the folder nbtrace was started in, a program named by a relative path (./nanoBragg) is
found from there, and input files among the nanoBragg arguments (-hkl, -mat, ...) are passed as
absolute paths. --out must be a new or empty folder, or one an earlier
trace wrote: it is replaced whole.`
  static override examples = [
    '<%= config.bin %> trace --cand-inject steps-no-oversample2',
    '<%= config.bin %> trace --pixel 33,33 --out ev -- -cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -pixel 0.1 -N 5',
    '<%= config.bin %> trace --pixel auto --cand-fix Q3 -- -cell 100 100 100 90 90 90 -default_F 100 -detpixels 64 -N 5 -phi 0 -osc 3 -phisteps 3',
    `<%= config.bin %> trace --pixel 10,12 --cand-cmd 'python3 my_port.py -trace_pixel {slow} {fast} -trace_out {out} {args}' -- -cell 50 50 50 90 90 90 -default_F 1`,
    `<%= config.bin %> trace --pixel 33,33 --ref-cmd './nanoBragg -trace_pixel {slow} {fast} -trace_out {out} {args}' --cand-engine ts -- -cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -pixel 0.1 -N 5 -nonoise`,
  ]
  static override strict = false
  static override flags = {
    pixel: Flags.string({description: 'pixel to trace as SLOW,FAST, or "auto" (the pixel with the largest share of the image discrepancy)'}),
    out: Flags.string({description: 'folder for the evidence', default: 'nbtrace-out'}),
    'ref-engine': Flags.string({description: 'reference engine (c or ts; default c)'}),
    'cand-engine': Flags.string({description: 'candidate engine (c or ts; default ts)'}),
    'ref-cmd': Flags.string({description: 'external reference program (command template)'}),
    'cand-cmd': Flags.string({description: 'external candidate program (command template)'}),
    'ref-fix': Flags.string({description: 'reference quirks switched off (ids, comma-separated; see simulate --list-fixes)'}),
    'cand-fix': Flags.string({description: 'candidate quirks switched off'}),
    'ref-inject': Flags.string({description: 'faults planted in the reference (see simulate --list-faults)'}),
    'cand-inject': Flags.string({description: 'faults planted in the candidate'}),
    'ref-image': Flags.string({description: 'with --pixel auto: the reference float image instead of running it'}),
    'cand-image': Flags.string({description: 'with --pixel auto: the candidate float image instead of running it'}),
    size: Flags.string({description: 'with raw float images: FASTxSLOW (default square)'}),
    timeout: Flags.integer({description: 'seconds each side may run (0: no limit)', default: 600, min: 0}),
    'max-trace-mb': Flags.integer({description: 'largest trace an external program may write to stdout, in MiB', default: 1024, min: 1}),
    precision: Flags.string({description: 'tolerance profile', options: ['f64', 'f32']}),
    all: Flags.boolean({description: 'list every root cause'}),
    'ignore-config': Flags.boolean({description: 'compare numbers even when the configurations differ'}),
  }

  async run(): Promise<TraceJobResult> {
    const {flags, argv} = await this.parse(Trace)
    const ref = parseSide('ref', flags['ref-engine'], flags['ref-cmd'], flags['ref-fix'], flags['ref-inject'], 'c')
    const cand = parseSide('cand', flags['cand-engine'], flags['cand-cmd'], flags['cand-fix'], flags['cand-inject'], 'ts')
    const nbArgs = this.passThrough(argv)
    // the same one-line refusals as simulate (missing/non-numeric values, impossible detectors)
    if (nbArgs.length)
      for (const w of checkNanoBraggArgs(nbArgs, process.cwd()).warnings) if (!this.jsonEnabled()) process.stderr.write(`nbtrace: warning: ${w}\n`)
    const progress = new Progress('nbtrace trace')
    const result = await runTraceJob({
      args: nbArgs,
      cwd: process.cwd(),
      pixel: flags.pixel === undefined ? null : flags.pixel === 'auto' ? 'auto' : parsePixel(flags.pixel, '--pixel'),
      outDir: flags.out,
      ref,
      cand,
      refImage: flags['ref-image'],
      candImage: flags['cand-image'],
      size: flags.size,
      timeoutMs: flags.timeout * 1000,
      maxStdoutBytes: flags['max-trace-mb'] * MiB,
      compare: compareForTrace({precision: flags.precision as 'f64' | 'f32' | undefined, ignoreConfig: flags['ignore-config']}),
      cli: currentCli(),
      argv: this.argv,
      onStatus: (line) => {
        if (!this.jsonEnabled()) process.stderr.write(`${line}\n`)
      },
      onProgress: (f) => progress.update(f),
    })
    progress.done()
    const c = makeChalk()
    const say = (text: string): void => this.say(fitText(text))
    if (result.failure) {
      say(c.red(`FAILED: ${result.failure.side === 'ref' ? 'reference' : 'candidate'} side: ${result.failure.what}`))
      if (result.failure.stderrTail)
        this.say(
          result.failure.stderrTail
            .split('\n')
            .map((l) => `  | ${l}`)
            .join('\n'),
        )
    }
    if (result.failure && result.artifacts.length === 0) {
      say('nothing was written')
    } else {
      if (result.demo) say(c.dim('(no nanoBragg arguments: built-in demonstration configuration)'))
      say(`pixel (slow ${result.pixel.slow}, fast ${result.pixel.fast}): ${result.pixelReason}`)
      if (result.parity)
        say(`image parity: correlation ${result.parity.correlation}, sum ratio ${result.parity.sumRatio} (${result.parity.pass ? 'pass' : 'fail'})`)
      if (result.report) this.say(renderReport(result.report, {chalk: c, all: flags.all}).trimEnd())
      say(`evidence: ${result.artifacts.join(', ')}`)
    }
    this.setExit(result.exitCode)
    return result
  }
}
