import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {convertLegacy, type ConvertResult} from '../trace/convert.js'
import {EXTENT_OF, type Extents} from '../trace/legacy/index.js'
import {InputError} from '../util/errors.js'
import {checkOutputs} from '../util/files.js'

function parseExtents(items: string[]): Extents {
  const names = new Set(Object.values(EXTENT_OF))
  const out: Extents = {}
  for (const it of items) {
    const m = /^(\w+)=(\d{1,9})$/.exec(it)
    if (!m || !names.has(m[1]) || Number(m[2]) < 1)
      throw new InputError(`expected NAME=N with NAME one of ${[...names].join(', ')} and N >= 1, found ${JSON.stringify(it)}`, {field: '--extent'})
    out[m[1]] = Number(m[2])
  }
  return out
}

export default class Convert extends BaseCommand {
  static override description = 'Convert a legacy TRACE_C/TRACE_PY log into a contract trace'
  static override examples = ['<%= config.bin %> convert c.log -o c.jsonl --producer c']
  static override args = {log: Args.string({description: 'legacy log file', required: true})}
  static override flags = {
    out: Flags.string({char: 'o', description: 'output trace (.jsonl)', required: true}),
    producer: Flags.string({
      description: 'the producer profile (schemas/producers): c (TRACE_C builds), py (TRACE_PY), freeform (default: detected)',
      options: ['c', 'py', 'freeform', 'trace-c', 'trace-py'],
    }),
    extent: Flags.string({
      description: 'a loop extent the log does not print, NAME=N (detector_thicksteps, oversample, n_sources, phisteps, mosaic_domains; repeatable)',
      multiple: true,
    }),
  }

  async run(): Promise<ConvertResult> {
    const {args, flags} = await this.parse(Convert)
    checkOutputs([{path: flags.out, field: '--out'}], [{path: args.log, field: 'LOG'}])
    const r = await convertLegacy(args.log, flags.out, flags.producer, parseExtents(flags.extent ?? []))
    this.say(
      `${r.out}: ${r.values} records from ${r.lines} lines (${r.recognized} recognised, ${r.unrecognized} unrecognised) as ${r.producer} (profile ${r.profile}; loop coordinates: ${r.coordinates})`,
    )
    if (r.unmapped.length) this.say(`not in the catalogue: ${r.unmapped.join(', ')}`)
    for (const n of r.notes) this.say(`note: ${n}`)
    return r
  }
}
