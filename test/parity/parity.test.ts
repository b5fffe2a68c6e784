import {strict as assert} from 'node:assert'
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import pngjs from 'pngjs'
import {
  compareImages,
  computeMetrics,
  queryPixel,
  rankPixels,
  readImage,
  runParity,
  suggestTracePixel,
  suggestTracePixelFromFiles,
  topIndices,
  type ParityImage,
} from '../../src/parity/index.js'
import {colourOf} from '../../src/parity/heatmap.js'
import {runCli, schemaValidator, tempDir, writeFloat, writeSmv} from './helpers.js'

import {GOLDEN} from '../helpers/fixtures.js'
const haveGolden = existsSync(join(GOLDEN, 'c01_cubic_default_F', 'float.bin'))

function img(fast: number, slow: number, values: number[] | Float32Array): ParityImage {
  return {path: 'mem', format: 'float32', fast, slow, data: Float32Array.from(values)}
}

/** A 32x32 "diffraction" image: faint background and a lattice of Gaussian spots. */
function synthetic(): Float32Array {
  const n = 32
  const a = new Float32Array(n * n)
  for (let s = 0; s < n; s++) {
    for (let f = 0; f < n; f++) {
      let v = 0.01 + 0.001 * ((s * 7 + f * 3) % 5)
      for (const [cs, cf] of [[6, 6], [6, 22], [12, 21], [22, 8], [24, 25]]) v += 100 * Math.exp(-((s - cs) ** 2 + (f - cf) ** 2) / 4)
      a[s * n + f] = v
    }
  }
  return a
}

describe('parity: metrics', () => {
  it('matches hand-computed values on a 2x2 image', () => {
    const m = computeMetrics(img(2, 2, [1, 2, 3, 4]), img(2, 2, [1, 2, 3, 5]))
    assert.equal(m.pixels, 4)
    assert.equal(m.sumRef, 10)
    assert.equal(m.sumCand, 11)
    assert.equal(m.sumRatio, 1.1)
    assert.equal(m.rmse, 0.5)
    assert.equal(m.sumAbsDiff, 1)
    assert.deepEqual(m.maxAbsDiff, {value: 1, pixel: {slow: 1, fast: 1}})
    // Pearson by hand: sxy = 6.5, sxx = 5, syy = 8.75
    assert.ok(Math.abs((m.correlation ?? 0) - 6.5 / Math.sqrt(5 * 8.75)) < 1e-15)
    assert.equal(m.maxRelDiff.value, 0.25)
    assert.deepEqual(m.maxRelDiff.pixel, {slow: 1, fast: 1})
    assert.equal(m.maxRelDiff.signalPixels, 4)
    assert.equal(m.equalPixels, 3)
  })

  it('leaves background pixels out of the max relative difference', () => {
    // ref max 1000 -> signal threshold 1; pixel 0 (ref 0.5) differs by 100% but is background
    const m = computeMetrics(img(2, 2, [0.5, 1000, 2, 3]), img(2, 2, [1, 1000, 2.2, 3]))
    assert.equal(m.maxRelDiff.signalThreshold, 1)
    assert.equal(m.maxRelDiff.signalPixels, 3)
    assert.deepEqual(m.maxRelDiff.pixel, {slow: 1, fast: 0})
    assert.ok(Math.abs((m.maxRelDiff.value ?? 0) - 0.1) < 1e-6)
  })

  it('identical images: correlation exactly 1, sum ratio 1, all pixels equal, pass', () => {
    const a = synthetic()
    const r = compareImages(img(32, 32, a), img(32, 32, a))
    assert.equal(r.metrics.correlation, 1)
    assert.equal(r.metrics.sumRatio, 1)
    assert.equal(r.metrics.equalPixels, 1024)
    assert.equal(r.metrics.rmse, 0)
    assert.equal(r.metrics.maxAbsDiff.pixel, null)
    assert.equal(r.pass, true)
    assert.match(r.suggestion.reason, /agree at every pixel/)
  })

  it('fails on thresholds and honours --min-corr / --max-sum-dev', () => {
    const a = synthetic()
    const b = a.map((v) => v * 1.01)
    const r = compareImages(img(32, 32, a), img(32, 32, b))
    assert.equal(r.pass, false)
    assert.match(r.failures.join(';'), /sum ratio/)
    const r2 = compareImages(img(32, 32, a), img(32, 32, b), {thresholds: {maxSumDev: 0.02}})
    assert.equal(r2.pass, true)
  })

  it('topIndices keeps the N largest, ties by lower index', () => {
    const v = [3, 9, 1, 9, 5, Number.NaN, 7]
    assert.deepEqual(topIndices(v.length, (i) => v[i], 3), [1, 3, 6])
    assert.deepEqual(topIndices(v.length, (i) => v[i], 10), [1, 3, 6, 4, 0, 2])
    assert.deepEqual(topIndices(v.length, (i) => v[i], 0), [])
  })
})

