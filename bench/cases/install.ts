// `npm run bench -- --install`: the README's command right after installing, as a new user meets
// it. The repository's committed HEAD is cloned into a temporary folder, `npm install` runs there
// (timed, for information: it builds dist/ and the C engine), then the README demo (`npx nbtrace
// trace --cand-inject steps-no-oversample2`) runs once — the first run — and then warm, interleaved
// with the CLI start-up of the clone. Uncommitted changes are not in the clone: the commit measured
// is printed.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type Ctx, interleave, measure, ROOT} from '../harness.js'
import {DEMO} from './demo.js'

export async function installCase(ctx: Ctx): Promise<void> {
  const R = ctx.report
  const head = spawnSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], {encoding: 'utf8'}).stdout.trim()
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], {encoding: 'utf8'}).stdout.trim() !== ''
  const dir = mkdtempSync(join(tmpdir(), 'nbtrace-install-'))
  try {
    process.stderr.write(`case install: git clone of ${head.slice(0, 12)}${dirty ? ' (the worktree has uncommitted changes, not measured)' : ''} into ${dir}\n`)
    const clone = join(dir, 'nbtrace')
    await measure('git', ['clone', '-q', '--no-hardlinks', ROOT, clone], {cwd: dir})
    await measure('git', ['-C', clone, 'checkout', '-q', '--detach', head], {cwd: dir})
    const inst = await measure('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {cwd: clone})
    R.value('install', `npm install on the fresh clone (${head.slice(0, 12)}), once`, Math.round(inst.wall), 'ms')
    let n = 0
    const demo = () => measure('npx', ['nbtrace', ...DEMO, '--out', join(dir, `out-${n++}`)], {cwd: clone, ok: [1]})
    const first = await demo()
    R.value('install', 'README demo, first run after npm install (npx)', Math.round(first.wall), 'ms', {text: '<= 1500', met: first.wall <= 1500})
    const t = await interleave({startup: () => measure(process.execPath, [join(clone, 'bin/run.js'), '--version'], {cwd: clone}), demo}, ctx.rounds)
    R.time('install', 'CLI start-up of the clone (nbtrace --version)', t.startup, t.startup.wall)
    R.time('install', 'README demo, warm (npx)', t.demo, t.startup.wall, {text: '<= 400', ms: 400})
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
