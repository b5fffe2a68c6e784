import {Args} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {validateFiles, type ValidateResult} from '../trace/validate-files.js'

export default class Validate extends BaseCommand {
  static override description = 'Check contract traces against the trace schema and the variable catalogue'
  static override examples = ['<%= config.bin %> validate traces/agree/ref.jsonl traces/agree/cand.jsonl']
  static override strict = false
  static override args = {files: Args.string({description: 'trace files (.jsonl, .jsonl.gz)', required: true})}

  async run(): Promise<ValidateResult> {
    const {argv} = await this.parse(Validate)
    const result = await validateFiles(argv as string[])
    for (const f of result.files) {
      if (f.valid) this.say(`${f.file}: valid (${f.records} value records)`)
      else process.stderr.write(`nbtrace: ${f.error}\n`)
    }
    if (!result.valid) process.exitCode = 2
    return result
  }
}
