// The pieces of nbtrace reduce that decide without running anything: argument editing through the
// flag table, the region-of-interest rule, the hkl cut, the root-cause signature, and the `needs`
// field of schemas/faults.json.
import {strict as assert} from 'node:assert'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {applyEdit, entriesFor, fieldsOf, spans, withoutFields} from '../../src/reduce/args.js'
import {countName, DIMENSIONS, FIELDS, SET_FLAGS} from '../../src/reduce/dimensions.js'
import {cutHkl} from '../../src/reduce/hkl.js'
import {localizeInputs, relativeTo} from '../../src/reduce/inputs.js'
import {roiFor} from '../../src/reduce/roi.js'
import {signatureOf} from '../../src/reduce/signature.js'
import {parseArgs} from '../../src/sim/cli.js'
import {readHkl} from '../../src/sim/structure-factor.js'
import {faultNeeds, loadFaults} from '../../src/sim/quirks.js'
import type {Report} from '../../src/compare/report.js'
import {validateAgainst} from '../helpers/cli.js'
import {GOLDEN, ROOT} from '../helpers/fixtures.js'

const BASE = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -pixel 0.1 -N 5'.split(' ')

describe('reduce: arguments through the flag table', () => {
  it('spans cover each flag with the values it reads (cell stops at the next flag, misset random is one word)', () => {
    const args = ['-cell', '70', '80', '90', '-misset', 'random', '-twotheta_axis', '0', '1', '0', '-nonoise', 'stray']
    assert.deepEqual(
      spans(args).map((s) => args.slice(s.start, s.start + s.length).join(' ')),
      ['-cell 70 80 90', '-misset random', '-twotheta_axis 0 1 0', '-nonoise', 'stray'],
    )
  })

  it('removing a field drops every spelling that sets it, and nothing else', () => {
    // -mosaic_dom is what upstream matches; -mosaici sets the spread; -phistep is not -phisteps
    const args = [...BASE, '-mosaici', '0.5', '-mosaic_dom', '4', '-phistep', '1', '-phisteps', '3', '-mosaic_seed', '9']
    assert.deepEqual(withoutFields(args, FIELDS.mosaicDomains), [...BASE, '-mosaici', '0.5', '-phistep', '1', '-phisteps', '3', '-mosaic_seed', '9'])
    assert.deepEqual(withoutFields(args, [...FIELDS.mosaicSpread, ...FIELDS.mosaicDomains]), [...BASE, '-phistep', '1', '-phisteps', '3', '-mosaic_seed', '9'])
    assert.deepEqual(withoutFields(args, FIELDS.phiCount), [...BASE, '-mosaici', '0.5', '-mosaic_dom', '4', '-phistep', '1', '-mosaic_seed', '9'])
    // -divergence sets both ranges; -detector_abs with 0 also sets the thickness
    assert.deepEqual(withoutFields([...BASE, '-divergence', '2', '-dispsteps', '3'], FIELDS.divergence), [...BASE, '-dispsteps', '3'])
    assert.deepEqual(withoutFields([...BASE, '-detector_thick', '100', '-detector_abs', '0'], FIELDS.sensor), BASE)
  })

  it('every flag reduce writes sets the field it is written for, and the engines parse the edit as meant', () => {
    const want: Record<keyof typeof SET_FLAGS, string> = {
      mosaicDomains: 'mosaicDomains',
      phisteps: 'phisteps',
      oversample: 'oversample',
      thicksteps: 'detectorThicksteps',
      sourcefile: 'sourcefilename',
      hkl: 'hklfilename',
      roi: 'roi',
    }
    for (const [k, flag] of Object.entries(SET_FLAGS) as [keyof typeof SET_FLAGS, string][]) {
      const fired = entriesFor(flag).filter((e) => e.role !== 'nbtrace')
      assert.ok(
        fired.some((e) => fieldsOf(e).includes(want[k])),
        `${flag} does not set ${want[k]}`,
      )
      assert.ok(
        fired.every((e) => fieldsOf(e).every((f) => f === want[k])),
        `${flag} also sets ${fired.flatMap(fieldsOf)}`,
      )
    }
    const p = parseArgs(
      applyEdit([...BASE, '-mosaic', '0.5', '-mosaic_domains', '10', '-oversample', '3', '-phisteps', '3', '-osc', '3'], {
        remove: [...FIELDS.oversample, ...FIELDS.phiSteps],
        add: ['-oversample', '1', '-phisteps', '1'],
      }),
      {timeSeed: 0},
    )
    assert.equal(p.oversample, 1)
    assert.equal(p.phisteps, 1)
    assert.equal(p.mosaicDomains, 10)
  })

  it('each dimension is counted by exactly one catalogue variable', () => {
    assert.deepEqual(DIMENSIONS.map(countName), ['n_sources', 'mosaic_domains', 'oversample', 'phisteps', 'detector_thicksteps'])
  })
})

