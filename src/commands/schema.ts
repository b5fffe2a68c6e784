import {Args, Flags} from '@oclif/core'
import {readFileSync, readdirSync} from 'node:fs'
import {BaseCommand} from '../cli/base.js'
import {makeChalk} from '../cli/output.js'
import {renderTable, type Row} from '../cli/table.js'
import {outputWidth} from '../cli/terminal.js'
import {loadCatalogue} from '../catalogue/catalogue.js'
import {InputError} from '../util/errors.js'
import {SCHEMAS_DIR, schemaPath} from '../util/paths.js'

export default class Schema extends BaseCommand {
  static override description = 'Print the JSON Schemas of traces and reports, or the variable catalogue as a table'
  static override examples = ['<%= config.bin %> schema', '<%= config.bin %> schema trace', '<%= config.bin %> schema --catalogue']
  // ignoreStdin: oclif would otherwise read a missing name from a piped stdin
  static override args = {name: Args.string({description: 'schema name (trace, config, report, catalogue, ...)', ignoreStdin: true})}
  static override flags = {
    catalogue: Flags.boolean({description: 'print the variable catalogue as a table'}),
    stage: Flags.string({description: 'with --catalogue: only this stage'}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Schema)
    if (flags.catalogue) {
      const cat = loadCatalogue()
      const vars = cat.variables.filter((v) => !flags.stage || v.stage === flags.stage)
      if (!this.jsonEnabled()) {
        const columns = [
          {header: 'name', min: Number.POSITIVE_INFINITY},
          {header: 'unit'},
          {header: 'shape'},
          {header: 'loop'},
          {header: 'tolerance'},
          {header: 'inputs', prose: true},
          {header: 'meaning', prose: true},
        ]
        // one group per stage, in catalogue order
        const rows: Row[] = []
        for (const stage of [...new Set(vars.map((v) => v.stage))]) {
          rows.push({group: `stage ${stage}`})
          for (const v of vars.filter((x) => x.stage === stage))
            rows.push([v.name, v.unit, v.shape, v.loop.join(', ') || '-', v.tolerance, v.inputs.join(', ') || '-', v.meaning])
        }
        this.log(renderTable(columns, rows, {width: outputWidth(), chalk: makeChalk()}))
      }
      return {catalogue: cat.version, variables: vars.map(({index: _i, ...v}) => v)}
    }
    const names = readdirSync(SCHEMAS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
    if (!args.name) {
      if (!this.jsonEnabled()) for (const n of names) this.log(n)
      return {schemas: names}
    }
    const file = names.find((n) => n === args.name || n === `${args.name}.schema.json` || n === `${args.name}.json`)
    if (!file) throw new InputError(`unknown schema "${args.name}"; one of ${names.join(', ')}`, {field: 'name'})
    const text = readFileSync(schemaPath(file), 'utf8')
    if (!this.jsonEnabled()) this.log(text.trimEnd())
    return JSON.parse(text) as unknown
  }
}
