// Classification against planted faults and quirk fixes (schemas/faults.json): the faithful and the
// faulted TypeScript engine trace the pixel that changed most; compare must name the declared
// variable as the first divergence and give it the declared class.
import assert from 'node:assert/strict'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {buildModel} from '../../src/sim/model.js'
import {renderImage, traceInMemory} from '../../src/sim/run.js'
import {compareTraces} from '../../src/compare/pipeline.js'
import {ROOT} from '../helpers/cli.js'
import {asLoaded, tempDir} from './synth.js'
import {lowOrderHkl} from '../helpers/hkl.js'

const BASE = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 32 -pixel 0.1 -N 5 -oversample 1'.split(' ')
const MOSAIC = ['-mosaic', '0.5', '-mosaic_domains', '3']

/** Configurations meeting each entry's "needs" (single/many sources, mosaic, oversample, layers). */
const SETUPS: Record<string, string[]> = {
  'steps-no-oversample2': ['-oversample', '2'],
  'fluence-per-mm2': [],
  're-not-squared': [],
  'weights-unnormalized': ['-hdivrange', '0.5', '-hdivsteps', '3'],
  'ghost-comment-source': ['-sourcefile', 'sources.txt'],
  'source-lambda-ignored': ['-dispersion', '2', '-dispsteps', '3'],
  'mosaic-seed-off-by-one': MOSAIC,
  'mosaic-extra-draw': MOSAIC,
  'mosaic-domain0-not-identity': MOSAIC,
  'beam-center-half-pixel': [],
  'twotheta-axis-sign': ['-twotheta', '5'],
  'pix0-in-mm': [],
  'sincg-offset': ['-N', '6', '-detpixels', '64', '-distance', '40'],
  'sincg-no-pi': ['-N', '6', '-detpixels', '64', '-distance', '40'],
  'kahn-default-one': [],
  'scattering-per-m': [],
  'float32-accumulation': [],
  'hkl-outside-zero': ['-hkl', 'low.hkl'],
  'tile-fast-offset': [],
  'high-angle-obliquity': ['-distance', '2'],
  Q1: ['-cell', '70', '80', '90', '75', '85', '95'],
  Q3: ['-phi', '0', '-osc', '3', '-phisteps', '3'],
  Q4: ['-detector_thick', '200', '-detector_abs', '100', '-detector_thicksteps', '3'],
  Q6: ['-oversample', '2'],
  Q7: ['-sourcefile', 'sources.txt'],
}

interface Entry {
  id: string
  class: string
  variable: string
}

describe('compare: planted faults and quirk fixes are classified', function () {
  this.timeout(120000)
  let wd = ''
  before(() => {
    wd = tempDir()
    writeFileSync(join(wd, 'sources.txt'), '# comment line\n-10 0 0 1 1e-10\n-10 0.004 0 0.25 1.02e-10\n-10 0 -0.006 4 0.97e-10\n')
    // a table of the lowest orders only: the outer pixels' nearest hkl lies outside it
    writeFileSync(join(wd, 'low.hkl'), lowOrderHkl(1))
  })
  after(() => rmSync(wd, {recursive: true, force: true}))

  const f = JSON.parse(readFileSync(join(ROOT, 'schemas', 'faults.json'), 'utf8')) as {faults: Entry[]; fixes: Entry[]}
  const entries = [...f.faults.map((e) => ({...e, kind: 'fault' as const})), ...f.fixes.map((e) => ({...e, kind: 'fix' as const}))]
  for (const e of entries) {
    it(`${e.kind} ${e.id}: first divergence ${e.variable}, class ${e.class}`, async () => {
      const extra = SETUPS[e.id]
      assert.ok(extra, `no configuration for ${e.id}`)
      const args = [...BASE, ...extra]
      const opt = e.kind === 'fix' ? {fixes: [e.id]} : {faults: [e.id]}
      const a = await renderImage(buildModel(args, {cwd: wd}))
      const b = await renderImage(buildModel(args, {cwd: wd, ...opt}))
      let best = 0
      let bestRel = -1
      for (let i = 0; i < a.length; i++) {
        const r = Math.abs(a[i] - b[i]) / (Math.abs(a[i]) + 1e-30)
        if (r > bestRel || (Number.isNaN(r) && bestRel < Infinity)) {
          bestRel = Number.isNaN(r) ? Infinity : r
          best = i
        }
      }
      const n = buildModel(args, {cwd: wd}).kernel.fpixels
      const pixel = {slow: Math.floor(best / n), fast: best % n}
      const ref = traceInMemory({args, cwd: wd, pixel})
      const cand = traceInMemory({args, cwd: wd, pixel, ...opt})
      const rep = await compareTraces(asLoaded(ref, 'faithful'), asLoaded(cand, e.id))
      assert.equal(rep.status, 'diverged', rep.verdict)
      const fd = rep.firstDivergence!
      const roots = rep.rootCauses.map((r) => `${r.name}${JSON.stringify(r.loop)}:${r.class}`).join(' ')
      assert.equal(fd.name, e.variable, `first divergence ${fd.name}; roots ${roots}`)
      assert.equal(fd.class, e.class, `class of ${fd.name}: ${fd.class}; evidence: ${fd.evidence.join(' | ')}`)
      assert.ok(fd.evidence.length > 0, 'evidence printed')
      const root = rep.rootCauses.find((r) => r.name === e.variable)
      assert.ok(root, `root causes ${roots} do not include ${e.variable}`)
      assert.equal(root.class, e.class)
    })
  }
})