describe('reduce: input files', () => {
  it('are copied into the evidence folder under names its own files do not use', () => {
    const wd = mkdtempSync(join(tmpdir(), 'nbtrace-inputs-'))
    try {
      mkdirSync(join(wd, 'ev'))
      writeFileSync(join(wd, 'report.json'), '1 0 0 10\n')
      writeFileSync(join(wd, 'trial-1.ref.jsonl'), '-10 0 0\n')
      const args = localizeInputs([...BASE, '-hkl', 'report.json', '-sourcefile', 'trial-1.ref.jsonl', '-mat', join(wd, 'report.json')], wd, join(wd, 'ev'))
      assert.deepEqual(args.slice(BASE.length), [
        '-hkl',
        join(wd, 'ev', '2-report.json'),
        '-sourcefile',
        join(wd, 'ev', '2-trial-1.ref.jsonl'),
        '-mat',
        join(wd, 'ev', '2-report.json'),
      ])
      assert.deepEqual(readdirSync(join(wd, 'ev')).sort(), ['2-report.json', '2-trial-1.ref.jsonl'])
      assert.deepEqual(relativeTo(args, join(wd, 'ev')).slice(BASE.length), [
        '-hkl',
        '2-report.json',
        '-sourcefile',
        '2-trial-1.ref.jsonl',
        '-mat',
        '2-report.json',
      ])
    } finally {
      rmSync(wd, {recursive: true, force: true})
    }
  })
})

describe('reduce: region of interest for whole-image programs', () => {
  let wd = ''
  before(() => {
    wd = mkdtempSync(join(tmpdir(), 'nbtrace-roi-'))
    writeFileSync(join(wd, 'dense.hkl'), readFileSync(join(GOLDEN, 'c04_hkl_interp', 'dense.hkl')))
  })
  after(() => rmSync(wd, {recursive: true, force: true}))

  it('holds the pixel and the one before it in serial order', () => {
    assert.deepEqual(roiFor(BASE, wd, {slow: 20, fast: 24}), {ok: true, box: [23, 24, 20, 20], why: roiFor(BASE, wd, {slow: 20, fast: 24}).why})
    const first = roiFor(BASE, wd, {slow: 20, fast: 0})
    assert.ok(first.ok && first.box.join() === '0,63,19,20', JSON.stringify(first))
    const origin = roiFor(BASE, wd, {slow: 0, fast: 0})
    assert.ok(origin.ok && origin.box.join() === '0,0,0,0')
  })

  it('is refused where state is carried from earlier pixels, and says why', () => {
    const carry = roiFor([...BASE, '-phi', '0', '-osc', '3', '-phisteps', '3'], wd, {slow: 20, fast: 24})
    assert.ok(!carry.ok && /phi carry-over quirk, Q3/.test(carry.why), carry.why)
    // all phi steps away from 0: nothing is carried
    assert.ok(roiFor([...BASE, '-phi', '10', '-osc', '3', '-phisteps', '3'], wd, {slow: 20, fast: 24}).ok)
    // -N 2 turns tricubic interpolation on when an hkl table is loaded
    const interp = roiFor(
      ['-cell', '50', '50', '50', '90', '90', '90', '-hkl', 'dense.hkl', '-N', '2', '-lambda', '1', '-distance', '80', '-detpixels', '64', '-pixel', '0.1'],
      wd,
      {slow: 12, fast: 50},
    )
    assert.ok(!interp.ok && /Q8/.test(interp.why), interp.why)
    const dmin = roiFor([...BASE, '-dmin', '2'], wd, {slow: 20, fast: 24})
    assert.ok(!dmin.ok && /-dmin/.test(dmin.why))
    assert.ok(roiFor([...BASE, '-dmin', '2', '-nopolar'], wd, {slow: 20, fast: 24}).ok)
    assert.ok(!roiFor([...BASE, '-roi', '0', '10', '0', '10'], wd, {slow: 5, fast: 5}).ok)
  })
})

