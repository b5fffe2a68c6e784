// Builds the instrumented C simulator at install time. A missing C compiler is not an
// install failure: the TypeScript parts still work and every command that needs the
// binary says so in one line (see src/sim/engines.ts).
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'instrumented-c')
if (!existsSync(join(dir, 'Makefile'))) {
  console.error('nbtrace: instrumented-c/Makefile not found; skipping the C build')
  process.exit(0)
}
const cc = process.env.CC || 'gcc'
const probe = spawnSync(cc, ['--version'], {stdio: 'ignore'})
if (probe.error || probe.status !== 0) {
  console.error(`nbtrace: no C compiler (${cc}) found; the C engine is unavailable, TypeScript parts are installed`)
  process.exit(0)
}
const r = spawnSync('make', ['-C', dir, `CC=${cc}`], {stdio: ['ignore', 'inherit', 'inherit']})
if (r.error || r.status !== 0) {
  console.error('nbtrace: building instrumented-c failed; the C engine is unavailable')
  process.exit(0)
}
