// Mocha global set-up: the tests start the built CLI (test/helpers/cli.ts CLI), so dist/ is made
// current first. scripts/build.js is incremental (a no-op when src/, schemas/ and the build
// scripts are unchanged), so a run after an edit pays one tsc, and a clean tree pays nothing.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {ROOT} from './cli.js'

export function mochaGlobalSetup(): void {
  if (process.env.NBTRACE_TEST_FROM_SRC) return
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], {cwd: ROOT, stdio: 'inherit'})
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}): the tests run the built CLI`)
}