describe('reduce: the hkl neighbourhood', () => {
  const text = readFileSync(join(GOLDEN, 'c04_hkl_interp', 'dense.hkl'), 'latin1')
  it('keeps every cell the pixel can look up, with the values and edges of the table', () => {
    const cut = cutHkl(
      text,
      0,
      [
        [0.2, 0.9],
        [-1.4, -1.1],
        [2.5, 2.6],
      ],
      'dense.hkl',
    )
    assert.ok(cut.ok)
    assert.deepEqual(cut.box, [
      [-3, 4],
      [-5, 2],
      [-1, 6],
    ])
    const a = readHkl(text, 0)
    const b = readHkl(cut.text, 0)
    for (let h = -3; h <= 4; h++)
      for (let k = -5; k <= 2; k++)
        for (let l = -1; l <= 6; l++) {
          const at = (g: typeof a) => g.F[((h - g.hMin) * g.kRange + (k - g.kMin)) * g.lRange + (l - g.lMin)]
          assert.equal(at(b), at(a))
        }
    // a box reaching past the table keeps the table's edge (the tricubic range test)
    const edge = cutHkl(
      text,
      0,
      [
        [5.5, 5.9],
        [0, 0],
        [0, 0],
      ],
      'dense.hkl',
    )
    assert.ok(edge.ok && edge.box[0][1] === 6 && edge.box[0][0] === 2)
    assert.ok(
      !cutHkl(
        text,
        0,
        [
          [-6, 6],
          [-6, 6],
          [-6, 6],
        ],
        'dense.hkl',
      ).ok,
    )
  })
})

describe('reduce: the root-cause signature', () => {
  const rc = (name: string, cls: string, loop = {}) => ({
    name,
    class: cls,
    loop,
    ref: 0,
    cand: 0,
    absDiff: 0,
    relDiff: 0,
    ratio: 1,
    ulps: 0,
    refLine: 1,
    candLine: 1,
    evidence: [],
    iterations: 1,
    cascade: 0,
    downstream: [],
  })
  const report = (roots: ReturnType<typeof rc>[]) => ({rootCauses: roots, firstDivergence: null, loopShape: []}) as unknown as Report
  it('holds the causes no other root cause explains, precision ones only when alone', () => {
    // an extra source changes the running sum over sources: the count explains it
    assert.deepEqual(signatureOf(report([rc('n_sources', 'source-weighting'), rc('I_sum', 'source-weighting')])), [
      {name: 'n_sources', class: 'source-weighting'},
    ])
    assert.deepEqual(signatureOf(report([rc('omega_pixel', 'normalization'), rc('F_latt', 'precision')])), [{name: 'omega_pixel', class: 'normalization'}])
    assert.deepEqual(signatureOf(report([rc('I_sum', 'precision')])), [{name: 'I_sum', class: 'precision'}])
    // two independent causes are both held
    assert.deepEqual(
      signatureOf(report([rc('steps', 'normalization'), rc('capture_fraction_applied', 'normalization')])).map((c) => c.name),
      ['capture_fraction_applied', 'steps'],
    )
  })
})

describe('faults.json: needs', () => {
  it('is valid against schemas/faults.schema.json and every entry states its needs structured', () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'schemas', 'faults.json'), 'utf8'))
    assert.equal(validateAgainst('faults.schema.json', file), null)
    const f = loadFaults()
    for (const e of [...f.faults, ...f.fixes]) {
      const n = faultNeeds(e.id)
      assert.ok(n, `${e.id}: needs is words only`)
      assert.equal(e.needs, n.text)
    }
  })
})
