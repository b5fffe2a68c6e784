// compare: alignment independent of order, causal frontier, tolerances/ULPs, legacy truths,
// the command's exit codes, --json against schemas/report.schema.json, bad input.
import assert from 'node:assert/strict'
import {existsSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {compareValues, resolveTolerances, ulpDistance} from '../../src/align/tolerance.js'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import {compareTraces} from '../../src/compare/pipeline.js'
import {writeTrace} from '../../src/trace/writer.js'
import {traceInMemory} from '../../src/sim/run.js'
import {runCli, validateAgainst} from '../helpers/cli.js'
import {GOLDEN, LEGACY} from '../helpers/fixtures.js'
import {asLoaded, header, perturb, shuffled, synthTrace, tempDir} from './synth.js'

const cat = loadCatalogue()
const tol = resolveTolerances(cat, {precision: 'f64'})
const flags = {strictZero: false}

describe('compare: values, tolerances, ULPs', () => {
  it('ULP distance is exact', () => {
    assert.equal(ulpDistance(1, 1 + Number.EPSILON), 1)
    assert.equal(ulpDistance(-0, 0), 0)
    assert.equal(ulpDistance(Number.MIN_VALUE, -Number.MIN_VALUE), 2)
    assert.equal(ulpDistance(1, 2), 2 ** 52)
    assert.ok(Number.isNaN(ulpDistance(Number.NaN, 1)))
  })
  it('NaN vs NaN agrees, NaN vs a number diverges, -0/+0 agree unless strict', () => {
    const d = cat.byName.get('F_latt')!
    const t = tol.get('F_latt')!
    assert.equal(compareValues(d, 'NaN', 'NaN', t, flags).agree, true)
    assert.equal(compareValues(d, 'NaN', 1, t, flags).agree, false)
    assert.equal(compareValues(d, -0, 0, t, flags).agree, true)
    assert.equal(compareValues(d, -0, 0, t, {strictZero: true}).agree, false)
    assert.equal(compareValues(d, 'Infinity', 'Infinity', t, flags).agree, true)
  })
  it('vectors compare component-wise against the norm and name the differing components', () => {
    const d = cat.byName.get('pixel_pos')!
    const t = tol.get('pixel_pos')!
    assert.equal(compareValues(d, [0.1, 1e-20, 0], [0.1, 2e-20, 0], t, flags).agree, true)
    const r = compareValues(d, [0.1, 0.0513, -0.0513], [0.1, 0.05125, -0.05125], t, flags)
    assert.equal(r.agree, false)
    assert.deepEqual(r.components, [1, 2])
  })
  it('exact classes stay exact under global overrides; --tol overrides one variable', () => {
    const t2 = resolveTolerances(cat, {precision: 'f64', rtol: 0.5, perVariable: new Map([['F_cell', {rtol: 0.25, atol: 1}]])})
    assert.equal(t2.get('steps')!.rtol, 0)
    assert.equal(t2.get('F_latt')!.rtol, 0.5)
    assert.deepEqual({r: t2.get('F_cell')!.rtol, a: t2.get('F_cell')!.atol}, {r: 0.25, a: 1})
  })
})

describe('compare: alignment and the causal frontier (synthetic traces)', () => {
  const base = synthTrace()
  const H = header()
  it('a trace agrees with itself and with a shuffled copy of itself', async () => {
    const r1 = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: H, values: base}))
    assert.equal(r1.status, 'agree')
    assert.equal(r1.counts.matched, base.length)
    const r2 = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: H, values: shuffled(base)}))
    assert.equal(r2.status, 'agree', r2.verdict)
    assert.equal(r2.counts.matched, base.length)
  })
  it('a perturbed set-up variable is the root; its cascade is folded; shuffling changes nothing', async () => {
    const cand = perturb(base, 'pix0_vector', 1.001)
    const a = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: H, values: cand}))
    assert.equal(a.status, 'diverged')
    assert.equal(a.firstDivergence!.name, 'pix0_vector')
    assert.deepEqual(
      a.rootCauses.map((r) => r.name),
      ['pix0_vector'],
    )
    assert.ok(a.rootCauses[0].cascade > 100)
    const b = await compareTraces(asLoaded({header: H, values: shuffled(base, 7)}), asLoaded({header: H, values: shuffled(cand, 9)}))
    assert.deepEqual(
      b.rootCauses.map((r) => [r.name, r.class, r.iterations, r.cascade]),
      a.rootCauses.map((r) => [r.name, r.class, r.iterations, r.cascade]),
    )
    assert.equal(b.counts.diverged, a.counts.diverged)
  })
  it('two independent roots are both found (--all), each with its own class', async () => {
    let cand = perturb(base, 'a_star', 1.5)
    cand = perturb(cand, 'kahn_factor', 2)
    const r = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: H, values: cand}))
    const names = r.rootCauses.map((x) => x.name)
    assert.ok(names.includes('a_star') && names.includes('kahn_factor'), names.join(','))
    assert.equal(r.rootCauses.find((x) => x.name === 'kahn_factor')!.class, 'polarization')
  })
  it('a loop-scoped root is matched at projected coordinates and counted per iteration', async () => {
    const cand = perturb(base, 'F_cell', 1.2, (l) => l.source === 1)
    const r = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: H, values: cand}))
    const root = r.rootCauses.find((x) => x.name === 'F_cell')!
    assert.ok(root)
    assert.equal(root.loop!.source, 1)
    assert.equal(root.iterations, 2 * 2 * 2 * 2) // subS x subF x phi x mosaic at source 1
  })
  it('a missing loop iteration is a loop-shape finding, not a numeric divergence; names on one side are unmatched', async () => {
    const cand = base.filter((v) => v.loop?.phi !== 1 && v.name !== 'parallax')
    const r = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: H, values: cand}))
    assert.equal(r.status, 'diverged')
    const phi = r.loopShape.find((s) => s.axis === 'phi')
    assert.ok(phi, JSON.stringify(r.loopShape))
    assert.deepEqual(phi.onlyRef, [1])
    assert.ok(r.unmatched.onlyRef.includes('parallax'))
    assert.ok(!r.rootCauses.some((x) => x.name === 'parallax'))
  })
  it('configuration differences stop the numbers unless --ignore-config; a transposed pixel is named', async () => {
    const r = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: header({config: {oversample: 3}}), values: base}))
    assert.equal(r.status, 'mismatch')
    assert.equal(r.provenance.class, 'configuration')
    assert.equal(r.provenance.config[0].key, 'oversample')
    const r2 = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: header({config: {oversample: 3}}), values: base}), {
      ignoreConfig: true,
    })
    assert.equal(r2.status, 'agree')
    const t = await compareTraces(asLoaded({header: H, values: base}), asLoaded({header: header({pixel: {slow: 5, fast: 3}}), values: base}))
    assert.equal(t.status, 'mismatch')
    assert.equal(t.provenance.class, 'pixel')
    assert.equal(t.provenance.pixel.transposed, true)
  })
})

