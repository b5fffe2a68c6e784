// #14 group 2: outputs never replace what is not theirs. An output path must be a regular file or
// absent, and never one of the same command's inputs; an evidence folder must be new, empty, or
// one nbtrace made. Otherwise exit 2, one line, before any work (nothing written, nothing changed).
// (This suite runs as root on CI, where a rename over /dev/null would really replace the device.)
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {GOLDEN, LEGACY} from '../helpers/fixtures.js'
import {ARGS, cBuilt, Dirs, leftovers, listAll, oneLine, PIXEL, runCli} from './helpers.js'

const FLOAT = join(GOLDEN, 'c01_cubic_default_F', 'float.bin')

function mkfifo(path: string): string {
  execFileSync('mkfifo', [path])
  return path
}

/**
 * A character device to aim outputs at: as root (CI), a private copy of /dev/null made with mknod,
 * so that neither a bug here nor another process that replaced the real one can mislead the test;
 * otherwise /dev/null itself (a non-root process cannot replace it).
 */
function device(dir: string): string {
  if (process.getuid?.() !== 0) return '/dev/null'
  const p = join(dir, 'null')
  execFileSync('mknod', ['-m', '666', p, 'c', '1', '3'])
  return p
}

const isDevice = (p: string): boolean => statSync(p).isCharacterDevice()
const re = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

