// The nanoBragg flag table (src/sim/flags.ts) against upstream's parser and against both engines:
// the generated C parser and docs are current, the config schema has exactly the table's keys,
// every flag upstream tests is in the table with upstream's matching rule, every one of them is
// honoured by both engines (same images, and the same as upstream's where it is at hand) or
// refused by name with exit 2 by both, and both parse a battery of tricky command lines into the
// same config object.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {CONFIG_KEYS, FLAGS, parseTest} from '../../src/sim/flags.js'
import {parseArgs} from '../../src/sim/cli.js'
import {checkNanoBraggArgs} from '../../src/sim/args-check.js'
import {configHash} from '../../src/trace/header.js'
import {GENERATED} from '../../scripts/gen-flags.js'
import {compareRuns} from '../../scripts/fuzz/compare.js'
import {runAll, type Program} from '../../scripts/fuzz/programs.js'
import {smvFile, type FuzzConfig} from '../../scripts/fuzz/space.js'
import {Prng} from '../../scripts/fuzz/prng.js'
import {ROOT} from '../helpers/fixtures.js'
import {upstreamMissing} from '../helpers/upstream.js'
import {BIN_TRACE, ensureBuilt, readJsonl, run} from '../c/helpers.js'
import {tempDir} from './helpers.js'
import {upstreamFlags} from './upstream-flags.js'

const ruleOf = (t: string): string => {
  const p = parseTest(t)
  return p.exact ? 'exact' : p.len !== null ? `len=${p.len}` : p.longer !== null ? `len>${p.longer}` : 'sub'
}