describe('parity: pixel ranking', () => {
  const a = synthetic()
  const b = Float32Array.from(a)
  // planted regional difference: slow 10..13, fast 19..23 (around the spot at 12,21) 20% brighter
  for (let s = 10; s <= 13; s++) for (let f = 19; f <= 23; f++) b[s * 32 + f] *= 1.2
  const ref = img(32, 32, a)
  const cand = img(32, 32, b)
  const inRegion = (p: {slow: number; fast: number}): boolean => p.slow >= 10 && p.slow <= 13 && p.fast >= 19 && p.fast <= 23

  it('the top pixels by |Δ| and by share lie in the planted region', () => {
    const r = rankPixels(ref, cand, 5)
    assert.equal(r.largestAbsDiff.length, 5)
    for (const p of r.largestAbsDiff) assert.ok(inRegion(p), `${p.slow},${p.fast} outside the region`)
    assert.deepEqual(r.largestShare.map((p) => [p.slow, p.fast]), r.largestAbsDiff.map((p) => [p.slow, p.fast]))
    const shares = r.largestShare.map((p) => p.share ?? 0)
    assert.ok(Math.abs((r.largestShare[4].cumulativeShare ?? 0) - shares.reduce((x, y) => x + y, 0)) < 1e-12)
    // brightest is the spot centres, independent of the difference
    assert.ok(r.brightest[0].ref >= r.brightest[1].ref)
  })

  it('suggestTracePixel picks the pixel with the largest share, with a one-sentence reason', () => {
    const s = suggestTracePixel(ref, cand)
    assert.deepEqual(s.pixel, {slow: 12, fast: 21})
    assert.ok(inRegion(s.pixel))
    assert.match(s.reason, /^Pixel 12,21 carries the largest share of the image discrepancy \([0-9.]+% of Σ\|Δ\|; .*\)\.$/)
  })

  it('--pixel on a background pixel warns; on the top pixel it does not', () => {
    const bg = queryPixel(ref, cand, {slow: 0, fast: 0})
    assert.equal(bg.negligible, true)
    assert.equal(bg.share, 0)
    assert.match(bg.warning ?? '', /^pixel 0,0 is negligible for this discrepancy: .* Consider --pixel 12,21 /)
    const top = queryPixel(ref, cand, {slow: 12, fast: 21})
    assert.equal(top.negligible, false)
    assert.equal(top.warning, null)
    assert.equal(top.rank, 1)
  })

  it('a pixel below the median |Δ| is negligible even with a measurable share', () => {
    // 10 pixels: nine differ by 1, one by 0.5 (share 0.5/9.5 > 1e-3 but below the median 1)
    const r = img(5, 2, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10])
    const c = img(5, 2, [11, 11, 11, 11, 11, 11, 11, 11, 11, 10.5])
    const q = queryPixel(r, c, {slow: 1, fast: 4})
    assert.ok((q.share ?? 0) > 1e-3)
    assert.equal(q.medianAbsDiff, 1)
    // but it carries half the largest |Δ|: not background
    assert.equal(q.negligible, false)
    const c2 = img(5, 2, [11, 11, 11, 11, 11, 11, 11, 11, 11, 10.05])
    assert.equal(queryPixel(r, c2, {slow: 1, fast: 4}).negligible, true)
  })
})

