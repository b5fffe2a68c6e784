import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {makeChalk} from '../../cli/output.js'
import {attachReport, type AttachResult} from '../../ledger/attach.js'

export default class LedgerAttach extends BaseCommand {
  static override summary = 'Record a compare report as the next attempt of a fix-plan ledger entry'
  static override description = `Finds the single "## [ID] Title" section of the ledger, appends under its "- Attempts History:" field
"  * [DATE] Attempt #N — Result: VERDICT — ..." (N = largest attempt number in the entry + 1) with the first
divergent variable, its loop coordinates, class, differences and the report's artifact paths, and sets the
entry's "- First Divergence:" field. A reduction's evidence folder (nbtrace reduce --out DIR) records its
minimal run's report and the minimal repro (repro.sh and the minimal nanoBragg command line). Every other byte of the ledger stays as it was. Attaching the same report
again changes nothing. Exit 0 on success (also when already attached), 2 on bad input (ledger untouched).`

  static override examples = [
    '<%= config.bin %> ledger attach --ledger docs/fix_plan.md --id VECTOR-PARITY-001 --report runs/c06/report.json',
    '<%= config.bin %> ledger attach --ledger docs/fix_plan.md --id VECTOR-PARITY-001 --report runs/c06 --dry-run',
    '<%= config.bin %> ledger attach --ledger docs/fix_plan.md --id VECTOR-PARITY-001 --report nbtrace-reduce',
  ]

  static override flags = {
    ledger: Flags.string({description: 'fix-plan ledger (markdown)', required: true}),
    id: Flags.string({description: 'entry ID, as in "## [ID] Title"', required: true}),
    report: Flags.string({
      description: "compare report: DIR/report.json (or DIR), a triage folder (DIR/triage.json) or a reduction's DIR/reduce.json",
      required: true,
    }),
    date: Flags.string({description: 'attempt date YYYY-MM-DD (default: today, UTC)'}),
    'dry-run': Flags.boolean({description: 'print the unified diff and write nothing', default: false}),
  }

  async run(): Promise<AttachResult> {
    const {flags} = await this.parse(LedgerAttach)
    const r = await attachReport({ledger: flags.ledger, id: flags.id, report: flags.report, date: flags.date, dryRun: flags['dry-run']})
    if (!this.jsonEnabled()) {
      const c = makeChalk()
      if (r.dryRun && r.diff) this.log(r.diff.replace(/\n$/, ''))
      const msg = `${r.ledger}: [${r.id}] ${r.message}`
      this.log(r.changed ? (r.dryRun ? c.yellow(msg) : c.green(msg)) : msg)
    }
    return r
  }
}
