// The C engine over threads (instrumented-c/src/threads.c): at 1, 2 and 16 threads every golden
// image is bit-identical to the reference and stdout (statistics, the solid angle summed in serial
// order: NBTRACE_SUMMARY omegaSum) is the serial one. The carry-over quirks are handled per chunk
// of rows: c19 carries the phi rotation (Q3); the interpolation fallback (Q8) is checked on a c05
// variant whose later chunks start in range (in c05 itself every chunk would fire at its first
// pixel, so a chunk that ignored the fallback would still be right); a traced pixel in the second
// half gives the serial trace.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {BIN_NOTRACE, BIN_TRACE, caseArgs, ensureBuilt, GOLDEN, goldenCases, stageCase} from './helpers.js'

function runAt(bin: string, args: string[], cwd: string, threads: number): {status: number | null; stdout: string; stderr: string} {
  const env: NodeJS.ProcessEnv = {...process.env, NBTRACE_THREADS: String(threads)}
  delete env.NBTRACE_PROGRESS
  const r = spawnSync(bin, args, {cwd, env, encoding: 'utf8', maxBuffer: 1 << 26})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

function differing(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length, 'image size')
  let n = 0
  for (let i = 0; i < a.length; i += 4) if (a.readUInt32LE(i) !== b.readUInt32LE(i)) n++
  return n
}

describe('C reference engine: threads over rows', function () {
  this.timeout(300000)
  const cases = goldenCases()
  before(function () {
    if (!cases.length) this.skip()
    const why = ensureBuilt()
    if (why) throw new Error(why)
  })

  for (const name of cases) {
    it(`${name}: 1, 2 and 16 threads give the reference image and the serial stdout`, () => {
      const dir = stageCase(name)
      try {
        let serialOut = ''
        for (const t of [1, 2, 16]) {
          const r = runAt(BIN_NOTRACE, caseArgs(name), dir, t)
          assert.equal(r.status, 0, r.stderr)
          if (t === 1) serialOut = r.stdout
          else assert.equal(r.stdout, serialOut, `stdout at ${t} threads`)
          assert.match(r.stdout, /NBTRACE_SUMMARY .*"omegaSum":\d/)
          assert.equal(differing(readFileSync(join(GOLDEN, name, 'float.bin')), readFileSync(join(dir, 'float.bin'))), 0, `float pixels differ at ${t} threads`)
          for (const img of ['int.img', 'noise.img']) {
            if (!existsSync(join(GOLDEN, name, img))) continue
            assert.ok(readFileSync(join(GOLDEN, name, img)).equals(readFileSync(join(dir, img))), `${img} differs at ${t} threads`)
          }
        }
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }

  it('Q8: a fallback that fires in row 0 switches interpolation off in every later chunk', function () {
    const name = cases.find((c) => c.startsWith('c05'))
    if (!name) this.skip()
    const dir = stageCase(name!)
    try {
      // the beam near the left edge: the first out-of-range term is well inside row 0, and the
      // first pixels of the rows after it are in range (tricubic unless the fallback carried over)
      const args = [...caseArgs(name!), '-Ybeam', '1', '-floatfile', 'v.bin']
      const images: Buffer[] = []
      for (const t of [1, 2, 16]) {
        const r = runAt(BIN_NOTRACE, args, dir, t)
        assert.equal(r.status, 0, r.stderr)
        assert.match(r.stdout, /out of range for three point interpolation/)
        assert.equal(r.stdout.match(/out of range for three point interpolation/g)!.length, 1, 'the warning is printed once')
        images.push(readFileSync(join(dir, 'v.bin')))
      }
      assert.equal(differing(images[0], images[1]), 0, '2 threads')
      assert.equal(differing(images[0], images[2]), 0, '16 threads')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a pixel traced in a full run at 2 threads gives the serial trace', function () {
    const name = cases.find((c) => c.startsWith('c19'))
    if (!name) this.skip()
    const dir = stageCase(name!)
    try {
      const traces: string[] = []
      for (const t of [1, 2]) {
        const out = join(dir, `t${t}.jsonl`)
        const r = runAt(BIN_TRACE, ['-trace_pixel', '50', '40', '-trace_out', out, ...caseArgs(name!)], dir, t)
        assert.equal(r.status, 0, r.stderr)
        // the header names the command (its trace_out differs); the records must be the same
        traces.push(
          readFileSync(out, 'utf8')
            .split('\n')
            .filter((l) => l && !l.includes('"type":"header"'))
            .join('\n'),
        )
      }
      assert.ok(traces[0].split('\n').length > 100, 'the traced pixel has records')
      assert.equal(traces[1], traces[0])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('NBTRACE_THREADS that is not a positive integer is refused (exit 2, one line)', () => {
    const name = cases[0]
    const dir = stageCase(name)
    try {
      const r = spawnSync(BIN_NOTRACE, caseArgs(name), {cwd: dir, env: {...process.env, NBTRACE_THREADS: 'two'}, encoding: 'utf8'})
      assert.equal(r.status, 2)
      assert.match(r.stderr.trim(), /^nanobragg-nbtrace: NBTRACE_THREADS=two: expected a positive integer/)
      assert.equal(r.stderr.trim().split('\n').length, 1)
      assert.ok(!existsSync(join(dir, 'float.bin')), 'no image written')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