describe('parity: heat map', () => {
  it('diverging colours: white at 0, blue negative, red positive, clipped', () => {
    assert.deepEqual(colourOf(0, 1), [255, 255, 255])
    assert.deepEqual(colourOf(-1, 1), [33, 102, 172])
    assert.deepEqual(colourOf(5, 1), [178, 24, 43])
    assert.deepEqual(colourOf(-0.5, 1), [144, 179, 214])
  })

  it('writes a PNG with the top pixels boxed', async () => {
    const dir = tempDir()
    const a = synthetic()
    const b = Float32Array.from(a)
    b[12 * 32 + 21] *= 1.5
    const ra = writeFloat(join(dir, 'a.bin'), a)
    const rb = writeFloat(join(dir, 'b.bin'), b)
    const out = join(dir, 'heat.png')
    const r = await runParity(ra, rb, {png: out, top: 1})
    assert.ok(r.png)
    assert.equal(r.png.zoom, 8)
    const png = pngjs.PNG.sync.read(readFileSync(out))
    assert.equal(png.width, 256)
    assert.equal(png.height, 256)
    const at = (x: number, y: number): number[] => Array.from(png.data.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 3))
    assert.deepEqual(at(21 * 8 + 3, 12 * 8 + 3), [178, 24, 43]) // the changed pixel: red, saturated
    assert.deepEqual(at(21 * 8 - 2, 12 * 8 + 3), [0, 0, 0]) // its box
    assert.deepEqual(at(3, 3), [255, 255, 255]) // unchanged background: white
  })
})

