// The freeform group: port logs in the shapes real port teams write, rendered (render.ts) from
// known nbtrace traces, with their truth known by construction. The source traces are committed
// under test/fixtures/truth/freeform/traces/ (TypeScript engine, `nbtrace simulate --engine ts
// --trace-pixel`); the logs and case files are what this script writes from them.
//
//   node --import tsx test/truth/generate/freeform-cases.ts            write logs and cases
//   node --import tsx test/truth/generate/freeform-cases.ts --refresh  re-simulate the source traces first
//   node --import tsx test/truth/generate/freeform-cases.ts --check    exit 1 when a committed file differs
import {strict as assert} from 'node:assert'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {runCli} from '../../helpers/cli.js'
import {FIXTURES} from '../../helpers/fixtures.js'
import {CASES, caseText} from '../lib/cases.js'
import {type Banner, CATALOGUE_NAMES, lines, type Plant, readTrace, render, SETUP_NAMES, type Style, TRACE_C_NAMES, type Trace, valueOf} from './render.js'

const DIR = 'truth/freeform'
const TRACES = `${DIR}/traces`

interface Base {
  id: string
  what: string
  args: string[]
  pixel: [number, number]
}

const CUBIC = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -N 5 -detpixels 64 -oversample 1'.split(' ')
const CUBIC_WHAT =
  'cubic 100 Å cell, -default_F 100, N 5, 1 Å, 100 mm, 64 × 0.1 mm pixels, oversample 1 (one sub-pixel, one source, one phi step, one mosaic domain: the block a port prints is the whole pixel)'

export const BASES: Base[] = [
  {id: 'cubic-43-33', what: CUBIC_WHAT, args: CUBIC, pixel: [43, 33]},
  {id: 'cubic-33-43', what: CUBIC_WHAT, args: CUBIC, pixel: [33, 43]},
  {id: 'cubic-44-33', what: CUBIC_WHAT, args: CUBIC, pixel: [44, 33]},
  {
    id: 'cubic-F110-43-33',
    what: CUBIC_WHAT.replace('-default_F 100', '-default_F 110'),
    args: CUBIC.map((a, i) => (CUBIC[i - 1] === '-default_F' ? '110' : a)),
    pixel: [43, 33],
  },
  {
    id: 'polar-23-27',
    what: 'golden c18 configuration (30 Å cubic cell, Kahn factor 0.9, wide angles, 96 × 0.4 mm pixels, oversample 1)',
    args: '-cell 30 30 30 90 90 90 -default_F 100 -N 3 -lambda 1 -distance 50 -detpixels 96 -pixel 0.4 -oversample 1 -polar 0.9'.split(' '),
    pixel: [23, 27],
  },
  {
    id: 'triclinic-40-60',
    what: 'golden c02 configuration (triclinic 70 80 90 / 75 85 95 cell, misset 10 20 30°, N 4, 1.2 Å, 80 mm, oversample 1)',
    args: '-cell 70 80 90 75 85 95 -misset 10 20 30 -default_F 100 -N 4 -lambda 1.2 -distance 80 -detpixels 96 -pixel 0.1 -oversample 1'.split(' '),
    pixel: [40, 60],
  },
]

const tracePath = (id: string) => `${TRACES}/${id}.jsonl`

/** Simulates every source trace again with the TypeScript engine (only with --refresh). */
async function refresh(): Promise<void> {
  mkdirSync(join(FIXTURES, TRACES), {recursive: true})
  for (const b of BASES) {
    const out = `${b.id}.jsonl`
    const r = await runCli(['simulate', '--engine', 'ts', '--trace-pixel', `${b.pixel[0]},${b.pixel[1]}`, '--trace-out', out, '--', ...b.args], {
      cwd: join(FIXTURES, TRACES),
    })
    if (r.code !== 0) throw new Error(`simulate ${b.id}: ${r.stderr}`)
  }
}

const baseOf = (id: string): Base => BASES.find((b) => b.id === id)!

interface LogSpec {
  base: string
  style: Style
  vocab: 'trace-c' | 'catalogue' | 'setup'
  banner: BannerForm | 'none' | {form: BannerForm; claims: string}
  plant?: Plant
}

interface FreeformCase {
  name: string
  description: string
  ref: {trace: string} | {log: LogSpec}
  cand: {log: LogSpec}
  expect: object
}

