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
import {colourOf, colourTicks, renderHeatmap, scaleValue, tickLabel} from '../../src/parity/heatmap.js'
import {glyph, GLYPHS, hasGlyph, rasterize} from '../../src/parity/font.js'
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
      for (const [cs, cf] of [
        [6, 6],
        [6, 22],
        [12, 21],
        [22, 8],
        [24, 25],
      ])
        v += 100 * Math.exp(-((s - cs) ** 2 + (f - cf) ** 2) / 4)
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
    assert.deepEqual(
      topIndices(v.length, (i) => v[i], 3),
      [1, 3, 6],
    )
    assert.deepEqual(
      topIndices(v.length, (i) => v[i], 10),
      [1, 3, 6, 4, 0, 2],
    )
    assert.deepEqual(
      topIndices(v.length, (i) => v[i], 0),
      [],
    )
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
    assert.deepEqual(
      r.largestShare.map((p) => [p.slow, p.fast]),
      r.largestAbsDiff.map((p) => [p.slow, p.fast]),
    )
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
  it('diverging colours (ColorBrewer RdBu): near-white at 0, blue for CAND < REF, red for CAND > REF, clipped; NaN grey', () => {
    assert.deepEqual(colourOf(0), [247, 247, 247])
    assert.deepEqual(colourOf(-1), [5, 48, 97])
    assert.deepEqual(colourOf(1), [103, 0, 31])
    assert.deepEqual(colourOf(5), [103, 0, 31])
    assert.deepEqual(colourOf(-0.2), [209, 229, 240])
    assert.deepEqual(colourOf(Number.NaN), [150, 150, 150])
  })

  it('symmetric log scale: ±S at the ends, L = S·1e-3 at log10(2)/log10(1001); linear is Δ/S', () => {
    assert.equal(scaleValue(50, 50, 'log'), 1)
    assert.equal(scaleValue(-50, 50, 'log'), -1)
    assert.equal(scaleValue(0, 50, 'log'), 0)
    assert.ok(Math.abs(scaleValue(0.05, 50, 'log') - Math.log10(2) / Math.log10(1001)) < 1e-15)
    assert.equal(scaleValue(-25, 50, 'linear'), -0.5)
    assert.equal(scaleValue(500, 50, 'linear'), 1)
    assert.deepEqual(colourTicks(44.3, 'log'), [44.3, 10, 1, 0.1, 0, -0.1, -1, -10, -44.3])
    assert.deepEqual(colourTicks(8, 'linear'), [8, 6, 4, 2, 0, -2, -4, -6, -8])
    assert.deepEqual([0.1, 44.3, -1e-3, 25000, -2].map(tickLabel), ['+0.1', '+44.3', '−1e-3', '+2.5e4', '−2'])
  })

  it('has a glyph for every character it draws, 5 columns by at most 9 rows', () => {
    for (const ch of GLYPHS) {
      const g = glyph(ch)
      assert.equal(g.length, 9, ch)
      for (const row of g) assert.equal(row.length, 5, ch)
    }
    const ink: string[] = []
    rasterize('A', 0, 0, 1, (x, y) => ink.push(`${x},${y}`))
    assert.equal(ink.length, 18) // .###. #...# #...# ##### #...# #...# #...#: 3+2+2+5+2+2+2
    assert.ok(ink.includes('0,3') && ink.includes('4,3') && !ink.includes('0,0'))
    for (const ch of 'Δ = CAND − REF: half.bin − float.bin (slow,fast) photons/pixel ±|Δ| · 0123456789') assert.ok(hasGlyph(ch), ch)
  })

  const px = (png: {width: number; data: Buffer}, x: number, y: number): number[] =>
    Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3))

  it('draws Δ on its scale, the suggested pixel ringed, the other top pixels boxed, and the colour bar', () => {
    const a = synthetic()
    const b = Float32Array.from(a)
    b[12 * 32 + 21] *= 1.5 // the largest |Δ|: suggested
    b[22 * 32 + 8] *= 0.5 // CAND < REF
    b[24 * 32 + 25] *= 1.01
    const ref = img(32, 32, a)
    const cand = img(32, 32, b)
    const sug = {slow: 12, fast: 21}
    const {png: buf, info, layout} = renderHeatmap(ref, cand, {marked: [sug, {slow: 22, fast: 8}, {slow: 24, fast: 25}], suggested: sug, background: false})
    assert.equal(info.zoom, 16)
    assert.equal(info.bin, 1)
    assert.equal(info.saturation, Math.abs(b[12 * 32 + 21] - a[12 * 32 + 21]))
    assert.equal(info.saturationSource, 'max')
    assert.equal(info.unit, 'photons/pixel')
    const png = pngjs.PNG.sync.read(buf)
    assert.equal(png.width, info.width)
    const {x: mx, y: my} = layout.map
    const centre = (s: number, f: number): [number, number] => [mx + f * 16 + 8, my + s * 16 + 8]
    assert.deepEqual(px(png, ...centre(12, 21)), [103, 0, 31]) // +S: darkest red
    const blue = px(png, ...centre(22, 8))
    assert.ok(blue[2] > blue[0] + 60, `CAND < REF is blue: ${blue}`)
    assert.deepEqual(px(png, mx + 3, my + 3), [247, 247, 247]) // Δ = 0
    // the ring around the suggested pixel: black at radius 15 (w/2 + 7) left of its centre, white halo just outside
    const [sx, sy] = centre(12, 21)
    assert.deepEqual(px(png, sx - 15, sy), [20, 20, 20])
    assert.deepEqual(px(png, sx - 18 + 1, sy), [255, 255, 255])
    // a box around another top pixel (2 screen pixels outside its block), none around the suggested one
    assert.deepEqual(px(png, mx + 8 * 16 - 2, my + 22 * 16 + 8), [20, 20, 20])
    assert.notDeepEqual(px(png, mx + 21 * 16 - 2, my + 12 * 16 + 8), [20, 20, 20])
    // colour bar: +S at the top, −S at the bottom, 0 in the middle
    const {x: bx, y: by, width: bw, height: bh} = layout.bar
    assert.deepEqual(px(png, bx + bw / 2, by), colourOf(1 - 1 / bh))
    assert.deepEqual(px(png, bx + bw / 2, by + bh - 1), colourOf(-1 + 1 / bh))
    // text: ink in the title line above the map
    let ink = 0
    for (let y = 0; y < my - 40; y++) for (let x = 0; x < png.width; x++) if (px(png, x, y)[0] < 60) ink++
    assert.ok(ink > 500, `title drawn (${ink} dark pixels)`)
  })

  it('the reference as a faint background: darker grey where REF is bright, where Δ = 0', () => {
    const a = synthetic()
    const ref = img(32, 32, a)
    const {png: buf, layout} = renderHeatmap(ref, img(32, 32, a), {marked: [], suggested: null})
    const png = pngjs.PNG.sync.read(buf)
    const at = (s: number, f: number): number[] => px(png, layout.map.x + f * 16 + 8, layout.map.y + s * 16 + 8)
    const spot = at(6, 6)
    const far = at(0, 14)
    assert.equal(spot[0], spot[1])
    assert.equal(spot[1], spot[2])
    assert.ok(spot[0] < far[0] - 40 && spot[0] >= 160, `spot ${spot} vs background ${far}`)
  })

  it('reduces images over 1024 pixels by the largest |Δ| of each block, so a single pixel still shows', () => {
    const fast = 2100
    const a = new Float32Array(fast * 6).fill(1)
    const b = Float32Array.from(a)
    b[3 * fast + 1500] = 0.25 // one pixel, CAND < REF
    const {png: buf, info, layout} = renderHeatmap(img(fast, 6, a), img(fast, 6, b), {marked: [], suggested: null, background: false})
    assert.equal(info.bin, 3)
    assert.equal(info.zoom, 1)
    assert.equal(layout.map.width, 700)
    const png = pngjs.PNG.sync.read(buf)
    assert.deepEqual(px(png, layout.map.x + 500, layout.map.y + 1), [5, 48, 97])
    assert.deepEqual(px(png, layout.map.x + 499, layout.map.y + 1), [247, 247, 247])
  })

  it('writes the PNG from runParity with the top pixels and the suggestion', async () => {
    const dir = tempDir()
    const a = synthetic()
    const b = Float32Array.from(a)
    b[12 * 32 + 21] *= 1.5
    const r = await runParity(writeFloat(join(dir, 'a.bin'), a), writeFloat(join(dir, 'b.bin'), b), {png: join(dir, 'heat.png'), top: 3})
    assert.ok(r.png)
    assert.deepEqual(r.png.suggested, {slow: 12, fast: 21})
    assert.equal(r.png.marked.length, 1) // only one pixel differs
    assert.equal(r.png.colourScale, 'log')
    assert.match(r.png.caption, /^Δ = CAND − REF in photons\/pixel, symmetric log colour scale/)
    const png = pngjs.PNG.sync.read(readFileSync(join(dir, 'heat.png')))
    assert.equal(png.width, r.png.width)
    assert.equal(png.height, r.png.height)
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
    writeFloat(
      join(dir, 'b.bin'),
      a.map((v, i) => (i === 5 ? v + 50 : v)),
    )
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

  it('a planted fault that passes the criterion is still reported as not bit-identical; --exact fails it', () => {
    // kahn-default-one changes the polarization factor slightly: correlation and sum pass
    const dir = tempDir()
    const args = readFileSync(join(c01, 'cmd.txt'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((a) => (a === 'float.bin' ? 'kahn.bin' : a === 'int.img' ? 'kahn.img' : a))
    const sim = runCli(['simulate', '--inject', 'kahn-default-one', '--', ...args], {}, dir)
    assert.equal(sim.status, 0, sim.stderr)
    const wide = {COLUMNS: '200'} // the verdict on one line
    const r = runCli(['parity', join(c01, 'float.bin'), join(dir, 'kahn.bin')], wide)
    assert.equal(r.status, 0, r.stderr)
    const first = r.stdout.split('\n')[0]
    assert.match(
      first,
      /^PASS {2}correlation ≥ 0\.999 and \|sum ratio − 1\| ≤ 0\.005 \(the usual parity criterion\); images not bit-identical: (\d+) of 4096 pixels differ$/,
    )
    const n = Number(/not bit-identical: (\d+) of/.exec(first)![1])
    assert.ok(n > 0 && n <= 4096)
    assert.match(r.stdout, new RegExp(`bit identity {4}no: ${n} of 4096 pixels differ`))
    const j = JSON.parse(runCli(['parity', join(c01, 'float.bin'), join(dir, 'kahn.bin'), '--json']).stdout)
    assert.equal(j.metrics.bitIdentical, false)
    assert.equal(j.metrics.differingPixels, n)
    assert.deepEqual(j.thresholds, {minCorr: 0.999, maxSumDev: 0.005, exact: false})
    const exact = runCli(['parity', join(c01, 'float.bin'), join(dir, 'kahn.bin'), '--exact'], wide)
    assert.equal(exact.status, 1)
    assert.match(exact.stdout, /^FAIL {2}correlation ≥ 0\.999 and \|sum ratio − 1\| ≤ 0\.005 and bit-identical images \(--exact\)/)
    assert.match(exact.stdout, /✗ \(--exact needs it\)/)
    const same = runCli(['parity', join(c01, 'float.bin'), join(c01, 'float.bin'), '--exact'], wide)
    assert.equal(same.status, 0)
    assert.match(same.stdout, /images bit-identical \(all 4096 pixels\)/)
  })

  it("the issue's heat map: c01 against a half-pixel beam-centre shift", () => {
    const dir = tempDir()
    const args = readFileSync(join(c01, 'cmd.txt'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((a) => (a === 'float.bin' ? 'half.bin' : a === 'int.img' ? 'half.img' : a))
    assert.equal(runCli(['simulate', '--inject', 'beam-center-half-pixel', '--', ...args], {}, dir).status, 0)
    const r = runCli(['parity', join(c01, 'float.bin'), join(dir, 'half.bin'), '--png', join(dir, 'half.png'), '--json'])
    assert.equal(r.status, 1, r.stderr)
    const j = JSON.parse(r.stdout)
    assert.deepEqual(j.png.suggested, j.suggestion.pixel)
    assert.deepEqual(j.png.suggested, j.metrics.maxAbsDiff.pixel)
    assert.equal(j.png.saturation, j.metrics.maxAbsDiff.value)
    assert.equal(j.png.marked.length, 10)
    const png = pngjs.PNG.sync.read(readFileSync(join(dir, 'half.png')))
    assert.equal(png.width, j.png.width)
    assert.ok(png.width >= 64 * 8 && png.height >= 64 * 8)
  })

  it('float.bin and int.img of one case are strongly correlated (same pattern, different scale)', async () => {
    const r = await runParity(join(c01, 'int.img'), join(c01, 'float.bin'))
    assert.ok((r.metrics.correlation ?? 0) > 0.999)
    assert.equal(r.pass, false) // sums differ by the -scale of the int image
  })
})
