// The package as a user gets it: `npm pack`, installed from the tarball into an empty folder
// (dependencies from the npm cache or registry), then the README's command through npx. Covers
// what is shipped (sources, manifest, licence; no build outputs), the C engine built by
// postinstall, by `npm rebuild nbtrace` and on first use, and the one-line reason without a
// compiler while the TypeScript engine keeps working.
import assert from 'node:assert/strict'
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ROOT} from '../helpers/fixtures.js'

const NETWORK = /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NOTCACHED)|network|getaddrinfo/i

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  // npm_* variables of the mocha run (npm test) must not leak into the user's npm
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
  return spawnSync(cmd, args, {cwd, env: {...clean, NO_COLOR: '1', ...env}, encoding: 'utf8', timeout: 240000})
}

const TRACE_ARGS = ['-cell', '100', '100', '100', '90', '90', '90', '-default_F', '100', '-detpixels', '16', '-N', '2']

describe('package: npm pack, install from the tarball, run', function () {
  this.timeout(600000)
  let tmp = ''
  let tarball = ''
  let app = ''
  let files: string[] = []
  let installLog = ''
  const pkgDir = (): string => join(app, 'node_modules', 'nbtrace')
  const built = (): string => join(pkgDir(), 'instrumented-c', 'build', 'nanobragg-nbtrace')

  before(function () {
    if (sh('npm', ['--version'], ROOT).status !== 0) {
      console.log('      (skipped: npm is not on PATH)')
      this.skip()
    }
    tmp = mkdtempSync(join(tmpdir(), 'nbtrace-pkg-'))
    const pack = sh('npm', ['pack', '--json', '--pack-destination', tmp], ROOT)
    assert.equal(pack.status, 0, pack.stderr)
    const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {filename: string; files: {path: string}[]}[]
    tarball = join(tmp, info[0].filename)
    app = join(tmp, 'app')
    files = info[0].files.map((f) => f.path)
    sh('mkdir', ['-p', app], tmp)
    const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], app)
    if (install.status !== 0 && NETWORK.test(install.stderr)) {
      console.log(`      (skipped: the dependencies are neither in the npm cache nor reachable: ${install.stderr.split('\n').find((l) => NETWORK.test(l))})`)
      this.skip()
    }
    assert.equal(install.status, 0, install.stderr)
    installLog = install.stdout + install.stderr
  })
  after(() => tmp && rmSync(tmp, {recursive: true, force: true}))

  it('ships sources, the manifest and the licence, and no build outputs', () => {
    for (const f of [
      'oclif.manifest.json',
      'LICENSE',
      'README.md',
      'bin/run.js',
      'scripts/build-c.js',
      'instrumented-c/Makefile',
      'instrumented-c/include/nbtrace.h',
      'instrumented-c/src/pixel.c',
      'dist/commands/trace.js',
      'schemas/catalogue.json',
    ]) {
      assert.ok(files.includes(f), `${f} is not in the tarball`)
    }
    const outputs = files.filter((f) => /(^|\/)build\/|\.o$|\.map$|nanobragg-(nbtrace|notrace)$|^bin\/dev\.js$|^test\//.test(f))
    assert.deepEqual(outputs, [])
    const pj = JSON.parse(readFileSync(join(pkgDir(), 'package.json'), 'utf8')) as Record<string, unknown>
    assert.equal(pj.license, 'MIT')
    for (const k of ['repository', 'homepage', 'bugs']) assert.ok(pj[k], `package.json has no ${k}`)
    assert.match(readFileSync(join(pkgDir(), 'LICENSE'), 'utf8'), /^MIT License/)
    const manifest = JSON.parse(readFileSync(join(pkgDir(), 'oclif.manifest.json'), 'utf8')) as {version: string; commands: Record<string, unknown>}
    assert.equal(manifest.version, pj.version)
    assert.ok(manifest.commands.trace && manifest.commands.parity)
  })

  it('builds the C engine at install, with one line', () => {
    assert.ok(existsSync(built()), 'postinstall did not build the C engine')
    assert.match(installLog, /nbtrace: built the C engine with \S+ in [\d.]+ s/)
  })

  it("runs the README's command through npx: C reference vs TypeScript candidate, diverged at steps", () => {
    const r = sh('npx', ['--no', 'nbtrace', 'trace', '--cand-inject', 'steps-no-oversample2'], app)
    assert.equal(r.status, 1, r.stderr)
    assert.match(r.stdout, /^DIVERGED: first divergence steps \{\} \[normalization\]/m)
    assert.match(r.stderr, /C engine vs TypeScript engine/)
    const report = JSON.parse(readFileSync(join(app, 'nbtrace-out', 'report.json'), 'utf8')) as {ref: {producer: string}; cand: {producer: string}}
    assert.match(report.ref.producer, /^nanobragg-nbtrace/)
    assert.match(report.cand.producer, /^nbtrace-ts/)
  })

  it('has help, version and did-you-mean', () => {
    const help = sh('npx', ['--no', 'nbtrace', 'help', 'trace'], app)
    assert.equal(help.status, 0, help.stderr)
    assert.match(help.stdout, /^USAGE\n {2}\$ nbtrace trace/m)
    assert.equal(sh('npx', ['--no', 'nbtrace', 'parity', '-h'], app).status, 0)
    const v = sh('npx', ['--no', 'nbtrace', 'version'], app)
    assert.equal(v.status, 0, v.stderr)
    assert.match(v.stdout, /^nbtrace\/\d+\.\d+\.\d+ /)
    const typo = sh('npx', ['--no', 'nbtrace', 'compre', 'a.jsonl', 'b.jsonl'], app)
    assert.equal(typo.status, 2)
    assert.equal(typo.stderr, 'nbtrace: "compre" is not an nbtrace command; did you mean "compare"? ("nbtrace help" lists the commands)\n')
  })

  it('npm rebuild nbtrace builds the C engine again', () => {
    rmSync(join(pkgDir(), 'instrumented-c', 'build'), {recursive: true, force: true})
    const r = sh('npm', ['rebuild', 'nbtrace', '--foreground-scripts'], app)
    assert.equal(r.status, 0, r.stderr)
    assert.ok(existsSync(built()), 'npm rebuild nbtrace did not build the C engine')
  })

  it('without a compiler: the TypeScript engine works, C-engine commands say why in one line', () => {
    rmSync(join(pkgDir(), 'instrumented-c', 'build'), {recursive: true, force: true})
    const env = {CC: '/nonexistent/cc'}
    const ts = sh('npx', ['--no', 'nbtrace', 'simulate', '--trace-pixel', '8,8', '--trace-out', 'ts.jsonl', '--', ...TRACE_ARGS], app, env)
    assert.equal(ts.status, 0, ts.stderr)
    assert.ok(existsSync(join(app, 'ts.jsonl')))
    const c = sh('npx', ['--no', 'nbtrace', 'simulate', '--engine', 'c', '--trace-pixel', '8,8', '--trace-out', 'c.jsonl', '--', ...TRACE_ARGS], app, env)
    assert.equal(c.status, 2)
    assert.equal(
      c.stderr,
      'nbtrace: --engine: C engine not built: no C compiler found (CC=/nonexistent/cc); the TypeScript engine works without it. Install one, then run: npm rebuild nbtrace\n',
    )
  })

  it('npx nbtrace inside the project: no registry round trip, prepare rebuilds nothing', () => {
    // an empty npm cache (npx links the project into it, as on the first run after a clone) and a
    // registry that refuses connections: any round trip would fail the command
    const stamp = join(ROOT, 'dist', '.build-hash')
    const before = statSync(stamp).mtimeMs
    const env = {
      npm_config_cache: join(tmp, 'npm-cache'),
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_fetch_retries: '0',
      npm_config_offline: 'false',
    }
    const r = sh('npx', ['nbtrace', 'trace', '--cand-inject', 'steps-no-oversample2', '--out', join(tmp, 'ev')], ROOT, env)
    assert.equal(r.status, 1, r.stderr)
    assert.match(r.stdout, /^DIVERGED: first divergence steps/m)
    assert.equal(statSync(stamp).mtimeMs, before, 'prepare rebuilt dist/')
  })

  it('builds the C engine on first use when it is missing, with one line', () => {
    rmSync(join(pkgDir(), 'instrumented-c', 'build'), {recursive: true, force: true})
    const r = sh('npx', ['--no', 'nbtrace', 'simulate', '--engine', 'c', '--trace-pixel', '8,8', '--trace-out', 'c.jsonl', '--', ...TRACE_ARGS], app)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stderr, /^nbtrace: building the C engine from its sources \(first use; a few seconds\)…\nnbtrace: built the C engine with \S+ in [\d.]+ s/)
    assert.ok(existsSync(join(app, 'c.jsonl')))
  })
})