describe('parity: inputs', () => {
  it('reads SMV little- and big-endian and float32 to the same values', () => {
    const dir = tempDir()
    const v = [0, 1, 65535, 300, 7, 8, 9, 10, 11, 12, 13, 14]
    const le = readImage(writeSmv(join(dir, 'le.img'), 4, 3, v), undefined)
    const be = readImage(writeSmv(join(dir, 'be.img'), 4, 3, v, {byteOrder: 'big_endian'}))
    const fl = readImage(writeFloat(join(dir, 'f.bin'), v), {fast: 4, slow: 3})
    for (const im of [le, be, fl]) {
      assert.equal(im.fast, 4)
      assert.equal(im.slow, 3)
      assert.deepEqual(Array.from(im.data), v)
    }
    assert.equal(le.format, 'smv')
    assert.equal(fl.format, 'float32')
  })

  const bad: Array<{name: string; make: (dir: string) => string[]; error: (dir: string) => string}> = [
    {
      name: 'float image that is not square without --size',
      make: (d) => [writeFloat(join(d, 'a.bin'), new Array(10).fill(1)), writeFloat(join(d, 'b.bin'), new Array(10).fill(1))],
      error: (d) => `${d}/a.bin: --size: holds 10 float32 pixels, which is not a square image; give --size FASTxSLOW`,
    },
    {
      name: 'float image of the wrong size for --size',
      make: (d) => [writeFloat(join(d, 'a.bin'), new Array(16).fill(1)), writeFloat(join(d, 'b.bin'), new Array(16).fill(1)), '--size', '3x5'],
      error: (d) => `${d}/a.bin: --size: holds 16 float32 pixels but --size 3x5 needs 15`,
    },
    {
      name: 'float file whose length is not a multiple of 4',
      make: (d) => {
        writeFileSync(join(d, 'a.bin'), Buffer.alloc(10))
        return [join(d, 'a.bin'), join(d, 'a.bin')]
      },
      error: (d) => `${d}/a.bin: size: float32 image size 10 bytes is not a multiple of 4`,
    },
    {
      name: 'truncated SMV header',
      make: (d) => [writeSmv(join(d, 'a.img'), 4, 4, new Array(16).fill(1), {truncateTo: 100}), writeFloat(join(d, 'b.bin'), new Array(16).fill(1))],
      error: (d) => `${d}/a.img:2: HEADER_BYTES: truncated SMV header: HEADER_BYTES=512 but the file holds only 100 bytes`,
    },
    {
      name: 'SMV header claiming more pixels than the file holds',
      make: (d) => [writeFloat(join(d, 'a.bin'), new Array(16).fill(1)), writeSmv(join(d, 'b.img'), 4, 4, new Array(16).fill(1), {dataBytes: 10})],
      error: (d) => `${d}/b.img:6: SIZE1: SMV header claims 4x4 pixels (32 bytes) but the file holds only 10 bytes after the 512-byte header`,
    },
    {
      name: 'unsupported BYTE_ORDER',
      make: (d) => [writeSmv(join(d, 'a.img'), 4, 4, new Array(16).fill(1), {byteOrder: 'middle_endian'}), writeFloat(join(d, 'b.bin'), new Array(16).fill(1))],
      error: (d) => `${d}/a.img:4: BYTE_ORDER: SMV header: unsupported BYTE_ORDER=middle_endian (expected little_endian or big_endian)`,
    },
    {
      name: 'missing BYTE_ORDER',
      make: (d) => [writeSmv(join(d, 'a.img'), 4, 4, new Array(16).fill(1), {byteOrder: null}), writeFloat(join(d, 'b.bin'), new Array(16).fill(1))],
      error: (d) => `${d}/a.img: BYTE_ORDER: SMV header has no BYTE_ORDER`,
    },
    {
      name: 'unsupported TYPE',
      make: (d) => [writeSmv(join(d, 'a.img'), 4, 4, new Array(16).fill(1), {type: 'float'}), writeFloat(join(d, 'b.bin'), new Array(16).fill(1))],
      error: (d) => `${d}/a.img:5: TYPE: SMV header: unsupported TYPE=float (only unsigned_short)`,
    },
    {
      name: 'mismatched dimensions between REF and CAND',
      make: (d) => [writeSmv(join(d, 'a.img'), 4, 4, new Array(16).fill(1)), writeFloat(join(d, 'b.bin'), new Array(4).fill(1))],
      error: (d) => `${d}/b.bin: size: dimensions differ: REF ${d}/a.img is 4x4 but CAND is 2x2 (fast x slow)`,
    },
    {
      name: 'pixel outside the image',
      make: (d) => [writeFloat(join(d, 'a.bin'), new Array(16).fill(1)), writeFloat(join(d, 'b.bin'), new Array(16).fill(1)), '--pixel', '9,1'],
      error: () => `--pixel: pixel 9,1 is outside the 4x4 image (slow < 4, fast < 4)`,
    },
    {
      name: 'missing file',
      make: (d) => [join(d, 'nope.bin'), join(d, 'nope.bin')],
      error: (d) => `${d}/nope.bin: cannot read image: no such file`,
    },
    {
      name: 'malformed --size',
      make: (d) => [writeFloat(join(d, 'a.bin'), new Array(16).fill(1)), join(d, 'a.bin'), '--size', '4by4'],
      error: () => `--size: expected FASTxSLOW (e.g. 1024x1024), got "4by4"`,
    },
  ]

  for (const t of bad) {
    it(`refuses ${t.name}: one line, exit 2, no PNG written`, () => {
      const dir = tempDir()
      const png = join(dir, 'out.png')
      const r = runCli(['parity', ...t.make(dir), '--png', png])
      assert.equal(r.status, 2, r.stderr)
      assert.equal(r.stderr, `nbtrace: ${t.error(dir)}\n`)
      assert.equal(r.stdout, '')
      assert.equal(existsSync(png), false)
    })
  }

  it('--json errors are an {error} object with exit 2', () => {
    const dir = tempDir()
    const r = runCli(['parity', join(dir, 'x.bin'), join(dir, 'x.bin'), '--json'])
    assert.equal(r.status, 2)
    const j = JSON.parse(r.stdout)
    assert.equal(j.error.code, 'bad-input')
    assert.equal(j.error.file, join(dir, 'x.bin'))
  })
})