const STYLE_TEXT: Record<Style, string> = {
  'trace-c': "the reference's own TRACE_C block (`TRACE_C: name v1 v2 v3`, %.15g)",
  'trace-py': 'a TRACE_PY log (`TRACE_PY: name v1 v2 v3`, %.15e, TRACE_C names)',
  untagged: 'untagged `TRACE: name = value` lines with python-list values',
  kv: 'bare `name = value` lines with numpy reprs (`array([...])`, `np.float64(...)`)',
  vecnorm: '`DBG:   name = [a, b, c] |name| = n unit` lines with units as text',
  pretty: 'a pretty-printed report (`Detector Geometry:` then `  pix0_vector: [..] mm`), python lists, units as text',
}

type BannerForm = NonNullable<Banner>['form']

const BANNER_TEXT: Record<BannerForm, string> = {
  'trace-config': '`TRACE_CONFIG: tracing pixel (spixel=S, fpixel=F)`',
  hash: '`# Tracing pixel (slow=S, fast=F)`',
  equals: '`=== TRACE: Pixel (S, F) [slow, fast] ===`',
  plain: '`Pixel (S, F) [slow, fast]`',
}

const UNITS_TEXT = 'units stated as text and the values converted into them (mm, m, meters, A, Å, Å⁻¹, 1/A, Å³, rad, deg, sr, m^2, photons/m^2)'

function describeLog(l: LogSpec): string {
  const b = baseOf(l.base)
  const banner =
    l.banner === 'none'
      ? 'no pixel banner'
      : typeof l.banner === 'string'
        ? `banner ${BANNER_TEXT[l.banner]}`
        : `banner ${BANNER_TEXT[l.banner.form]} claiming pixel (${l.banner.claims.replace(',', ', ')})`
  const units = l.vocab === 'catalogue' && !l.plant?.noUnits ? `, ${UNITS_TEXT}` : ''
  return `${STYLE_TEXT[l.style]}${units}, ${banner}, rendered from the TS-engine trace of pixel (slow ${b.pixel[0]}, fast ${b.pixel[1]})`
}

function bannerOf(l: LogSpec): Banner {
  const b = baseOf(l.base)
  if (l.banner === 'none') return null
  if (typeof l.banner === 'string') return {form: l.banner, slow: b.pixel[0], fast: b.pixel[1]}
  const [s, f] = l.banner.claims.split(',').map(Number)
  return {form: l.banner.form, slow: s, fast: f}
}

const EXT: Record<Style, string> = {'trace-c': 'c.log', 'trace-py': 'py.log', untagged: 'log', kv: 'txt', vecnorm: 'log', pretty: 'txt'}

function renderLog(l: LogSpec, traces: Map<string, Trace>): string {
  const t = traces.get(l.base)!
  const vocab = l.vocab === 'trace-c' ? TRACE_C_NAMES : l.vocab === 'setup' ? SETUP_NAMES : CATALOGUE_NAMES
  return render(l.style, lines(t, vocab, l.plant), bannerOf(l), {extra: l.plant?.extra})
}

const ORIGIN =
  "Rendered by test/truth/generate/freeform-cases.ts (render.ts): every number is the trace's own value, converted exactly into the unit the line states, printed with enough digits to read it back."

