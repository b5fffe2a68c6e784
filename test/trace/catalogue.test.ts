// The catalogue is valid against its schema and internally consistent: unique names, inputs
// that exist, loop scopes in loop order, no input whose scope is narrower without being summed.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import {ROOT, validateAgainst} from '../helpers/cli.js'

describe('variable catalogue', () => {
  const raw = JSON.parse(readFileSync(join(ROOT, 'schemas/catalogue.json'), 'utf8'))
  const cat = loadCatalogue()

  it('is valid against catalogue.schema.json', () => assert.equal(validateAgainst('catalogue.schema.json', raw), null))

  it('has unique names and only known inputs, and no dependency cycle', () => {
    assert.equal(cat.byName.size, cat.variables.length)
    for (const v of cat.variables) for (const i of v.inputs) assert.ok(cat.byName.has(i), `${v.name} ← ${i}`)
    for (const v of cat.variables) assert.ok(!cat.downstream(v.name).has(v.name), `cycle through ${v.name}`)
  })

  it('keeps loop scopes in the canonical loop order', () => {
    for (const v of cat.variables) {
      const idx = v.loop.map((l) => cat.loopOrder.indexOf(l))
      assert.deepEqual(
        idx,
        [...idx].sort((a, b) => a - b),
        v.name,
      )
    }
  })

  it('covers the per-pixel computation of physics.md', () => {
    for (const n of [
      'pix0_vector',
      'pixel_pos',
      'airpath',
      'omega_pixel',
      'close_distance',
      'obliquity',
      'diffracted',
      'incident',
      'source_dir',
      'lambda',
      'source_weight',
      'scattering',
      'mosaic_umat',
      'mosaic_rng_draws',
      'ap',
      'rot_a',
      'a_star',
      'hkl_frac',
      'hkl_rounded',
      'F_latt_a',
      'F_latt',
      'F_cell',
      'F_cell_mode',
      'polar',
      'capture_fraction',
      'I_term',
      'I_sum',
      'steps',
      'r_e_sqr',
      'fluence',
      'I_pixel_final',
      'float_pixel',
    ]) {
      assert.ok(cat.byName.has(n), n)
    }
  })
})
