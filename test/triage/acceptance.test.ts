// nbtrace triage against planted faults whose truth is known: for every combination of two or
// three faults that coexist (global and partial), on two configurations, the triage lists every
// planted cause with its class, no other cause above 1 % of Σ(Δ²), and the shares plus the
// unexplained part add up to 100 % (of Σ(Δ²), and of Σcand − Σref). Run as a user runs it:
// `nbtrace triage --json` (reference: C engine, candidate: TypeScript engine with --cand-inject).
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {CONFIGS, fault, triage, workDir} from './helpers.js'

const COMBINATIONS: string[][] = [
  ['kahn-default-one', 'hkl-outside-zero'],
  ['kahn-default-one', 'tile-fast-offset'],
  ['fluence-per-mm2', 'high-angle-obliquity'],
  ['hkl-outside-zero', 'tile-fast-offset'],
  ['tile-fast-offset', 'high-angle-obliquity'],
  ['hkl-outside-zero', 'high-angle-obliquity'],
  ['beam-center-half-pixel', 'hkl-outside-zero'],
  ['kahn-default-one', 'hkl-outside-zero', 'tile-fast-offset'],
  ['re-not-squared', 'tile-fast-offset', 'high-angle-obliquity'],
  ['hkl-outside-zero', 'tile-fast-offset', 'high-angle-obliquity'],
]

describe('nbtrace triage: every planted cause, with its class and share', function () {
  this.timeout(600_000)
  let wd = ''
  before(() => (wd = workDir()))
  after(() => wd && rmSync(wd, {recursive: true, force: true}))

  for (const cfg of CONFIGS) {
    for (const combo of COMBINATIONS) {
      it(`configuration ${cfg.name}: ${combo.join(' + ')}`, async () => {
        const out = `out-${cfg.name}-${combo.join('+')}`
        const {r, json} = await triage(wd, ['--out', out, '--cand-inject', combo.join(',')], cfg.args)
        assert.equal(r.code, 1, r.stderr)
        assert.equal(json.status, 'diverged')
        const listed = json.causes.map((c) => `${c.variable} [${c.class}] ${(100 * c.share).toPrecision(3)}%`).join(', ')
        for (const id of combo) {
          const f = fault(id)
          const c = json.causes.find((x) => x.variable === f.variable)
          assert.ok(c, `planted ${id} (${f.variable}) not among the causes: ${listed}`)
          assert.equal(c.class, f.class, `${id}: class ${c.class}, planted ${f.class}`)
          assert.ok(c.share > 0 && c.pixels > 0)
        }
        const planted = new Set(combo.map((id) => fault(id).variable))
        for (const c of json.causes)
          if (!planted.has(c.variable))
            assert.ok(c.share <= 0.01, `cause ${c.variable} [${c.class}] carries ${c.share} of Σ(Δ²) but was not planted: ${listed}`)
        const total = json.causes.reduce((s, c) => s + c.share, 0) + json.unexplained.share
        assert.ok(Math.abs(total - 1) < 1e-9, `Σ(Δ²) shares add up to ${total}`)
        if (json.unexplained.sumDiffShare !== null) {
          const sd = json.causes.reduce((s, c) => s + (c.sumDiffShare ?? 0), 0) + json.unexplained.sumDiffShare
          assert.ok(Math.abs(sd - 1) < 1e-6, `Σcand − Σref shares add up to ${sd}`)
        }
        // the verdict names the planted causes it counts
        assert.match(json.verdict, new RegExp(`^${json.causes.length} independent causes? explains? `))
        assert.ok(json.budget.traced <= 24)
      })
    }
  }
})
