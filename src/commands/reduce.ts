import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {makeChalk} from '../cli/output.js'
import {checkNanoBraggArgs} from '../sim/args-check.js'
import {MiB} from '../util/files.js'
import {parsePixel} from '../util/parse.js'
import {compareForTrace, currentCli, parseSide} from '../reduce/ports.js'
import {runReduce} from '../reduce/reduce.js'
import {renderReduce} from '../reduce/render.js'
import type {ReduceResult} from '../reduce/result.js'

export default class Reduce extends BaseCommand {
  static override description = `Shrink a divergent configuration to the smallest one that still shows the same root cause

Takes the sides of "trace" (engines, external programs, fixes, injections) and the nanoBragg
arguments after "--". Traces the pixel once, then reduces one loop dimension at a time, the
largest first: sources (keeping the divergent source where the cause is source-specific),
mosaic domains, oversample, phi steps, detector layers, then the hkl table to the neighbourhood
of the reflections the pixel visits. A reduction is kept when the same root cause (variable
and class) persists; one that makes the divergence vanish is reported as evidence of where the
cause lives. For external programs, which compute the whole image, -roi around the pixel is
used where it provably keeps the pixel's value (never with the phi carry-over quirk or tricubic
interpolation), and checked without it at the end.
--out receives reduce.json, repro.sh, the minimal run's traces, report.json and its input files.
Exit 0: the sides agree (nothing to reduce); 1: reduced (a divergence); 3: a side failed.`
  static override examples = [
    '<%= config.bin %> reduce --pixel 20,24 --cand-inject steps-no-oversample2 -- -cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -pixel 0.1 -N 5 -oversample 3 -mosaic 0.5 -mosaic_domains 10',
    `<%= config.bin %> reduce --pixel 500,530 --cand-cmd './nanoBragg -trace_pixel {slow} {fast} -trace_out {out} {args}' -- -hkl P1.hkl -cell 70 80 90 90 90 90 -lambda 1 -distance 100 -detpixels 1024 -pixel 0.1 -N 5`,
  ]
  static override strict = false
  static override flags = {
    pixel: Flags.string({description: 'the divergent pixel, SLOW,FAST', required: true}),
    out: Flags.string({description: "folder for the minimal configuration's evidence", default: 'nbtrace-reduce'}),
    'ref-engine': Flags.string({description: 'reference engine (c or ts; default c)'}),
    'cand-engine': Flags.string({description: 'candidate engine (c or ts; default ts)'}),
    'ref-cmd': Flags.string({description: 'external reference program (command template, as for trace)'}),
    'cand-cmd': Flags.string({description: 'external candidate program (command template, as for trace)'}),
    'ref-fix': Flags.string({description: 'reference quirks switched off (ids, comma-separated)'}),
    'cand-fix': Flags.string({description: 'candidate quirks switched off'}),
    'ref-inject': Flags.string({description: 'faults planted in the reference'}),
    'cand-inject': Flags.string({description: 'faults planted in the candidate'}),
    timeout: Flags.integer({description: 'seconds each side may run per trial (0: no limit)', default: 600, min: 0}),
    'max-trace-mb': Flags.integer({description: 'largest trace an external program may write to stdout, in MiB', default: 1024, min: 1}),
    precision: Flags.string({description: 'tolerance profile', options: ['f64', 'f32']}),
  }

  async run(): Promise<ReduceResult> {
    const {flags, argv} = await this.parse(Reduce)
    const ref = parseSide('ref', flags['ref-engine'], flags['ref-cmd'], flags['ref-fix'], flags['ref-inject'], 'c')
    const cand = parseSide('cand', flags['cand-engine'], flags['cand-cmd'], flags['cand-fix'], flags['cand-inject'], 'ts')
    const pixel = parsePixel(flags.pixel, '--pixel')
    const nbArgs = this.passThrough(argv)
    if (nbArgs.length)
      for (const w of checkNanoBraggArgs(nbArgs, process.cwd()).warnings) if (!this.jsonEnabled()) process.stderr.write(`nbtrace: warning: ${w}\n`)
    const precision = flags.precision as 'f64' | 'f32' | undefined
    const result = await runReduce({
      args: nbArgs,
      cwd: process.cwd(),
      pixel,
      outDir: flags.out,
      ref,
      cand,
      timeoutMs: flags.timeout * 1000,
      maxStdoutBytes: flags['max-trace-mb'] * MiB,
      compare: compareForTrace({precision}),
      compareSame: compareForTrace({precision, ignoreConfig: true}),
      compareFlags: precision ? ['--precision', precision] : [],
      cli: currentCli(),
      argv: this.argv,
      onStatus: (line) => {
        if (!this.jsonEnabled()) process.stderr.write(`${line}\n`)
      },
    })
    this.say(renderReduce(result, {chalk: makeChalk(), width: process.stdout.columns || 100}))
    this.setExit(result.exitCode)
    return result
  }
}