describe('sim: the nanoBragg flag table', function () {
  this.timeout(600000)

  it('drives the generated C parser and docs/flags.md (scripts/gen-flags.ts output is current)', () => {
    for (const [rel, make] of Object.entries(GENERATED))
      assert.equal(readFileSync(join(ROOT, rel), 'utf8'), make(), `${rel} is stale: run node --import tsx scripts/gen-flags.ts`)
  })

  it("config.schema.json has exactly the table's config keys and requires none", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8'))
    assert.deepEqual(Object.keys(schema.properties).sort(), CONFIG_KEYS.map((k) => k.key).sort())
    assert.equal(schema.required, undefined)
    // and what the parser produces for a busy command line validates
    const cfg = parseArgs(
      '-cell 50 60 -N 3 -detpixels_f 5 -misset random -roi 0 3 1 2 -detector_abs inf -dials -pivot sample -twotheta_axis 1 0 0'.split(' '),
      {timeSeed: 0},
    ).config
    assert.deepEqual(Object.keys(cfg).sort(), CONFIG_KEYS.map((k) => k.key).sort())
  })

  const up = upstreamFlags()
  it(`holds every flag upstream tests, with its matching rule and argument count (${up.from.includes('fixtures') ? 'committed list' : 'upstream source'})`, () => {
    const table = FLAGS.filter((f) => f.upstream).flatMap((f) => f.tests.map((t) => ({flag: parseTest(t).flag, rule: ruleOf(t), need: f.need})))
    const key = (x: {flag: string; rule: string}): string => `${x.flag} ${x.rule}`
    const have = new Set(table.map(key))
    const missing = up.flags.filter((u) => !have.has(key(u))).map(key)
    assert.deepEqual(missing, [], 'upstream flags missing from the table (or with another rule)')
    const theirs = new Set(up.flags.map(key))
    assert.deepEqual(table.filter((t) => !theirs.has(key(t))).map(key), [], 'table entries upstream does not test')
    // the arguments upstream needs after the flag (">=" conditions: the table needs the value upstream would read anyway)
    for (const u of up.flags) {
      if (u.need === null) continue
      const needs = table.filter((t) => key(t) === key(u)).map((t) => t.need)
      assert.ok(needs.includes(u.need) || needs.includes(u.need + 1), `${u.flag}: table needs ${needs}, upstream ${u.need}`)
    }
    assert.equal(new Set(up.flags.map((u) => u.flag)).size, 146)
  })

  // one small run per flag name: the flag with plausible values on a 4x4 detector
  const BASE = ['-cell', '50', '60', '70', '90', '90', '90', '-default_F', '10', '-detpixels', '4', '-pixel', '0.1', '-N', '2', '-nonoise', '-distance', '50']
  const r = new Prng(7)
  const FILES: FuzzConfig['files'] = {
    'F.hkl': '0 0 0 10\n1 0 0 20\n0 1 1 30\n-1 2 0 15\n',
    'A.mat': '0.01 0.002 0\n-0.001 0.015 0.003\n0 -0.002 0.012\n',
    'src.txt': '-10 0.01 0 1 1e-10\n-10 -0.01 0.01 2\n',
    'head.img': smvFile(r, 4, 4, {mask: false, header: {PIXEL_SIZE: '0.1', DISTANCE: '60', WAVELENGTH: '1.1'}}),
    'mask.img': smvFile(r, 4, 4, {mask: true, header: {PIXEL_SIZE: '0.1'}}),
    'w.stol': '0 2.57\n0.2 1.8\n',
  }
  const VALUES: Record<string, string[]> = {
    '-cell': ['40', '50', '60', '90', '95', '90'],
    '-misset': ['10', '20', '30'],
    '-mat': ['A.mat'],
    '-hkl': ['F.hkl'],
    '-sourcefile': ['src.txt'],
    '-img': ['head.img'],
    '-mask': ['mask.img'],
    '-stol': ['w.stol'],
    '-4stol': ['w.stol'],
    '-Q': ['w.stol'],
    '-dump': ['F.dump'],
    '-pivot': ['sample'],
    '-detector_abs': ['300'],
    '-roi': ['0', '2', '1', '3'],
    '-printout_pixel': ['1', '1'],
    '-detpixels': ['5'],
    '-detpixels_f': ['5'],
    '-detpixels_x': ['5'],
    '-detpixels_s': ['3'],
    '-detpixels_y': ['3'],
    '-detsize': ['0.5'],
    '-detsize_f': ['0.5'],
    '-detsize_s': ['0.3'],
    '-pixel': ['0.12'],
    '-oversample': ['2'],
    '-N': ['3'],
    '-Na': ['3'],
    '-Nb': ['4'],
    '-Nc': ['1'],
    '-lambda': ['1.3'],
    '-wave': ['1.3'],
    '-energy': ['9000'],
    '-distance': ['70'],
    '-close_distance': ['70'],
    '-phisteps': ['2'],
    '-mosaic_dom': ['3'],
    '-dispsteps': ['2'],
    '-hdivsteps': ['2'],
    '-vdivsteps': ['2'],
    '-divsteps': ['2'],
    '-thicksteps': ['2'],
    '-detector_thicksteps': ['2'],
    '-detector_thick': ['100'],
    '-twotheta': ['5'],
    '-curved_det': ['1'],
    '-seed': ['5'],
    '-mosaic_seed': ['5'],
    '-misset_seed': ['5'],
    '-fluence': ['1e24'],
    '-flux': ['1e12'],
    '-beamsize': ['0.05'],
    '-exposure': ['2'],
  }
  // crystal sizes (mm): small, or the auto-selected oversample grows with them
  for (const f of '-samplesize -sample_size -sample_thick -sample_x -sample_width -sample_y -width -sample_heigh -sample_z -heigh -xtalsize -xtal_size -xtal_thick -xtal_x -xtal_width -xtal_y -xtal_heigh -xtal_z'.split(
    ' ',
  ))
    VALUES[f] = ['0.0003']
  const usage = (flag: string, spec: (typeof FLAGS)[number]): string[] => {
    const vals =
      VALUES[flag] ??
      (Array.isArray(spec.values) ? spec.values.map((k) => (k === 'int' ? '2' : k === 'file' ? `${flag.slice(1)}.out` : k === 'word' ? 'x' : '0.5')) : [])
    const extra =
      flag.startsWith('-mosaic') && !flag.includes('seed')
        ? ['-mosaic', '0.3', '-mosaic_domains', '2']
        : flag === '-dump'
          ? ['-hkl', 'F.hkl']
          : flag.includes('div') && !flag.includes('range')
            ? ['-divergence', '0.5']
            : flag.includes('disp')
              ? ['-dispersion', '1']
              : flag.includes('thick')
                ? ['-detector_thick', '100']
                : flag === '-osc' || flag === '-phistep'
                  ? ['-phisteps', '2']
                  : []
    return [...BASE, ...extra, flag, ...vals]
  }
  const upstreamWhy = upstreamMissing()
  const programs: Program[] = upstreamWhy ? ['c', 'ts'] : ['upstream', 'c', 'ts']
  const names = [...new Set(up.flags.map((u) => u.flag))]
  it(`every upstream flag: honoured by both engines alike${upstreamWhy ? '' : ' and as upstream'}, or refused by name with exit 2 by both`, async () => {
    if (upstreamWhy) console.log(`      (${upstreamWhy}: engines compared with each other only)`)
    const why = ensureBuilt()
    if (why) throw new Error(why)
    const bad: string[] = []
    for (const flag of names) {
      const spec = FLAGS.find((f) => f.upstream && f.tests.some((t) => parseTest(t).flag === flag))!
      const args = usage(flag === '-source_dist' ? '-source_distance' : flag, spec)
      const c: FuzzConfig = {id: `flag${flag}`, groups: [{tag: flag, args}], files: FILES}
      const res = await runAll(c, programs, 20000)
      const cr = res.get('c')!
      const tr = res.get('ts')!
      if (spec.role === 'refused') {
        for (const x of [cr, tr])
          if (x.status !== 2 || !x.why.includes('-source_dist')) bad.push(`${flag}: ${x.program} should refuse it by name (exit ${x.status}: ${x.why})`)
        continue
      }
      for (const x of [cr, tr]) if (x.status !== 0) bad.push(`${flag}: ${x.program} exit ${x.status}: ${x.why}`)
      const v = compareRuns(cr, tr)
      if (v.status !== 'same') bad.push(`${flag}: C and TS differ: ${JSON.stringify(v.diffs)}`)
      const u = res.get('upstream')
      if (u) {
        const vc = compareRuns(u, cr)
        if (vc.status !== 'same') bad.push(`${flag}: C differs from upstream: ${vc.status} ${vc.note} ${JSON.stringify(vc.diffs)}`)
      }
    }
    assert.deepEqual(bad, [])
  })

  it('no upstream flag is reported unknown by either engine', () => {
    const dir = tempDir()
    const bad: string[] = []
    for (const flag of names) {
      let w: string[] = []
      try {
        w = checkNanoBraggArgs([flag, '1', '2', '3']).warnings
      } catch {
        /* refused (missing or bad values): not unknown */
      }
      if (w.some((x) => x.includes(`unknown nanoBragg flag ${flag}`))) bad.push(`TS: ${flag}`)
      const args = [flag, '1', '2', '3']
      const p = spawnSync(BIN_TRACE, ['-quiet', ...args, '-cell', '10', '-default_F', '1', '-detpixels', '2', '-oversample', '1', '-nonoise', '-nopgm'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 20000,
      })
      if (/unknown nanoBragg flag/.test(p.stderr)) bad.push(`C: ${flag}`)
    }
    assert.deepEqual(bad, [])
  })

  // tricky command lines: substring matches firing twice, stops, overrides, partial -cell, headers
  const BATTERY: string[][] = [
    ['-twotheta_axis', '1', '0', '0', '-cell', '50'],
    ['-cell', '50', '60', '-cell', '70', '-N', '0'],
    ['-cell', '50', '60', '70', '80', '-Na', '3', '-Nb', '4'],
    ['-misset', 'random', '-misset_seed', '5', '-cell', '40'],
    ['-cell', '40', '-misset_seed', '5', '10', '20'],
    ['-cell', '40', '-oversample_thick', '-oversample', '2', '-oversample_polar'],
    ['-cell', '40', '-pivot', 'samplebeam', '-xds', '-distance', '80'],
    ['-cell', '40', '-detector_abs', 'inf', '-detector_thick', '100', '-thicksteps', '3'],
    ['-cell', '40', '-polar', '0.5', '-nopolar', '-mosaicity', '0.1', '-mosaic_domains', '3', '-mosaic_seed', '9'],
    ['-cell', '40', '-width', '0.001', '-heigh', '0.002', '-xtal_x', '0.003', '-density', '1.2', '-MW', '1000', '-coherent'],
    ['-cell', '40', '-detsize', '0.6', '-detpixels_s', '3', '-roi', '0', '1', '0', '2', '-interpolate', '-nointerpolate'],
    ['-cell', '40', '-fdet_vector', '0', '0', '1', '-beam_vector', '1', '0', '0.01', '-Xbeam', '0.2', '-ORGY', '2', '-phi', '3', '-osc', '1'],
    ['-cell', '40', '-divergence', '1', '-hdivstep', '0.5', '-divsteps', '3', '-dispersion', '1', '-dispsteps', '2', '-square_div'],
    ['-cell', '40', '-seed', '7', '-lambda', '1', '-energy', '10000', '-flux', '1e12', '-exposure', '2', '-beamsize', '0.05'],
    ['-cell', '40', '-img', 'head.img', '-mask', 'mask.img', '-close_distance', '75'],
  ]
  it('C and TS parse a battery of command lines into the same config object', () => {
    const why = ensureBuilt()
    if (why) throw new Error(why)
    const dir = tempDir()
    for (const [k, v] of Object.entries(FILES)) writeFileSync(join(dir, k), v)
    for (const args of BATTERY) {
      const full = [...args, '-default_F', '10', ...(args.includes('-img') ? [] : ['-detpixels', '4']), '-nonoise', '-nopgm']
      const c = run(BIN_TRACE, ['-trace_pixel', '0', '0', '-trace_out', 'c.jsonl', '-trace_only', '-quiet', ...full], dir)
      assert.equal(c.status, 0, `${full.join(' ')}: ${c.stderr}`)
      const header = readJsonl(join(dir, 'c.jsonl'))[0]
      const ts = parseArgs(full, {timeSeed: 0, readFile: (f) => readFileSync(join(dir, f))}).config
      // the header spells non-finite numbers as strings (canonical JSON)
      const canon = JSON.parse(JSON.stringify(ts, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)))
      assert.deepEqual(header.config, canon, full.join(' '))
      assert.equal(header.configHash, configHash(ts), full.join(' '))
    }
  })
})