describe('hardening #14.2: outputs replace only what is theirs', function () {
  this.timeout(120_000)
  const dirs = new Dirs()
  after(() => dirs.clean())
  /** a real TRACE_C log (legacy) to convert */
  const log = join(LEGACY, 'at-parallel-012_half-pixel-pix0', 'c.log')

  const refused = async (args: string[], cwd: string, error: RegExp): Promise<void> => {
    const before = listAll(cwd)
    const r = await runCli(args, {cwd})
    assert.equal(r.code, 2, `${args.join(' ')}\n${r.stdout}${r.stderr}`)
    const line = oneLine(r.stderr)
    assert.ok(!line.includes('\n'), line)
    assert.match(line, error)
    assert.deepEqual(listAll(cwd), before, 'something was written')
  }

  it('parity --png /dev/null, a FIFO, a folder: refused, the device and the FIFO stay what they are', async () => {
    const cwd = dirs.make()
    copyFileSync(FLOAT, join(cwd, 'a.bin'))
    copyFileSync(FLOAT, join(cwd, 'b.bin'))
    mkfifo(join(cwd, 'fifo'))
    mkdirSync(join(cwd, 'dir'))
    const dev = device(dirs.make())
    await refused(
      ['parity', 'a.bin', 'b.bin', '--png', dev],
      cwd,
      new RegExp(`^nbtrace: ${re(dev)}: --png: is a character device: an output replaces only a regular file`),
    )
    assert.ok(isDevice(dev))
    await refused(['parity', 'a.bin', 'b.bin', '--png', 'fifo'], cwd, /^nbtrace: fifo: --png: is a FIFO: an output replaces only a regular file/)
    assert.ok(lstatSync(join(cwd, 'fifo')).isFIFO())
    await refused(['parity', 'a.bin', 'b.bin', '--png', 'dir'], cwd, /^nbtrace: dir: --png: is a directory/)
  })

  it('parity a.bin cand.bin --png cand.bin (and through a hard link or a symlink): refused, the input intact', async () => {
    const cwd = dirs.make()
    copyFileSync(FLOAT, join(cwd, 'a.bin'))
    copyFileSync(FLOAT, join(cwd, 'cand.bin'))
    linkSync(join(cwd, 'cand.bin'), join(cwd, 'hard.bin'))
    symlinkSync('cand.bin', join(cwd, 'soft.bin'))
    for (const png of ['cand.bin', 'hard.bin', 'soft.bin']) {
      await refused(
        ['parity', 'a.bin', 'cand.bin', '--png', png],
        cwd,
        new RegExp(`^nbtrace: ${png.replace('.', '\\.')}: --png: is also the input given as CAND: an output never replaces its own input$`),
      )
    }
    assert.ok(readFileSync(join(cwd, 'cand.bin')).equals(readFileSync(FLOAT)))
  })

  it('convert c.log -o c.log, -o /dev/null, -o FIFO: refused; the log intact', async () => {
    const cwd = dirs.make()
    copyFileSync(log, join(cwd, 'c.log'))
    mkfifo(join(cwd, 'fifo'))
    const dev = device(dirs.make())
    await refused(['convert', 'c.log', '-o', 'c.log'], cwd, /^nbtrace: c\.log: --out: is also the input given as LOG/)
    await refused(['convert', 'c.log', '-o', dev], cwd, new RegExp(`^nbtrace: ${re(dev)}: --out: is a character device`))
    await refused(['convert', 'c.log', '-o', 'fifo'], cwd, /^nbtrace: fifo: --out: is a FIFO/)
    assert.ok(readFileSync(join(cwd, 'c.log')).equals(readFileSync(log)))
    assert.ok(isDevice(dev))
  })

  {
    // the check runs before either engine; the C engine is the one that would rename over a device itself
    const engine = cBuilt ? 'c' : 'ts'
    it(`simulate --engine ${engine}: -floatfile /dev/null, --trace-out FIFO, -floatfile = its -hkl: refused before the run`, async function () {
      const cwd = dirs.make()
      mkfifo(join(cwd, 'fifo'))
      writeFileSync(join(cwd, 'x.hkl'), '0 0 0 100\n')
      const dev = device(dirs.make())
      await refused(
        ['simulate', '--engine', engine, '--', ...ARGS, '-floatfile', dev, '-nopgm', '-nonoise'],
        cwd,
        new RegExp(`^nbtrace: ${re(dev)}: -floatfile: is a character device`),
      )
      assert.ok(isDevice(dev))
      await refused(
        ['simulate', '--engine', engine, '--trace-pixel', PIXEL, '--trace-out', 'fifo', '--', ...ARGS],
        cwd,
        /^nbtrace: .*fifo: --trace-out: is a FIFO/,
      )
      assert.ok(lstatSync(join(cwd, 'fifo')).isFIFO())
      await refused(
        ['simulate', '--engine', engine, '--', ...ARGS, '-hkl', 'x.hkl', '-floatfile', 'x.hkl', '-nopgm', '-nonoise'],
        cwd,
        /^nbtrace: .*x\.hkl: -floatfile: is also the input given as -hkl/,
      )
      assert.equal(readFileSync(join(cwd, 'x.hkl'), 'utf8'), '0 0 0 100\n')
    })
  }

  it("trace --out . and --out / (and a parent of the current folder): refused, the user's report.json intact", async () => {
    const cwd = dirs.make()
    mkdirSync(join(cwd, 'sub'))
    writeFileSync(join(cwd, 'report.json'), 'mine\n')
    await refused(['trace', '--pixel', PIXEL, '--out', '.', '--', ...ARGS], cwd, /^nbtrace: \.: --out: is the current folder or one of its parents/)
    await refused(['trace', '--pixel', PIXEL, '--out', '/', '--', ...ARGS], cwd, /^nbtrace: \/: --out: is the current folder or one of its parents/)
    await refused(['trace', '--pixel', PIXEL, '--out', '..', '--', ...ARGS], join(cwd, 'sub'), /--out: is the current folder or one of its parents/)
    assert.equal(readFileSync(join(cwd, 'report.json'), 'utf8'), 'mine\n')
  })

  it("trace --out into a folder of the user's, a file, a symlink, or a folder holding its --ref-image: refused", async () => {
    const cwd = dirs.make()
    mkdirSync(join(cwd, 'mine'))
    writeFileSync(join(cwd, 'mine', 'notes.txt'), 'x')
    writeFileSync(join(cwd, 'file'), 'x')
    mkdirSync(join(cwd, 'real'))
    symlinkSync('real', join(cwd, 'link'))
    mkdirSync(join(cwd, 'imgs'))
    copyFileSync(FLOAT, join(cwd, 'imgs', 'ref.bin'))
    copyFileSync(FLOAT, join(cwd, 'cand.bin'))
    await refused(
      ['trace', '--pixel', PIXEL, '--out', 'mine', '--', ...ARGS],
      cwd,
      /^nbtrace: mine: --out: exists and was not made by nbtrace \(no manifest\.json\)/,
    )
    await refused(['trace', '--pixel', PIXEL, '--out', 'file', '--', ...ARGS], cwd, /^nbtrace: file: --out: exists and is a regular file, not a folder/)
    await refused(['trace', '--pixel', PIXEL, '--out', 'link', '--', ...ARGS], cwd, /^nbtrace: link: --out: is a symbolic link/)
    // an nbtrace evidence folder (an earlier run's) holding the image given as input
    writeFileSync(
      join(cwd, 'imgs', 'manifest.json'),
      JSON.stringify({schema: 'nbtrace-evidence', version: 1, created: '', command: [], files: [{name: 'ref.bin', bytes: 16384, sha256: ''}]}),
    )
    await refused(
      ['trace', '--pixel', 'auto', '--ref-image', 'imgs/ref.bin', '--cand-image', 'cand.bin', '--out', 'imgs', '--', ...ARGS],
      cwd,
      /^nbtrace: .*imgs\/ref\.bin: --ref-image: is inside the evidence folder imgs, which this run replaces whole/,
    )
    assert.equal(readFileSync(join(cwd, 'mine', 'notes.txt'), 'utf8'), 'x')
  })

  it('trace --out an empty folder is fine, and so is the same folder again (nbtrace made it)', async () => {
    const cwd = dirs.make()
    mkdirSync(join(cwd, 'ev'))
    const a = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-engine', 'ts', '--', ...ARGS], {cwd})
    assert.equal(a.code, 0, a.stderr)
    const b = await runCli(
      [
        'trace',
        '--pixel',
        PIXEL,
        '--out',
        'ev',
        '--ref-engine',
        'ts',
        '--cand-engine',
        'ts',
        '--cand-inject',
        'steps-no-oversample2',
        '--',
        ...ARGS,
        '-oversample',
        '2',
      ],
      {cwd},
    )
    assert.equal(b.code, 1, b.stderr)
    assert.equal(JSON.parse(readFileSync(join(cwd, 'ev', 'report.json'), 'utf8')).firstDivergence.name, 'steps')
    assert.deepEqual(leftovers(cwd), [])
    assert.ok(existsSync(join(cwd, 'ev', 'manifest.json')))
  })
})
