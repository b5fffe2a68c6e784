import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {convertLegacy, type ConvertResult} from '../trace/convert.js'
import {checkOutputs} from '../util/files.js'

export default class Convert extends BaseCommand {
  static override description = 'Convert a legacy TRACE_C/TRACE_PY log into a contract trace'
  static override examples = ['<%= config.bin %> convert c.log -o c.jsonl --producer c']
  static override args = {log: Args.string({description: 'legacy log file', required: true})}
  static override flags = {
    out: Flags.string({char: 'o', description: 'output trace (.jsonl)', required: true}),
    producer: Flags.string({description: 'which grammar/unit table to use (default: detected)', options: ['c', 'py']}),
  }

  async run(): Promise<ConvertResult> {
    const {args, flags} = await this.parse(Convert)
    checkOutputs([{path: flags.out, field: '--out'}], [{path: args.log, field: 'LOG'}])
    const r = await convertLegacy(args.log, flags.out, flags.producer as 'c' | 'py' | undefined)
    this.say(`${r.out}: ${r.values} records from ${r.lines} lines (${r.recognized} recognised, ${r.unrecognized} unrecognised) as ${r.producer}`)
    if (r.unmapped.length) this.say(`not in the catalogue: ${r.unmapped.join(', ')}`)
    for (const n of r.notes) this.say(`note: ${n}`)
    return r
  }
}
