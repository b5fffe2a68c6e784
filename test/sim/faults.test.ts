// Every --fix and --inject changes the image, and the first traced value that differs from the
// faithful trace (records compared key by key in execution order) is the declared variable.
import {strict as assert} from 'node:assert'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {buildModel} from '../../src/sim/model.js'
import {loadFaults} from '../../src/sim/quirks.js'
import {renderImage, traceInMemory} from '../../src/sim/run.js'
import {diffFloat, firstDifference, tempDir} from './helpers.js'
import {lowOrderHkl} from '../helpers/hkl.js'

const BASE = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 32 -pixel 0.1 -N 5 -oversample 1'.split(' ')
const MOSAIC = ['-mosaic', '0.5', '-mosaic_domains', '3']

/** Extra arguments meeting each entry's "needs", and the pixel to trace (slow, fast). */
const SETUPS: Record<string, {args: string[]; pixel?: [number, number]}> = {
  'steps-no-oversample2': {args: ['-oversample', '2']},
  'fluence-per-mm2': {args: []},
  're-not-squared': {args: []},
  'weights-unnormalized': {args: ['-hdivrange', '0.5', '-hdivsteps', '3']},
  'ghost-comment-source': {args: ['-sourcefile', 'sources.txt']},
  'source-lambda-ignored': {args: ['-dispersion', '2', '-dispsteps', '3']},
  'mosaic-seed-off-by-one': {args: MOSAIC},
  'mosaic-extra-draw': {args: MOSAIC},
  'mosaic-domain0-not-identity': {args: MOSAIC},
  'beam-center-half-pixel': {args: []},
  'twotheta-axis-sign': {args: ['-twotheta', '5']},
  'pix0-in-mm': {args: []},
  'sincg-offset': {args: ['-N', '6', '-detpixels', '64', '-distance', '40']},
  'sincg-no-pi': {args: ['-N', '6', '-detpixels', '64', '-distance', '40']},
  'kahn-default-one': {args: []},
  'scattering-per-m': {args: []},
  'float32-accumulation': {args: []},
  'hkl-outside-zero': {args: ['-hkl', 'low.hkl']},
  'tile-fast-offset': {args: []},
  'high-angle-obliquity': {args: ['-distance', '2']},
  Q1: {args: ['-cell', '70', '80', '90', '75', '85', '95']},
  Q3: {args: ['-phi', '0', '-osc', '3', '-phisteps', '3']},
  Q4: {args: ['-detector_thick', '200', '-detector_abs', '100', '-detector_thicksteps', '3']},
  Q6: {args: ['-oversample', '2']},
  Q7: {args: ['-sourcefile', 'sources.txt']},
}

describe('sim: fixes and planted faults', function () {
  this.timeout(60000)
  let wd = ''
  before(() => {
    wd = tempDir()
    writeFileSync(join(wd, 'sources.txt'), '-10 0 0 1 1e-10\n-10 0.004 0 0.25 1.02e-10\n-10 0 -0.006 4 0.97e-10\n')
    // a table of the lowest orders only: the outer pixels' nearest hkl lies outside it
    writeFileSync(join(wd, 'low.hkl'), lowOrderHkl(1))
  })
  after(() => rmSync(wd, {recursive: true, force: true}))

  const f = loadFaults()
  const entries = [...f.faults.map((e) => ({...e, kind: 'fault' as const})), ...f.fixes.map((e) => ({...e, kind: 'fix' as const}))]
  for (const e of entries) {
    it(`${e.kind} ${e.id}: changes the image, first diverges at ${e.variable}`, async () => {
      const setup = SETUPS[e.id]
      assert.ok(setup, `no test configuration for ${e.id}`)
      const args = [...BASE, ...setup.args]
      const opt = e.kind === 'fix' ? {fixes: [e.id]} : {faults: [e.id]}
      const ref = await renderImage(buildModel(args, {cwd: wd}))
      const alt = await renderImage(buildModel(args, {cwd: wd, ...opt}))
      const d = diffFloat(ref, alt)
      // sincg-offset is the one exception: |sincg(π(h-h0), N)| = |sincg(π h, N)| exactly and the
      // image uses F_latt², so only rounding (and F_latt_a's sign) can change; see the report.
      if (e.id !== 'sincg-offset') assert.ok(d.differing > 0, 'image unchanged')
      // trace the pixel that changed most
      let best = 0
      let bestRel = -1
      for (let i = 0; i < ref.length; i++) {
        const r = Math.abs(ref[i] - alt[i]) / (Math.abs(ref[i]) + 1e-30)
        if (r > bestRel || (Number.isNaN(r) && bestRel < Infinity)) {
          bestRel = Number.isNaN(r) ? Infinity : r
          best = i
        }
      }
      const n = buildModel(args, {cwd: wd}).kernel.fpixels
      const pixel = setup.pixel ? {slow: setup.pixel[0], fast: setup.pixel[1]} : {slow: Math.floor(best / n), fast: best % n}
      const a = traceInMemory({args, cwd: wd, pixel})
      const b = traceInMemory({args, cwd: wd, pixel, ...opt})
      const first = firstDifference(a.values, b.values)
      assert.ok(first, 'traces identical')
      assert.equal(
        first.name,
        e.variable,
        `first difference at #${first.index} ${first.name} ${JSON.stringify(first.a?.loop)}: ${JSON.stringify(first.a?.value)} vs ${JSON.stringify(first.b?.value)}`,
      )
    })
  }
})