/** The cases, each with its truth. */
function freeformCases(traces: Map<string, Trace>): FreeformCase[] {
  const cases: FreeformCase[] = []
  const jsonl = (id: string) => ({trace: id})
  const faithful = (name: string, base: string, style: Style, vocab: LogSpec['vocab'], banner: LogSpec['banner'], plant?: Plant) => {
    const log: LogSpec = {base, style, vocab, banner, plant}
    cases.push({
      name,
      description: `${baseOf(base).what}. Reference: the TS engine's trace of that pixel (${tracePath(base)}); candidate: the same trace written as ${describeLog(log)}${plant?.extra ? ', plus two lines whose names mean nothing in the catalogue (I_before_scaling_pre_polar, debug_counter: to be listed as unmapped, never guessed)' : ''}. ${ORIGIN} Truth: agree — the candidate states the reference's own numbers.`,
      ref: jsonl(base),
      cand: {log},
      expect: {status: 'agree'},
    })
  }

  // faithful renderings, every form and banner
  faithful('trace-py-cubic', 'cubic-43-33', 'trace-py', 'trace-c', 'hash')
  faithful('untagged-cubic', 'cubic-43-33', 'untagged', 'trace-c', 'equals')
  faithful('kv-numpy-cubic', 'cubic-43-33', 'kv', 'catalogue', 'plain', {noUnits: true})
  faithful('vecnorm-units-cubic', 'cubic-43-33', 'vecnorm', 'catalogue', 'trace-config')
  faithful('pretty-units-cubic', 'cubic-43-33', 'pretty', 'catalogue', 'plain')
  faithful('pretty-units-triclinic', 'triclinic-40-60', 'pretty', 'catalogue', 'equals')
  faithful('vecnorm-units-triclinic', 'triclinic-40-60', 'vecnorm', 'catalogue', 'hash')
  faithful('untagged-triclinic', 'triclinic-40-60', 'untagged', 'trace-c', 'none')
  faithful('trace-c-polar', 'polar-23-27', 'trace-c', 'trace-c', 'trace-config')
  faithful('kv-numpy-polar', 'polar-23-27', 'kv', 'catalogue', 'hash', {noUnits: true})
  faithful('extra-names-kv-cubic', 'cubic-43-33', 'kv', 'catalogue', 'plain', {noUnits: true, extra: true})
  faithful('extra-names-pretty-triclinic', 'triclinic-40-60', 'pretty', 'catalogue', 'plain', {extra: true})

  // a factor missing from the final value (a port that forgot `test *= polar`)
  for (const style of ['untagged', 'trace-py'] as const) {
    const log: LogSpec = {
      base: 'polar-23-27',
      style,
      vocab: 'trace-c',
      banner: style === 'untagged' ? 'equals' : 'hash',
      plant: {finalWithout: 'polar_applied'},
    }
    const t = traces.get('polar-23-27')!
    cases.push({
      name: `final-without-polar-${style}`,
      description: `${baseOf('polar-23-27').what}. Reference: the TS engine's trace (${tracePath('polar-23-27')}); candidate: ${describeLog(log)}, with one planted fault: its I_pixel_final is computed as nanoBragg does but without the polarization factor (((r_e²·fluence)·I)/steps × capture_fraction × omega, no × polar), and floatimage_accumulated is that value in float32. Every other line, polar (${valueOf(t, 'polar_applied')}) included, is the reference's own. Truth: the final value is off by exactly 1/polar, a traced factor that agrees: first divergence I_pixel_final, class polarization (the class of the missing factor, not normalization); polar itself is not a root cause.`,
      ref: jsonl('polar-23-27'),
      cand: {log},
      expect: {
        status: 'diverged',
        first: {name: 'I_pixel_final', class: 'polarization'},
        rootClasses: ['polarization'],
        notRoot: ['polar_applied', 'polar', 'omega_applied', 'I_before_scaling'],
      },
    })
  }

  // one value scaled: the port's F_cell is 110 where the reference's is 100 (everything downstream follows)
  for (const style of ['kv', 'pretty'] as const) {
    const log: LogSpec = {base: 'cubic-F110-43-33', style, vocab: 'catalogue', banner: 'plain', plant: style === 'kv' ? {noUnits: true} : undefined}
    cases.push({
      name: `F_cell-scaled-${style}`,
      description: `${CUBIC_WHAT}. Reference: the TS engine's trace of pixel (43, 33) (${tracePath('cubic-43-33')}); candidate: ${describeLog(log)} of the same configuration run with -default_F 110, so its F_cell is 1.1× the reference's and every downstream value (I_before_scaling, I_pixel_final, the float value: ×1.21) is what that computation gives; nothing upstream of F_cell differs and the log states no configuration. Truth: first divergence F_cell, class structure-factor, the only root cause; the intensities after it are its cascade.`,
      ref: jsonl('cubic-43-33'),
      cand: {log},
      expect: {
        status: 'diverged',
        first: {name: 'F_cell', class: 'structure-factor'},
        rootClasses: ['structure-factor'],
        roots: ['F_cell'],
        notRoot: ['I_before_scaling', 'I_pixel_final', 'float_pixel', 'F_latt'],
      },
    })
  }

  // a vector in m⁻¹ on one side and Å⁻¹ on the other while its consumer hkl_frac agrees
  {
    const ref: LogSpec = {base: 'polar-23-27', style: 'trace-c', vocab: 'trace-c', banner: 'trace-config'}
    const cand: LogSpec = {base: 'polar-23-27', style: 'trace-py', vocab: 'trace-c', banner: 'hash', plant: {scatteringInAngstrom: true}}
    cases.push({
      name: 'scattering-m-inv-vs-A-inv',
      description: `${baseOf('polar-23-27').what}. Both sides are renderings of the same TS-engine trace (${tracePath('polar-23-27')}): reference ${describeLog(ref)}, printing scattering_vec_A_inv in m⁻¹ as the reference C does; candidate ${describeLog(cand)}, printing scattering_vec_A_inv in Å⁻¹ as the PyTorch port does (the same vector × 1e-10 exactly). Every other value is identical, hkl_frac (the scattering vector's traced consumer) included. Truth: agree; the 1e10 is a printing/label finding, never a root cause nor the first divergence.`,
      ref: {log: ref},
      cand: {log: cand},
      expect: {status: 'agree', notRoot: ['scattering', 'hkl_frac', 'stol']},
    })
    const kv: LogSpec = {base: 'cubic-43-33', style: 'kv', vocab: 'catalogue', banner: 'plain', plant: {noUnits: true, scatteringInAngstrom: true}}
    cases.push({
      name: 'scattering-A-inv-unlabelled',
      description: `${CUBIC_WHAT}. Reference: the TS engine's trace (${tracePath('cubic-43-33')}); candidate: ${describeLog(kv)}, whose \`scattering = array([...])\` line states no unit (so the catalogue's m⁻¹) but holds the vector in Å⁻¹ (× 1e-10 exactly). Every other value is the reference's own, hkl_frac included. Truth: agree; the exact unit factor on a vector whose consumer agrees is a printing/label finding, never a root cause nor the first divergence.`,
      ref: jsonl('cubic-43-33'),
      cand: {log: kv},
      expect: {status: 'agree', notRoot: ['scattering', 'hkl_frac']},
    })
  }

  // a set-up block printed in the units a user types (λ in Å, distance in mm, angles in degrees)
  // with no unit text: nothing downstream is printed, so each exact factor is a unit difference
  {
    const log: LogSpec = {base: 'cubic-43-33', style: 'untagged', vocab: 'setup', banner: 'equals', plant: {unitTextDropped: true}}
    cases.push({
      name: 'setup-units-unlabelled',
      description: `${CUBIC_WHAT}. Reference: the TS engine's trace (${tracePath('cubic-43-33')}); candidate: a port's set-up block only, ${STYLE_TEXT.untagged}, banner ${BANNER_TEXT.equals}: \`lambda0 = 1\` (Å), \`distance = 100\` (mm), cell_abc (Å, the catalogue's unit) and cell_angles (degrees), none with a unit printed, so each is read in the catalogue's unit (m, m, Å, rad). No quantity computed from them is printed. Truth: lambda0 (×1e10), distance (×1e3) and cell_angles (×180/π) each differ by an exact unit factor, each a root cause of class units; cell_abc agrees. compare once called lambda0's ×1e10 source-weighting (a source attribute's kind before the unit factor).`,
      ref: jsonl('cubic-43-33'),
      cand: {log},
      expect: {
        status: 'diverged',
        first: {name: 'lambda0', class: 'units'},
        rootClasses: ['units'],
        roots: ['lambda0', 'distance', 'cell_angles'],
        notRoot: ['cell_abc'],
      },
    })
  }

  // two different pixels: transposed, neighbours, stated or not
  const TRANSPOSED =
    'In this MOSFLM geometry the two pixels (43, 33) and (33, 43) are mirror images: pixel_pos components permuted (with a sign), airpath, obliquity, omega, cos2theta, polar, F_latt, F_cell and the intensities identical.'
  const omitLattice: Plant = {omit: ['F_latt_a', 'F_latt_b', 'F_latt_c']}
  const pixelCase = (name: string, ref: FreeformCase['ref'], cand: LogSpec, why: string) => {
    const refText =
      'trace' in ref ? `the TS engine's trace of pixel (43, 33) (${tracePath(ref.trace)}), which states its pixel in its header` : describeLog(ref.log)
    cases.push({
      name,
      description: `${CUBIC_WHAT}. Reference: ${refText}; candidate: ${describeLog(cand)}. ${why} Truth: the traces are of different pixels, so no number of one is a divergence of the other: mismatch, provenance class pixel.`,
      ref,
      cand: {log: cand},
      expect: {status: 'mismatch', provenance: 'pixel'},
    })
  }
  pixelCase(
    'transposed-no-banners',
    {log: {base: 'cubic-43-33', style: 'untagged', vocab: 'trace-c', banner: 'none', plant: omitLattice}},
    {base: 'cubic-33-43', style: 'untagged', vocab: 'trace-c', banner: 'none', plant: omitLattice},
    `${TRANSPOSED} Neither log states a pixel, nor the per-axis lattice factors (which would swap); every scalar both state is identical, and the vectors are permutations of each other.`,
  )
  pixelCase(
    'transposed-jsonl-no-banner',
    {trace: 'cubic-43-33'},
    {base: 'cubic-33-43', style: 'pretty', vocab: 'catalogue', banner: 'none', plant: omitLattice},
    `${TRANSPOSED} The log states no pixel.`,
  )
  pixelCase(
    'transposed-banner-claims-same-pixel',
    {trace: 'cubic-43-33'},
    {base: 'cubic-33-43', style: 'vecnorm', vocab: 'catalogue', banner: {form: 'trace-config', claims: '43,33'}, plant: omitLattice},
    `${TRANSPOSED} The port was asked for (43, 33) and says so in its banner, but computed (33, 43): slow and fast swapped inside the port.`,
  )
  pixelCase(
    'banners-differ-neighbour',
    {log: {base: 'cubic-43-33', style: 'trace-c', vocab: 'trace-c', banner: 'trace-config'}},
    {base: 'cubic-44-33', style: 'untagged', vocab: 'trace-c', banner: 'equals'},
    'Each log faithfully traces the pixel its banner states: (43, 33) and its neighbour (44, 33).',
  )
  pixelCase(
    'banners-differ-transposed',
    {log: {base: 'cubic-43-33', style: 'trace-py', vocab: 'trace-c', banner: 'hash'}},
    {base: 'cubic-33-43', style: 'kv', vocab: 'catalogue', banner: 'plain', plant: {noUnits: true}},
    'Each log faithfully traces the pixel its banner states: (43, 33) and (33, 43).',
  )
  pixelCase(
    'banner-vs-header-neighbour',
    {trace: 'cubic-43-33'},
    {base: 'cubic-44-33', style: 'pretty', vocab: 'catalogue', banner: 'plain'},
    'The log faithfully traces the pixel its banner states, (44, 33).',
  )

  return cases
}

