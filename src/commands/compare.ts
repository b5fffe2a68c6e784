import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {makeChalk} from '../cli/output.js'
import {loadCatalogue} from '../catalogue/catalogue.js'
import {parseTolOverrides} from '../align/tolerance.js'
import {compareTraces} from '../compare/pipeline.js'
import type {Report} from '../compare/report.js'
import {renderReport} from '../report/text.js'
import {InputError} from '../util/errors.js'

const nonNeg = (flag: string, v: number | undefined): number | undefined => {
  if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new InputError(`expected a non-negative number, found ${v}`, {field: `--${flag}`})
  return v
}

export default class Compare extends BaseCommand {
  static override description = 'Align two pixel traces and report the first divergence, its root causes and their class'
  static override examples = [
    '<%= config.bin %> compare ref.jsonl cand.jsonl',
    '<%= config.bin %> compare c.log py.log --all',
    '<%= config.bin %> compare ref.jsonl cand.jsonl --precision f32 --tol F_latt=1e-6:1e-9 --json',
  ]
  static override args = {
    ref: Args.string({description: 'reference trace (contract .jsonl[.gz] or legacy log)', required: true}),
    cand: Args.string({description: 'candidate trace (contract .jsonl[.gz] or legacy log)', required: true}),
  }
  static override flags = {
    'ref-format': Flags.string({description: 'force the reference format', options: ['auto', 'nbtrace', 'legacy'], default: 'auto'}),
    'cand-format': Flags.string({description: 'force the candidate format', options: ['auto', 'nbtrace', 'legacy'], default: 'auto'}),
    'ref-producer': Flags.string({description: 'legacy grammar of the reference log (default: detected)', options: ['c', 'py']}),
    'cand-producer': Flags.string({description: 'legacy grammar of the candidate log (default: detected)', options: ['c', 'py']}),
    precision: Flags.string({description: 'tolerance profile (default: f32 when either producer is float32)', options: ['f64', 'f32']}),
    rtol: Flags.string({description: 'relative tolerance for every non-exact variable'}),
    atol: Flags.string({description: 'absolute tolerance for every non-exact variable'}),
    ulps: Flags.string({description: 'ULP budget for every non-exact variable'}),
    tol: Flags.string({description: 'per-variable override NAME=rtol[:atol] (repeatable)', multiple: true}),
    'strict-zero': Flags.boolean({description: 'treat -0 and +0 as different', default: false}),
    'ignore-config': Flags.boolean({description: 'compare numbers even when the configuration or pixel differs', default: false}),
    all: Flags.boolean({description: 'list every root cause (default: the first)', default: false}),
    context: Flags.integer({description: 'aligned records of context on each side of the first divergence', default: 3, min: 0, max: 50}),
  }

  async run(): Promise<Report> {
    const {args, flags} = await this.parse(Compare)
    const num = (flag: string, s: string | undefined): number | undefined => {
      if (s === undefined) return undefined
      const v = Number(s)
      if (s.trim() === '' || Number.isNaN(v)) throw new InputError(`expected a number, found ${JSON.stringify(s)}`, {field: `--${flag}`})
      return nonNeg(flag, v)
    }
    const report = await compareTraces(args.ref, args.cand, {
      refFormat: flags['ref-format'] as 'auto' | 'nbtrace' | 'legacy',
      candFormat: flags['cand-format'] as 'auto' | 'nbtrace' | 'legacy',
      refProducer: flags['ref-producer'] as 'c' | 'py' | undefined,
      candProducer: flags['cand-producer'] as 'c' | 'py' | undefined,
      precision: flags.precision as 'f64' | 'f32' | undefined,
      rtol: num('rtol', flags.rtol),
      atol: num('atol', flags.atol),
      ulps: num('ulps', flags.ulps),
      tol: parseTolOverrides(flags.tol ?? [], loadCatalogue()),
      strictZero: flags['strict-zero'],
      ignoreConfig: flags['ignore-config'],
      contextRecords: flags.context,
    })
    if (!this.jsonEnabled()) process.stdout.write(renderReport(report, {chalk: makeChalk(), all: flags.all}))
    this.setExit(report.status === 'agree' ? 0 : 1)
    return report
  }
}
