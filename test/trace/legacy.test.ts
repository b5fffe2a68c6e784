// Every real legacy log in test/fixtures converts to a schema-valid trace, with the right names,
// true units and numbers.
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readLegacyLog} from '../../src/trace/legacy/index.js'
import {loadTrace} from '../../src/trace/reader.js'
import type {LoadedTrace} from '../../src/trace/reader.js'
import {runCli, validateAgainst} from '../helpers/cli.js'
import {GOLDEN, LEGACY} from '../helpers/fixtures.js'

const logs = [
  ...readdirSync(LEGACY)
    .filter((d) => !d.includes('.'))
    .flatMap((d) =>
      readdirSync(join(LEGACY, d))
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(LEGACY, d, f)),
    ),
  ...readdirSync(GOLDEN)
    .filter((d) => d.startsWith('c'))
    .map((d) => join(GOLDEN, d, 'trace_C.log')),
]

const first = (t: LoadedTrace, name: string) => {
  const r = t.values.find((v) => v.name === name && !v.origin?.component)
  assert.ok(r, `no ${name}`)
  return r.value
}
const close = (a: number, b: number, rtol = 1e-14) => assert.ok(Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b)), `${a} vs ${b}`)

describe('legacy logs', function () {
  this.timeout(120_000)
  let dir: string
  before(() => (dir = mkdtempSync(join(tmpdir(), 'nbtrace-legacy-'))))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it(`finds the shared logs (${logs.length})`, () => {
    assert.ok(existsSync(LEGACY), 'missing test/fixtures/legacy-traces')
    assert.ok(logs.length >= 30, String(logs.length))
  })

  it('converts every legacy log to a schema-valid contract trace (convert then validate)', async () => {
    for (let i = 0; i < logs.length; i += 8) {
      const batch = logs.slice(i, i + 8)
      const rs = await Promise.all(batch.map((f, j) => runCli(['convert', f, '-o', join(dir, `${i + j}.jsonl`), '--json'])))
      rs.forEach((r, j) => {
        assert.equal(r.code, 0, `${batch[j]}: ${r.stderr}`)
        assert.equal(validateAgainst('convert.schema.json', JSON.parse(r.stdout)), null)
      })
    }
    for (let i = 0; i < logs.length; i++) {
      const t = await loadTrace(join(dir, `${i}.jsonl`))
      assert.equal(t.header.format, 'legacy')
      assert.ok(t.values.length > 5, logs[i])
    }
  })

  it('C log: names, true units and numbers (at-parallel-012 c.log)', async () => {
    const t = await readLegacyLog(join(LEGACY, 'at-parallel-012_half-pixel-pix0/c.log'))
    assert.equal(t.header.legacy!.producer, 'c')
    assert.deepEqual(first(t, 'pix0_vector'), [0.1, 0.0513, -0.0513])
    // scattering_vec_A_inv is m⁻¹ in the C log: kept as is
    assert.deepEqual(first(t, 'scattering'), [-3554745.94586839, -804674.239930314, -107021673.910729])
    // rot_a_angstroms → metres
    close((first(t, 'rot_a') as number[])[0], 100e-10)
    assert.deepEqual(first(t, 'hkl_rounded'), [0, 0, -1])
    assert.equal(first(t, 'float_pixel'), 92.7161865234375)
    assert.equal(first(t, 'polar_applied'), 0.997798486194803)
    assert.equal(first(t, 'omega_pixel'), 9.93402733922788e-7)
    assert.equal(first(t, 'steps'), 1)
    // no invented coordinates: this log prints no loop extents, so the sub-pixel axes stay
    // unstated; the gating itself states source 0 (and phi 0, mosaic 0) of the traced block
    assert.equal(t.values.find((v) => v.name === 'pixel_pos')!.loop, null)
    assert.deepEqual(t.values.find((v) => v.name === 'incident')!.loop, {source: 0})
    assert.deepEqual(t.values.find((v) => v.name === 'F_cell')!.loop, {source: 0, phi: 0, mosaic: 0})
    assert.equal(t.header.legacy!.coordinates, 'partial')
    // with the extents (the other side's set-up values) every record has its true coordinates
    const x = await readLegacyLog(join(LEGACY, 'at-parallel-012_half-pixel-pix0/c.log'), {
      extents: {detector_thicksteps: 1, oversample: 1, n_sources: 1, phisteps: 1, mosaic_domains: 1},
    })
    assert.equal(x.header.legacy!.coordinates, 'true')
    assert.deepEqual(x.values.find((v) => v.name === 'pixel_pos')!.loop, {thick: 0, subS: 0, subF: 0})
    assert.deepEqual(x.values.find((v) => v.name === 'cos2theta')!.loop, {thick: 0, subS: 0, subF: 0, source: 0})
  })

  it('free-form PyTorch report: Å→m, Å⁻¹→m⁻¹, r_e squared, components (at-parallel-012 py.log)', async () => {
    const t = await readLegacyLog(join(LEGACY, 'at-parallel-012_half-pixel-pix0/py.log'))
    assert.equal(t.header.legacy!.producer, 'py')
    assert.deepEqual(t.header.pixel, {slow: 513, fast: 446})
    assert.deepEqual(first(t, 'pix0_vector'), [0.1, 0.051250000000000004, -0.051250000000000004])
    close(first(t, 'lambda') as number, 6.2e-10)
    close((first(t, 'scattering') as number[])[0], -0.0022005406902385616 * 1e10)
    close(first(t, 'r_e_sqr') as number, 2.81794e-15 ** 2)
    const k = t.values.find((v) => v.name === 'hkl_frac' && v.origin?.component === 'k')!
    assert.equal(k.value, -0.101122)
    const l0 = t.values.find((v) => v.name === 'hkl_rounded' && v.origin?.component === 'l')!
    assert.equal(l0.value, -7)
  })

  it('TRACE_C_PHI lines keep their phi_tic, degrees become radians (c-parity-001 c.log)', async () => {
    const t = await readLegacyLog(join(LEGACY, 'c-parity-001_phi0-carryover/c.log'))
    assert.deepEqual(t.header.pixel, {slow: 685, fast: 1039})
    // every phi step of source 0, mosaic 0 of the pixel's one sub-pixel (the log prints the extents)
    const ks = t.values.filter((v) => v.name === 'hkl_frac' && v.origin?.component === 'k')
    assert.equal(ks.length, 10)
    assert.deepEqual(ks[0].loop, {thick: 0, subS: 0, subF: 0, source: 0, phi: 0, mosaic: 0})
    assert.equal(ks[0].value, -0.607255839576692)
    assert.equal(ks[9].value, -0.607255839576692)
    assert.equal(ks[9].loop!.phi, 9)
    const phi9 = t.values.find((v) => v.name === 'phi' && v.loop?.phi === 9)!
    close(phi9.value as number, 0.09 / (180 / Math.PI))
    // the SAMPLE-pivot geometry block: Fclose_m is the pivot offset, distance_m the final distance
    assert.equal(first(t, 'pivot_F'), 0.217742295)
    assert.equal(first(t, 'distance'), 0.23127466)
  })

  it('ghost sources: source table, inf/-nan/INT_MIN, SOURCE2 lines (source-weight-001 c.log)', async () => {
    const t = await readLegacyLog(join(LEGACY, 'source-weight-001_tc-d1_per-source/c.log'))
    assert.equal(first(t, 'n_sources'), 4)
    const lam = t.values.filter((v) => v.name === 'source_lambda').map((v) => v.value)
    assert.deepEqual(lam, [0, 0, 6.2e-10, 6.2e-10])
    assert.deepEqual(first(t, 'scattering'), [Infinity, -Infinity, Infinity])
    const hkl = first(t, 'hkl_frac') as number[]
    assert.ok(Number.isNaN(hkl[0]) && hkl[1] === -Infinity && Number.isNaN(hkl[2]))
    assert.deepEqual(first(t, 'hkl_rounded'), [-2147483648, -2147483648, -2147483648])
    const f2 = t.values.find((v) => v.name === 'F_cell' && v.loop?.source === 2)!
    assert.equal(f2.value, 205.39)
    assert.ok(t.header.legacy!.notes!.some((n) => n.includes('wavelength 0')))
    const py = await readLegacyLog(join(LEGACY, 'source-weight-001_tc-d1_per-source/py.log'))
    assert.equal(py.header.producer.precision, 'float32')
    assert.equal(first(py, 'n_sources'), 2)
    assert.ok(py.header.legacy!.unmapped!.includes('F_cell_interpolated'))
    assert.ok(py.header.legacy!.unrecognized > 0, 'program chatter counted')
  })

  it('counts unrecognised lines instead of dropping them silently (golden trace_C.log)', async () => {
    const t = await readLegacyLog(join(GOLDEN, 'c01_cubic_default_F/trace_C.log'))
    const L = t.header.legacy!
    assert.equal(L.recognized + L.unrecognized + (L.lines - L.recognized - L.unrecognized), L.lines)
    assert.ok(L.unrecognized > 0)
    assert.deepEqual(t.header.pixel, {slow: 33, fast: 33})
    // Block A/B repeat per sub-pixel (auto oversample 2 → 4 occurrences), each at its sub-pixel
    const pos = t.values.filter((v) => v.name === 'pixel_pos')
    assert.equal(pos.length, 4)
    assert.deepEqual(
      pos.map((v) => v.loop),
      [
        {thick: 0, subS: 0, subF: 0},
        {thick: 0, subS: 0, subF: 1},
        {thick: 0, subS: 1, subF: 0},
        {thick: 0, subS: 1, subF: 1},
      ],
    )
    assert.deepEqual(L.extents?.oversample, {value: 2, from: 'log'})
    // cos_2theta is of the last sub-pixel and source; the scaling block and pix0 (printed per sub-pixel) once
    assert.deepEqual(t.values.find((v) => v.name === 'cos2theta')!.loop, {thick: 0, subS: 1, subF: 1, source: 0})
    assert.equal(t.values.filter((v) => v.name === 'pix0_vector').length, 1)
    assert.equal(L.configuration, 'not recorded')
  })
})