describe('compare: TypeScript engine traces', function () {
  this.timeout(120000)
  const args =
    '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 32 -pixel 0.1 -N 5 -oversample 2 -mosaic 0.5 -mosaic_domains 3 -phisteps 2 -osc 0.1'.split(
      ' ',
    )
  it('compare(A, A) agrees, and against a shuffled copy', async () => {
    const wd = tempDir()
    const t = traceInMemory({args, cwd: wd, pixel: {slow: 17, fast: 14}})
    const a = asLoaded(t)
    assert.equal((await compareTraces(a, a)).status, 'agree')
    const s = await compareTraces(a, asLoaded({header: t.header, values: shuffled(t.values)}))
    assert.equal(s.status, 'agree', s.verdict)
    rmSync(wd, {recursive: true, force: true})
  })
  it('a transposed traced pixel is recognised from pixel_pos when the headers agree', async () => {
    const wd = tempDir()
    const a = traceInMemory({args, cwd: wd, pixel: {slow: 17, fast: 14}})
    const b = traceInMemory({args, cwd: wd, pixel: {slow: 14, fast: 17}})
    const r = await compareTraces(asLoaded(a), asLoaded({header: a.header, values: b.values}))
    assert.equal(r.firstDivergence!.class, 'pixel', r.firstDivergence!.evidence.join(' | '))
    rmSync(wd, {recursive: true, force: true})
  })
  it('compare(A, A) agrees for every golden case', async function () {
    const golden = GOLDEN
    if (!existsSync(golden)) this.skip()
    for (const c of readdirSync(golden)
      .filter((d) => /^c\d\d_/.test(d))
      .slice(0, 24)) {
      const {readFileSync} = await import('node:fs')
      const dir = join(golden, c)
      const tc = readFileSync(join(dir, 'trace_cmd.txt'), 'utf8').trim().split(/\s+/).slice(1)
      const i = tc.indexOf('-trace_pixel')
      const cmd = readFileSync(join(dir, 'cmd.txt'), 'utf8').trim().split(/\s+/).slice(1)
      const t = traceInMemory({args: cmd, cwd: dir, pixel: {slow: Number(tc[i + 1]), fast: Number(tc[i + 2])}})
      const r = await compareTraces(asLoaded(t), asLoaded({header: t.header, values: shuffled(t.values)}))
      assert.equal(r.status, 'agree', `${c}: ${r.verdict}`)
    }
  })
})

