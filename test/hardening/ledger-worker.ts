// A racing `ledger attach` client for the concurrency test: attaches N reports in a row through
// the library entry the command uses (one process start for many attaches keeps the test cheap).
import {attachReport} from '../../src/ledger/attach.js'

const [ledger, id, dir, prefix, n] = process.argv.slice(2)
for (let i = 0; i < Number(n); i++) {
  await attachReport({ledger, id, report: `${dir}/${prefix}-${i}.json`, date: '2025-03-03'})
}