/** The claim behind the transposed cases, checked on the traces themselves. */
function checkTransposed(traces: Map<string, Trace>): void {
  const a = traces.get('cubic-43-33')!
  const b = traces.get('cubic-33-43')!
  const sorted = (v: number[]) => v.map(Math.abs).sort((x, y) => x - y)
  const pa = valueOf(a, 'pixel_pos') as number[]
  const pb = valueOf(b, 'pixel_pos') as number[]
  assert.deepEqual(sorted(pa), sorted(pb), 'pixel_pos of the transposed pixels are not permutations')
  assert.notDeepEqual(pa, pb)
  for (const n of ['airpath', 'obliquity', 'omega_pixel', 'cos2theta', 'polar', 'F_latt', 'F_cell', 'I_before_scaling', 'I_pixel_final']) {
    const x = valueOf(a, n) as number
    const y = valueOf(b, n) as number
    assert.ok(Math.abs(x - y) <= 1e-13 * Math.abs(x), `${n} differs between the transposed pixels: ${x} vs ${y}`)
  }
}

/** Every file this script writes: path → text (paths absolute). */
export function freeformFiles(): Map<string, string> {
  const traces = new Map(BASES.map((b) => [b.id, readTrace(join(FIXTURES, tracePath(b.id)))]))
  for (const b of BASES) assert.deepEqual([traces.get(b.id)!.pixel.slow, traces.get(b.id)!.pixel.fast], b.pixel, `${b.id}: trace of another pixel`)
  checkTransposed(traces)
  const out = new Map<string, string>()
  for (const c of freeformCases(traces)) {
    const side = (s: FreeformCase['ref'], role: string) => {
      if ('trace' in s) return {file: tracePath(s.trace)}
      const rel = `${DIR}/${c.name}.${role}.${EXT[s.log.style]}`
      out.set(join(FIXTURES, rel), renderLog(s.log, traces))
      return {file: rel}
    }
    const ref = side(c.ref, 'ref')
    const cand = side(c.cand, 'cand')
    out.set(join(CASES, 'freeform', `${c.name}.json`), caseText({group: 'freeform', description: c.description, via: 'compare', ref, cand, expect: c.expect}))
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--refresh')) await refresh()
  let stale = 0
  for (const [p, text] of freeformFiles()) {
    if (process.argv.includes('--check')) {
      if (!existsSync(p) || readFileSync(p, 'utf8') !== text) {
        stale++
        console.log(`stale: ${p}`)
      }
      continue
    }
    mkdirSync(dirname(p), {recursive: true})
    writeFileSync(p, text)
  }
  if (stale) process.exit(1)
}