describe('parity: CLI and schema', () => {
  const validate = schemaValidator('parity.schema.json')

  it('--json output is valid against schemas/parity.schema.json (pass and fail, with --pixel and --png)', () => {
    const dir = tempDir()
    const a = synthetic()
    const b = a.map((v, i) => (i === 12 * 32 + 21 ? v * 2 : v))
    writeFloat(join(dir, 'a.bin'), a)
    writeFloat(join(dir, 'b.bin'), b)
    const same = runCli(['parity', join(dir, 'a.bin'), join(dir, 'a.bin'), '--json'])
    assert.equal(same.status, 0, same.stderr)
    const js = JSON.parse(same.stdout)
    assert.deepEqual(validate(js), {ok: true, errors: ''})
    assert.equal(js.pass, true)
    const diff = runCli(['parity', join(dir, 'a.bin'), join(dir, 'b.bin'), '--json', '--pixel', '0,0', '--png', join(dir, 'h.png'), '--top', '3'])
    assert.equal(diff.status, 1, diff.stderr)
    const jd = JSON.parse(diff.stdout)
    assert.deepEqual(validate(jd), {ok: true, errors: ''})
    assert.equal(jd.pass, false)
    assert.equal(jd.pixel.negligible, true)
    assert.deepEqual(jd.suggestion.pixel, {slow: 12, fast: 21})
    assert.ok(statSync(join(dir, 'h.png')).size > 100)
  })

  it('plain text without colour under NO_COLOR, warning on stderr', () => {
    const dir = tempDir()
    const a = synthetic()
    writeFloat(join(dir, 'a.bin'), a)
    writeFloat(join(dir, 'b.bin'), a.map((v, i) => (i === 5 ? v + 50 : v)))
    const r = runCli(['parity', join(dir, 'a.bin'), join(dir, 'b.bin'), '--pixel', '31,31', '--top', '2'])
    assert.equal(r.status, 1)
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/)
    assert.match(r.stdout, /^FAIL {2}/)
    assert.match(r.stdout, /suggested trace pixel: 0,5/)
    assert.match(r.stderr, /^warning: pixel 31,31 is negligible/)
  })
})

describe('parity: golden images', function () {
  before(function () {
    if (!haveGolden) this.skip()
  })
  const c01 = join(GOLDEN, 'c01_cubic_default_F')
  const c20 = join(GOLDEN, 'c20_xtal_round')

  for (const file of ['float.bin', 'int.img']) {
    it(`${file} against itself: pass, correlation 1, every pixel equal`, () => {
      const r = runCli(['parity', join(c01, file), join(c01, file), '--json'])
      assert.equal(r.status, 0, r.stderr)
      const j = JSON.parse(r.stdout)
      assert.equal(j.pass, true)
      assert.equal(j.metrics.correlation, 1)
      assert.equal(j.metrics.sumRatio, 1)
      assert.equal(j.metrics.equalPixels, j.metrics.pixels)
      assert.equal(j.metrics.pixels, 64 * 64)
      assert.equal(j.ref.format, file === 'int.img' ? 'smv' : 'float32')
    })
  }

  it('c01 vs c20 differ: fail, exit 1', async () => {
    const r = await runParity(join(c01, 'float.bin'), join(c20, 'float.bin'))
    assert.equal(r.pass, false)
    assert.ok((r.metrics.correlation ?? 1) < 0.999)
    assert.ok(r.metrics.equalPixels < r.metrics.pixels)
    // what `nbtrace trace --pixel auto` gets: the pixel with the largest |Δ|
    const s = suggestTracePixelFromFiles(join(c01, 'float.bin'), join(c20, 'float.bin'))
    assert.deepEqual(s.pixel, r.metrics.maxAbsDiff.pixel)
    assert.match(s.reason, /^Pixel \d+,\d+ carries the largest share/)
    const cli = runCli(['parity', join(c01, 'float.bin'), join(c20, 'float.bin')])
    assert.equal(cli.status, 1)
    assert.match(cli.stdout, /^FAIL/)
  })

  it('float.bin and int.img of one case are strongly correlated (same pattern, different scale)', async () => {
    const r = await runParity(join(c01, 'int.img'), join(c01, 'float.bin'))
    assert.ok((r.metrics.correlation ?? 0) > 0.999)
    assert.equal(r.pass, false) // sums differ by the -scale of the int image
  })
})