describe('compare: real legacy trace pairs (README truths)', () => {
  const L = LEGACY
  before(function () {
    if (!existsSync(L)) this.skip()
  })
  it('at-parallel-012: pix0_vector, geometry, exact half-pixel offset', async () => {
    const r = await compareTraces(join(L, 'at-parallel-012_half-pixel-pix0/c.log'), join(L, 'at-parallel-012_half-pixel-pix0/py.log'))
    assert.equal(r.alignment.mode, 'occurrence')
    assert.equal(r.firstDivergence!.name, 'pix0_vector')
    assert.equal(r.firstDivergence!.class, 'geometry')
    assert.match(r.firstDivergence!.evidence.join(' '), /exact half-pixel offset/)
  })
  it('c-parity-001: state carried over at phi 0 (per-phi companions and main blocks)', async () => {
    const d = join(L, 'c-parity-001_phi0-carryover')
    const r = await compareTraces(join(d, 'c.log'), join(d, 'py_per_phi.log'))
    assert.equal(r.firstDivergence!.class, 'state-carry-over')
    // the log's gating puts the per-phi lines at source 0, mosaic 0 of the pixel's one sub-pixel
    assert.deepEqual(r.firstDivergence!.loop, {thick: 0, subS: 0, subF: 0, source: 0, phi: 0, mosaic: 0})
    const m = await compareTraces(join(d, 'c.log'), join(d, 'py.log'))
    assert.ok(
      m.rootCauses.some((x) => x.name === 'rot_b' && x.class === 'state-carry-over'),
      m.rootCauses.map((x) => `${x.name}:${x.class}`).join(' '),
    )
  })
  it('cli-flags-003: three independent roots: pix0 geometry, crystal orientation, polarization', async () => {
    const d = join(L, 'cli-flags-003_phase-e_pix0-orientation')
    const r = await compareTraces(join(d, 'c.log'), join(d, 'py.log'))
    const roots = r.rootCauses.map((x) => `${x.name}:${x.class}`)
    assert.equal(r.firstDivergence!.name, 'pix0_vector')
    assert.ok(roots.includes('pix0_vector:geometry'), roots.join(' '))
    assert.ok(
      roots.some((x) => /^[abc]_star:lattice$|^rot_[abc]:lattice$/.test(x)),
      roots.join(' '),
    )
    assert.ok(roots.includes('polar_applied:polarization'), roots.join(' '))
  })
  it('source-weight-001: source count / ghost sources with wavelength 0', async () => {
    const d = join(L, 'source-weight-001_tc-d1_per-source')
    const r = await compareTraces(join(d, 'c.log'), join(d, 'py.log'))
    assert.equal(r.firstDivergence!.name, 'n_sources')
    assert.equal(r.firstDivergence!.class, 'source-weighting')
    assert.match(r.firstDivergence!.evidence.join(' '), /wavelength 0/)
    assert.ok(r.loopShape.length > 0)
  })
})

describe('compare: the command', function () {
  this.timeout(120000)
  let wd = ''
  const H = header({config: null})
  const base = synthTrace({thick: 1, subS: 1, subF: 2, source: 2, phi: 1, mosaic: 1})
  before(async () => {
    wd = tempDir()
    await writeTrace(join(wd, 'a.jsonl'), H, base)
    await writeTrace(
      join(wd, 'b.jsonl'),
      H,
      perturb(base, 'fluence', 1e-6).map((r, i) => ({...r, seq: i})),
    )
    await writeTrace(join(wd, 's.jsonl'), H, shuffled(base))
    writeFileSync(join(wd, 'bad.jsonl'), JSON.stringify(H) + '\n{"type":"value","seq":0,"name":"nope","loop":{},"value":1}\n')
  })
  after(() => rmSync(wd, {recursive: true, force: true}))

  it('exit 0 when the traces agree (also out of order), 1 when they diverge', async () => {
    const a = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 's.jsonl')])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    assert.match(a.stdout, /^AGREE/m)
    const b = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 'b.jsonl'), '--all'])
    assert.equal(b.code, 1, b.stdout + b.stderr)
    assert.match(b.stdout, /DIVERGED: first divergence fluence/)
    assert.match(b.stdout, /normalization/)
    assert.match(b.stdout, /Unified diff/)
    assert.ok(!/\x1b\[/.test(b.stdout), 'plain output when NO_COLOR is set')
  })
  it('--json is valid against schemas/report.schema.json', async () => {
    const b = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 'b.jsonl'), '--json'])
    assert.equal(b.code, 1)
    const rep = JSON.parse(b.stdout)
    assert.equal(validateAgainst('report.schema.json', rep), null)
    assert.equal(rep.status, 'diverged')
    assert.equal(rep.firstDivergence.name, 'fluence')
    for (const k of ['name', 'loop', 'class', 'ref', 'cand', 'absDiff', 'relDiff', 'ulps']) assert.ok(k in rep.firstDivergence, k)
    assert.ok(Array.isArray(rep.rootCauses[0].evidence))
    for (const k of ['matched', 'agree', 'diverged', 'onlyRef', 'onlyCand']) assert.equal(typeof rep.counts[k], 'number')
    const a = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 'a.jsonl'), '--json'])
    assert.equal(a.code, 0)
    assert.equal(validateAgainst('report.schema.json', JSON.parse(a.stdout)), null)
  })
  it('bad input: one line naming file, line and field, exit 2', async () => {
    const r = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 'bad.jsonl')])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /bad\.jsonl:2: \/name: /)
    const m = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 'missing.jsonl')])
    assert.equal(m.code, 2)
    assert.match(m.stderr, /missing\.jsonl: no such file/)
    const t = await runCli(['compare', join(wd, 'a.jsonl'), join(wd, 'a.jsonl'), '--tol', 'nope=1'])
    assert.equal(t.code, 2)
    assert.match(t.stderr, /--tol/)
  })
})
