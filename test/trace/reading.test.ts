// The trace reader through the commands a user runs: gzip inflated as it streams, stdin `-` and
// FIFOs streamed, a BOM stripped, multi-byte characters across a 1 MiB chunk boundary decoded,
// invalid UTF-8 refused in a contract trace (and never read as a value in a legacy log), long
// lines that once made the legacy regexes quadratic read in one pass.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {ROOT, runCli, type CliResult} from '../helpers/cli.js'

const AGREE = join(ROOT, 'traces/agree')

/** Runs the CLI with `input` (a file streamed) on stdin. */
const withStdin = (args: string[], input: string, cwd: string): Promise<CliResult> => runCli(args, {cwd, stdin: input})

describe('trace reading (the one line reader)', function () {
  this.timeout(120_000)
  let dir: string
  before(() => (dir = mkdtempSync(join(tmpdir(), 'nbtrace-reading-'))))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('gzip: one member, concatenated members, and a truncated file (one-line error, exit 2)', async () => {
    const text = readFileSync(join(AGREE, 'ref.jsonl'))
    writeFileSync(join(dir, 'r.jsonl.gz'), gzipSync(text))
    const ok = await runCli(['validate', join(dir, 'r.jsonl.gz')])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /valid \(855 value records\)/)
    const same = await runCli(['compare', join(dir, 'r.jsonl.gz'), join(AGREE, 'cand.jsonl'), '--json'])
    assert.equal(JSON.parse(same.stdout).status, 'agree')
    // two members: the second header after the first footer is what the reader sees
    writeFileSync(join(dir, 'two.gz'), Buffer.concat([gzipSync(text), gzipSync(text)]))
    const two = await runCli(['validate', join(dir, 'two.gz')])
    assert.equal(two.code, 2)
    assert.equal(two.stderr.trim(), `nbtrace: ${join(dir, 'two.gz')}:858: /type: expected end of trace after the footer, found a header record`)
    writeFileSync(join(dir, 'cut.gz'), gzipSync(text).subarray(0, 2000))
    const cut = await runCli(['validate', join(dir, 'cut.gz')])
    assert.equal(cut.code, 2)
    assert.equal(cut.stderr.trim(), `nbtrace: ${join(dir, 'cut.gz')}: cannot read gzip data: unexpected end of file`)
  })

  it('stdin `-`: validate streams it, compare reads it as a side, convert reads a log from it', async () => {
    const v = await withStdin(['validate', '-'], join(AGREE, 'ref.jsonl'), dir)
    assert.equal(v.code, 0, v.stderr)
    assert.equal(v.stdout.trim(), '-: valid (855 value records)')
    const c = await withStdin(['compare', join(AGREE, 'ref.jsonl'), '-', '--json'], join(AGREE, 'cand.jsonl'), dir)
    assert.equal(JSON.parse(c.stdout).status, 'agree', c.stderr)
    assert.equal(JSON.parse(c.stdout).cand.file, '-')
    const log = join(ROOT, 'test/fixtures/golden/c06_mosaic/trace_C.log')
    const k = await withStdin(['convert', '-', '-o', join(dir, 'stdin.jsonl')], log, dir)
    assert.equal(k.code, 0, k.stderr)
    assert.ok(existsSync(join(dir, 'stdin.jsonl')))
  })

  it('a FIFO is streamed, not refused with ESPIPE, on either side; stdin as the reference', async function () {
    const fifo = join(dir, 'fifo')
    if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip()
    const golden = join(ROOT, 'test', 'fixtures', 'golden', 'c01_cubic_default_F')
    // the reference side is read once to detect its format, then opened: a FIFO there hung
    for (const [ref, cand, feed] of [
      [join(AGREE, 'ref.jsonl'), fifo, join(AGREE, 'cand.jsonl')],
      [fifo, join(AGREE, 'cand.jsonl'), join(AGREE, 'ref.jsonl')],
    ]) {
      const writer = spawn('sh', ['-c', `cat '${feed}' > '${fifo}'`])
      const written = new Promise((res) => writer.on('close', res))
      const r = await runCli(['compare', ref, cand, '--json'], {timeoutMs: 60_000})
      await written
      assert.equal(r.code, 0, r.stderr)
      assert.equal(JSON.parse(r.stdout).status, 'agree')
    }
    const s = await withStdin(['compare', '-', join(AGREE, 'cand.jsonl'), '--json'], join(AGREE, 'ref.jsonl'), dir)
    assert.equal(s.code, 0, s.stderr)
    assert.equal(JSON.parse(s.stdout).status, 'agree')
    // a legacy log through a FIFO as the reference
    if (existsSync(join(golden, 'trace_C.log'))) {
      const writer = spawn('sh', ['-c', `cat '${join(golden, 'trace_C.log')}' > '${fifo}'`])
      const written = new Promise((res) => writer.on('close', res))
      const own = await runCli(['compare', fifo, join(golden, 'trace_C.log'), '--json'], {timeoutMs: 60_000})
      await written
      assert.equal(own.code, 0, own.stderr)
    }
  })

  it("record lines read as bytes: a 1.5 MiB header line, CRLF endings, no final newline give the plain pair's verdict", async () => {
    // the header line is longer than the reader's 1 MiB buffer (it grows), so every record after
    // it is read from chunks cut at arbitrary places; agreeing records are compared as bytes
    const pair = join(ROOT, 'traces/geometry')
    const files = ['ref.jsonl', 'cand.jsonl']
    const plain = await runCli(['compare', ...files.map((f) => join(pair, f)), '--json'])
    assert.equal(plain.code, 1, plain.stderr)
    const odd = files.map((f) => {
      const lines = readFileSync(join(pair, f), 'utf8').trimEnd().split('\n')
      const h = JSON.parse(lines[0]) as {producer: {flags?: Record<string, unknown>}}
      h.producer.flags = {...h.producer.flags, note: 'x'.repeat(1.5 * 1024 * 1024)}
      lines[0] = JSON.stringify(h)
      const out = join(dir, `odd-${f}`)
      writeFileSync(out, f === 'cand.jsonl' ? lines.join('\r\n') : lines.join('\n') + '\n')
      return out
    })
    const res = await runCli(['compare', ...odd, '--json'])
    assert.equal(res.code, 1, res.stderr)
    const a = JSON.parse(plain.stdout) as {counts: unknown; firstDivergence: unknown; rootCauses: unknown}
    const b = JSON.parse(res.stdout) as {counts: unknown; firstDivergence: unknown; rootCauses: unknown}
    assert.deepEqual(b.counts, a.counts)
    assert.deepEqual(b.firstDivergence, a.firstDivergence)
    assert.deepEqual(b.rootCauses, a.rootCauses)
  })

  it('a UTF-8 BOM is accepted and stripped (contract trace and legacy log)', async () => {
    writeFileSync(join(dir, 'bom.jsonl'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(join(AGREE, 'ref.jsonl'))]))
    const r = await runCli(['validate', join(dir, 'bom.jsonl')])
    assert.equal(r.code, 0, r.stderr)
    writeFileSync(join(dir, 'bom.log'), '\ufeffTRACE_C: I_pixel_final 3.5\n')
    const c = await runCli(['convert', join(dir, 'bom.log'), '-o', join(dir, 'bom-out.jsonl'), '--json'])
    assert.equal(c.code, 0, c.stderr)
    assert.equal(JSON.parse(c.stdout).values, 1)
  })

  it('a multi-byte character across the 1 MiB chunk boundary is decoded, not turned into U+FFFD', async () => {
    // `TRACE: lambda = 1.0 Å` with the two bytes of Å at bytes 1048575 and 1048576
    const head = '# ' + 'x'.repeat(1000) + '\n'
    let pad = ''
    while (head.length + pad.length + 2000 < 1 << 20) pad += head
    const line = 'TRACE: lambda = 1.0 '
    const filler = '#'.repeat((1 << 20) - 1 - pad.length - line.length - 1) + '\n'
    const text = pad + filler + line + 'Å\n'
    const at = Buffer.byteLength(pad + filler + line)
    assert.equal(at, (1 << 20) - 1)
    writeFileSync(join(dir, 'boundary.log'), text)
    const r = await runCli(['convert', join(dir, 'boundary.log'), '-o', join(dir, 'boundary.jsonl')])
    assert.equal(r.code, 0, r.stderr)
    const rec = readFileSync(join(dir, 'boundary.jsonl'), 'utf8')
      .split('\n')
      .map((l) => (l ? JSON.parse(l) : null))
      .find((x) => x?.name === 'lambda')
    assert.equal(rec.value, 1e-10)
  })

  it('invalid UTF-8: a one-line error for a contract trace; a legacy line of binary bytes is never a value', async () => {
    const bytes = Buffer.concat([Buffer.from('TRACE_C: I_pixel_final 3.5\nTRACE_C: F_cell 1'), Buffer.from([0xff]), Buffer.from('00\n')])
    writeFileSync(join(dir, 'bin.log'), bytes)
    const r = await runCli(['convert', join(dir, 'bin.log'), '-o', join(dir, 'bin.jsonl'), '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.values, 1)
    assert.equal(out.unrecognized, 1)
  })

  it('160 KB lines (spaces, digits, brackets, `=`) in a legacy log are read in one pass', async () => {
    const big = 160 * 1024
    const lines = [
      'TRACE_C: I_pixel_final 3.5',
      ' '.repeat(big),
      'TRACE_C: ' + ' '.repeat(big) + 'x',
      'TRACE: ' + '='.repeat(big),
      '1'.repeat(big) + 'x',
      '  ' + '['.repeat(big) + ': 1',
      'Pixel (' + '1'.repeat(big),
      'x = ' + '1 '.repeat(big / 2) + 'Å',
    ]
    writeFileSync(join(dir, 'long.log'), lines.join('\n') + '\n')
    const r = await runCli(['convert', join(dir, 'long.log'), '-o', join(dir, 'long.jsonl'), '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).values, 1)
  })
})
