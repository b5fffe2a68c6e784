// Where the tests find their reference data. Everything the core suite needs is committed under
// test/fixtures/ (copied from the reference material the project was given), so a fresh clone
// runs its tests with nothing beside it. Only the upstream C programs stay outside: see
// upstream.ts, whose tests skip with a reason where they are absent.
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = join(ROOT, 'test', 'fixtures')
/** real nanoBragg images, commands and TRACE_C logs of 24 configurations (one folder per case) */
export const GOLDEN = join(FIXTURES, 'golden')
/** real C/PyTorch trace pairs of a port team; each README names the true divergence */
export const LEGACY = join(FIXTURES, 'legacy-traces')
/** a real fix-plan ledger excerpt */
export const LEDGER_SAMPLE = join(FIXTURES, 'ledger-sample', 'fix_plan.md')
