// Builds the C engine (instrumented-c/build/nanobragg-nbtrace) from the shipped sources.
//
// Run by npm as `postinstall` (so `npm install`, `npm ci` and `npm rebuild nbtrace` build it), by
// `npm run build:c`, and by the CLI itself on first use when the binary is missing (install
// scripts skipped, or a compiler installed since). It prints one line on stderr: what it built,
// or why it could not. A missing compiler is not an install failure: the TypeScript engine works
// without it, and C-engine commands repeat the reason in one line.
//
//   node scripts/build-c.js [--postinstall] [--quiet] [--check]
//     --postinstall  always exit 0 (a failed build must not fail `npm install`)
//     --quiet        no line when the binary is already up to date
//     --check        only whether it could build: exit 0 silently, or the reason and exit 1
//
// The compiler is $CC when set (and only it), else the first of cc, gcc, clang that runs; `make`
// is required. In a development clone both binaries are built (the benchmarks use the one with
// tracing compiled out); an installed package builds only the traced one. Exit 1 when nothing
// could be built (without --postinstall).
import {spawnSync} from 'node:child_process'
import {accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, statSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'instrumented-c')
const argv = process.argv.slice(2)
const postinstall = argv.includes('--postinstall')
const quiet = argv.includes('--quiet')
const check = argv.includes('--check')
const started = Date.now()

function finish(ok, line) {
  if (line) process.stderr.write(`nbtrace: ${line}\n`)
  process.exit(ok || postinstall ? 0 : 1)
}

// how to retry: a clone builds with its own script; an installed package through npm
const clone = existsSync(join(root, 'bench'))
const retry = clone ? 'npm run build:c' : 'npm rebuild nbtrace'

const runs = (cmd, args) => {
  const r = spawnSync(cmd, args, {stdio: 'ignore'})
  return !r.error && r.status === 0
}

if (!existsSync(join(dir, 'Makefile'))) finish(false, 'C engine not built: instrumented-c/ is missing from this installation')
const cc = process.env.CC ? (runs(process.env.CC, ['--version']) ? process.env.CC : null) : ['cc', 'gcc', 'clang'].find((c) => runs(c, ['--version']))
if (!cc) {
  finish(
    false,
    `C engine not built: no C compiler found (${process.env.CC ? `CC=${process.env.CC}` : 'tried cc, gcc, clang'}); the TypeScript engine works without it. Install one, then run: ${retry}`,
  )
}
if (!runs('make', ['--version']))
  finish(false, `C engine not built: \`make\` not found; the TypeScript engine works without it. Install make, then run: ${retry}`)
try {
  accessSync(dir, constants.W_OK)
} catch {
  finish(false, `C engine not built: ${dir} is not writable; run \`${retry}\` as its owner, or set NBTRACE_C_BINARY to a built nanobragg-nbtrace`)
}

if (check) finish(true, '')

const targets = clone ? ['all'] : ['build/nanobragg-nbtrace']
const binary = join(dir, 'build', 'nanobragg-nbtrace')
// the commit recorded in the binary's trace headers: this clone's, never that of a git repository
// the package happens to be installed inside
const commit = existsSync(join(root, '.git')) ? (spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], {encoding: 'utf8'}).stdout?.trim() ?? '') : ''
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
const makeArgs = ['-C', dir, `CC=${cc}`, `COMMIT=${commit || `npm-${version}`}`, ...targets]

const upToDate = existsSync(binary) && runs('make', ['-q', ...makeArgs])
if (upToDate) finish(true, quiet ? '' : `C engine up to date (${relative(process.cwd(), binary) || binary})`)

// one build at a time: a first use racing an install (or two first uses) wait for each other
const lock = join(dir, '.build-lock')
let locked = false
for (let waited = 0; !locked; waited += 200) {
  try {
    mkdirSync(lock)
    locked = true
  } catch {
    // a build killed half-way leaves its lock behind: no build takes 5 minutes
    if (Date.now() - statSync(lock, {throwIfNoEntry: false})?.mtimeMs > 300000) rmdirSync(lock)
    if (waited > 120000) finish(false, `C engine not built: ${lock} has been held for 2 minutes (remove it if no build is running)`)
    spawnSync('sleep', ['0.2'])
  }
}
const jobs = String(Math.max(1, Math.min(4, availableParallelism())))
const r = spawnSync('make', ['-s', '-j', jobs, ...makeArgs], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
rmdirSync(lock)
if (r.error || r.status !== 0 || !existsSync(binary)) {
  const why =
    `${r.stderr ?? ''}${r.stdout ?? ''}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /error/i.test(l))[0] ??
    r.error?.message ??
    `make exited ${r.status}`
  finish(false, `C engine not built: compiling instrumented-c with ${cc} failed: ${why}`)
}
const secs = ((Date.now() - started) / 1000).toFixed(1)
finish(true, `built the C engine with ${cc} in ${secs} s (${relative(process.cwd(), binary) || binary}, ${(statSync(binary).size / 1024).toFixed(0)} KiB)`)
