// Single-pixel mode (-trace_only) reproduces the full image's pixel bit for bit when the
// order-dependent quirks are all active at once: phi carry-over (Q3), the sticky interpolation
// fallback (Q8), mosaic domains, several sources, oversampling, an ROI.
import assert from 'node:assert/strict'
import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN_TRACE, dec, ensureBuilt, GOLDEN, readJsonl, run, traceProblems} from './helpers.js'

describe('C single-pixel mode', function () {
  this.timeout(120000)
  const hkl = join(GOLDEN, 'c05_interp_fallback', 'grid4.hkl')
  let dir = ''
  before(function () {
    if (!existsSync(hkl)) this.skip()
    const why = ensureBuilt()
    if (why) throw new Error(why)
    dir = mkdtempSync(join(tmpdir(), 'nbtrace-single-'))
    copyFileSync(hkl, join(dir, 'grid4.hkl'))
  })
  after(() => dir && rmSync(dir, {recursive: true, force: true}))

  const args =
    '-cell 50 50 50 90 90 90 -hkl grid4.hkl -default_F 10 -N 2 -lambda 1 -distance 85 -detpixels 48 -pixel 0.12 -oversample 2 -Xbeam 0.9 -phi 0 -osc 2 -phisteps 3 -mosaic 0.3 -mosaic_domains 3 -hdivrange 0.4 -hdivsteps 2 -roi 2 45 1 46 -nopgm -nonoise -quiet'.split(
      ' ',
    )

  it('equals the full image at pixels before, at and after the fallback', () => {
    const full = run(BIN_TRACE, [...args, '-floatfile', 'full.bin', '-intfile', 'full.img'], dir)
    assert.equal(full.status, 0, full.stderr)
    const img = readFileSync(join(dir, 'full.bin'))
    const pixels = [
      [1, 2],
      [1, 3],
      [5, 40],
      [12, 20],
      [24, 24],
      [30, 7],
      [46, 45],
      [47, 47],
      [0, 0],
    ]
    for (const [s, f] of pixels) {
      const out = `p_${s}_${f}.jsonl`
      const r = run(BIN_TRACE, ['-trace_pixel', String(s), String(f), '-trace_out', out, '-trace_only', ...args], dir)
      assert.equal(r.status, 0, r.stderr)
      const recs = readJsonl(join(dir, out))
      assert.deepEqual(traceProblems(recs), [])
      const fp = dec(recs.find((x) => x.name === 'float_pixel')!.value)
      const ref = img.readFloatLE(4 * (s * 48 + f))
      assert.ok(Object.is(fp, ref), `pixel ${s},${f}: trace_only ${fp} vs image ${ref}`)
    }
  })
})
