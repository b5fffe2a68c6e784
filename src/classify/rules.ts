// The classification rules, in order: the first rule whose `when` selects the root cause's
// variable (by catalogue role, stage, unit or loop scope: never by name) and whose `test` finds
// its evidence in the values gives the class. Value tests come before the variable's own kind:
// carried-over state, precision, exact unit and count factors, swapped pixels, half-pixel offsets.
// Every role used here exists in the catalogue (test/align/rules.test.ts).
import type {Stage, VariableDef} from '../catalogue/catalogue.js'
import type {Divergent} from '../align/align.js'
import type {RootCause} from '../align/frontier.js'
import {loopKey} from '../align/keys.js'
import {f32Ulp} from '../align/tolerance.js'
import type {LoopName} from '../trace/records.js'
import {fmt} from '../util/numbers.js'
import {carryOver} from './carry-over.js'
import {loadCatalogue} from '../catalogue/catalogue.js'
import {hasRole, ROLE, roleVar, setupNum, SIDES, sideWord, type EvidenceContext, type RoleName, type SideName} from './context.js'
import {countFactor, stepsEvidence} from './counts.js'
import {halfPixel, swappedSubpixel, transposedPixel} from './geometry.js'
import {sourceEvidence} from './sources.js'
import {isF32, near, nums, ratios, scalarOf, UNIT_RATIOS} from './values.js'

/** One root cause as the rules see it. */
export interface Case {
  root: RootCause
  /** the record pair of its first root iteration */
  d: Divergent
  def: VariableDef
  /** display name (name[component] for a legacy component line) */
  name: string
  /** its divergent iterations kept by the aligner that are root iterations */
  details: Divergent[]
  ratio: number | null
  rel: number
  ctx: EvidenceContext
}

/** Which variables a rule looks at: any of `roles` or `stages` (all when neither is given), and the rest. */
export interface When {
  roles?: RoleName[]
  stages?: Stage[]
  notStages?: Stage[]
  /** the variable is loop-scoped */
  scoped?: boolean
  /** its loop scope includes this axis */
  axis?: LoopName
  unit?: string
}

export interface Rule<T = unknown> {
  id: string
  when: When
  /** the finding, or undefined when the rule does not apply to these values */
  test: (c: Case) => T | undefined
  /** the class, or (for a root explained by another variable) the class of that variable's kind */
  class: string | ((c: Case, t: T) => string)
  label?: (c: Case, t: T) => string | undefined
  evidence: (c: Case, t: T) => string[]
}

const rule = <T>(r: Rule<T>): Rule => r as Rule

export function selects(w: When, def: VariableDef): boolean {
  if ((w.roles || w.stages) && !(w.roles?.some((r) => hasRole(def, r)) || w.stages?.includes(def.stage))) return false
  if (w.notStages?.includes(def.stage)) return false
  if (w.scoped && def.loop.length === 0) return false
  if (w.axis && !def.loop.includes(w.axis)) return false
  if (w.unit && def.unit !== w.unit) return false
  return true
}

/** the test of a rule that applies whatever the values (the variable's kind decides) */
export const UNCONDITIONAL = (): true => true
const always = UNCONDITIONAL
const none = (): string[] => []

/** agreement of the variables holding a role at the divergence's coordinates (all iterations for legacy logs) */
function agreesAt(ctx: EvidenceContext, role: RoleName, d: Divergent): boolean {
  const s = ctx.res.vars.get(roleVar(role).name)
  if (!s || s.inRef === 0 || s.inCand === 0) return false
  if (ctx.res.mode === 'occurrence' || !d.loop) return s.diverged === 0
  const k = loopKey(d.loop, s.def.loop)
  return !s.divKeys.has(k) && !s.unmatchedKeys.has(k)
}

/** "a few ulps": the band of the precision class */
export const PRECISION_ULPS = 4

function ulpOf(x: number, band: 'f32' | 'f64'): number {
  if (band === 'f32') return f32Ulp(x)
  const a = Math.abs(x)
  if (a === 0 || !Number.isFinite(a)) return Number.MIN_VALUE
  return Math.pow(2, Math.max(Math.floor(Math.log2(a)), -1022) - 52)
}

/** Largest component difference in ulps of the band at the values' magnitude (a vector's norm). */
function ulpsApart(ref: unknown, cand: unknown, band: 'f32' | 'f64'): number {
  const a = nums(ref)
  const b = nums(cand)
  if (a.length === 0 || a.length !== b.length) return Number.POSITIVE_INFINITY
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))
  const scale = Math.max(norm(a), norm(b))
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (d !== d) return Number.POSITIVE_INFINITY
    worst = Math.max(worst, d / ulpOf(scale, band))
  }
  return worst
}

/** float32 when either producer declares float32 or does not say (a log), else float64. */
function declaredBand(ctx: EvidenceContext): 'f32' | 'f64' {
  return SIDES.some((s) => ctx.headers[s].producer.precision !== 'float64') ? 'f32' : 'f64'
}

/**
 * The one traced factor of a root whose value (or inverse) is the root's ratio: a scale factor of
 * the pixel value, or, for an accumulated sum, a factor of the summed term (F_cell missing from
 * F_cell²·F_latt²). A factor scoped to the root's loops is read at the divergence's coordinates.
 */
function factorRatio(c: Case): {def: VariableDef; value: number; side: SideName; inverse: boolean} | undefined {
  const r = c.ratio
  if (r === null || !Number.isFinite(r) || r <= 0 || near(r, 1, 1e-6)) return undefined
  const cat = loadCatalogue()
  const tol = declaredBand(c.ctx) === 'f32' ? 1e-6 : 1e-9
  const names = new Set([...c.ctx.inputsOf(c.def.name), ...c.def.inputs])
  const hits = new Map<string, {def: VariableDef; value: number; side: SideName; inverse: boolean}>()
  for (const n of names) {
    const def = cat.byName.get(n)
    if (!def || !(hasRole(def, ROLE.scaleFactor) || (c.def.stage === 'accumulation' && hasRole(def, ROLE.termFactor)))) continue
    const at = c.d.loop && def.loop.length > 0 && def.loop.every((a) => c.def.loop.includes(a)) ? loopKey(c.d.loop, def.loop) : undefined
    for (const side of SIDES) {
      const seen = new Set<number>()
      for (const rec of c.ctx.series[side].get(n) ?? []) {
        if (at !== undefined && rec.loop && loopKey(rec.loop, def.loop) !== at) continue
        const v = scalarOf(rec.value)
        if (v === undefined || seen.has(v) || !(v > 0) || near(v, 1, 1e-6)) continue
        seen.add(v)
        if (seen.size > 64) break
        if (near(r, 1 / v, tol)) hits.set(n, {def, value: v, side, inverse: true})
        else if (near(r, v, tol)) hits.set(n, {def, value: v, side, inverse: false})
      }
    }
  }
  // one factor: every hit the same value (polar and the polar_applied made from it are one factor);
  // named by the root's direct input when it is one
  const all = [...hits.values()]
  if (all.length === 0 || !all.every((h) => near(h.value, all[0].value, tol))) return undefined
  return all.find((h) => c.def.inputs.includes(h.def.name)) ?? all[0]
}

/** The ratio (every component's, for a vector) equal to an exact unit factor: 10^k, 1e10, π/180. */
interface UnitHit {
  r: number
  f: number
  why: string
}
function unitFactor(c: Case): UnitHit | undefined {
  const rs = ratios(c.d)
  const r = c.ratio !== null && Number.isFinite(c.ratio) ? c.ratio : rs.length ? rs[0] : undefined
  if (r === undefined) return undefined
  for (const [f, why] of UNIT_RATIOS) {
    const all = rs.length ? rs.every((x) => near(x, f)) : near(r, f)
    if (all && near(r, f)) return {r, f, why}
  }
  return undefined
}
const unitLabel = (_c: Case, {f}: UnitHit): string => `×${fmt(f)}`
const unitEvidence = (_c: Case, {r, why}: UnitHit): string[] => [`ratio candidate/reference = ${fmt(r)} within 1e-9 of ${why}: a unit conversion`]

export const RULES: Rule[] = [
  rule({
    id: 'state-carry-over',
    when: {scoped: true, notStages: ['normalization', 'sources']},
    test: (c) => carryOver(c.ctx, c.root, c.d),
    class: 'state-carry-over',
    label: () => 'state carried over',
    evidence: (c, hit) => {
      const ev = [hit]
      if (c.details.length > 1) {
        const others = c.root.stat.details.filter((x) => x !== c.d).map((x) => x.diff.relDiff ?? 0)
        if (others.length) ev.push(`other divergent iterations differ by at most ${fmt(Math.max(...others))} relative (vs ${fmt(c.rel)} here)`)
      }
      return ev
    },
  }),
  rule({
    // a subnormal number where the other side has a normal one, its inputs agreeing: no
    // computation of the quantity gives it; the variable was read before being set for this
    // pixel (uninitialized, or a cache not reset: state carried over from elsewhere)
    id: 'uninitialized-state',
    when: {},
    test: (c) => {
      const ds = c.details.length ? c.details : [c.d]
      const sub = (v: unknown) => nums(v).some((x) => x !== 0 && Math.abs(x) < 2.2250738585072014e-308)
      const normal = (v: unknown) => nums(v).every((x) => Number.isFinite(x)) && !sub(v)
      if (c.root.amplified || c.ctx.inputsOf(c.def.name).length === 0) return undefined
      for (const side of SIDES) {
        const mine = (x: Divergent) => (side === 'ref' ? x.ref : x.cand)
        const other = (x: Divergent) => (side === 'ref' ? x.cand : x.ref)
        if (ds.every((x) => sub(mine(x)) && normal(other(x)))) return {side, value: mine(c.d)}
      }
      return undefined
    },
    class: 'state-carry-over',
    label: () => 'uninitialized or stale state',
    evidence: (c, {side, value}) => [
      `the ${sideWord(side)}'s ${c.name} = ${fmt(value)} is a subnormal number, which no computation of it from its agreeing inputs gives: the variable is read before it is set for this pixel (uninitialized, or a cache that is not reset)`,
    ],
  }),
  rule({
    // one side's values are float32 numbers and the two differ by a few float32 ulps at most
    id: 'float32-rounding',
    when: {},
    test: (c) => {
      const ds = c.details.length ? c.details : [c.d]
      const f32r = ds.every((x) => isF32(x.ref))
      const f32c = ds.every((x) => isF32(x.cand))
      const ulps = Math.max(...ds.map((x) => ulpsApart(x.ref, x.cand, 'f32')))
      return f32r !== f32c && ulps <= PRECISION_ULPS ? {ulps, f32c} : undefined
    },
    class: 'precision',
    label: () => 'float32 rounding',
    evidence: (c, {ulps, f32c}) => [
      `the ${f32c ? 'candidate' : 'reference'}'s values are exact float32 numbers, the other side's are not`,
      `largest difference ${fmt(ulps)} float32 ulps (relative ${fmt(Math.max(...(c.details.length ? c.details : [c.d]).map((x) => x.diff.relDiff ?? Number.POSITIVE_INFINITY)))}): within ${PRECISION_ULPS} ulps of float32`,
    ],
  }),
  rule({
    // within a few ulps of the precision the producers declare (float32 when either side may be)
    id: 'declared-precision',
    when: {notStages: ['rng']},
    test: (c) => {
      const band = declaredBand(c.ctx)
      const ds = c.details.length ? c.details : [c.d]
      const ulps = Math.max(...ds.map((x) => ulpsApart(x.ref, x.cand, band)))
      return ulps <= PRECISION_ULPS ? {ulps, band} : undefined
    },
    class: 'precision',
    evidence: (c, {ulps, band}) => [
      `largest difference ${fmt(ulps)} ${band === 'f32' ? 'float32' : 'float64'} ulps: within ${PRECISION_ULPS} ulps of the declared precision (reference ${c.ctx.headers.ref.producer.precision}, candidate ${c.ctx.headers.cand.producer.precision})`,
    ],
  }),
  rule<UnitHit>({
    // a source quantity with a dimension (a wavelength) off by an exact unit factor was given in
    // another unit (λ in Å against m), before the source kind claims it; counts and weights are
    // dimensionless and keep their kind
    id: 'source-unit-factor',
    when: {roles: [ROLE.sourceAttribute]},
    test: (c) => (c.def.unit === '1' ? undefined : unitFactor(c)),
    class: 'units',
    label: unitLabel,
    evidence: unitEvidence,
  }),
  rule({
    // per-source quantities: source count, wavelengths, weights, directions
    id: 'source-attribute',
    when: {roles: [ROLE.sourceAttribute]},
    test: always,
    class: 'source-weighting',
    evidence: (c) => sourceEvidence(c.ctx, c.root, c.d),
  }),
  rule({
    id: 'normalization-constant',
    when: {roles: [ROLE.normalizationConstant]},
    test: always,
    class: 'normalization',
    evidence: (c) => {
      const ev: string[] = []
      if (hasRole(c.def, ROLE.stepCount)) stepsEvidence(c.ctx, ev)
      if (hasRole(c.def, ROLE.squaredConstant)) {
        const a = scalarOf(c.d.ref)
        const b = scalarOf(c.d.cand)
        if (a !== undefined && b !== undefined && near(b * b, a, 1e-6)) ev.push('candidate value squared equals the reference: the constant used unsquared')
      }
      if (hasRole(c.def, ROLE.areaDensity) && c.ratio !== null && (near(c.ratio, 1e-6) || near(c.ratio, 1e6)))
        ev.push(`ratio ${fmt(c.ratio)}: per mm² instead of per m² (or the reverse)`)
      ev.push(`${c.def.name} is a normalization constant of the pixel sum`)
      return ev
    },
  }),
  rule<UnitHit>({id: 'unit-factor', when: {}, test: unitFactor, class: 'units', label: unitLabel, evidence: unitEvidence}),
  rule({
    // a value off by exactly one of its traced factors: one side applies that factor, the other
    // does not (or applies it twice); the factor's kind gives the class
    id: 'one-factor-ratio',
    when: {},
    test: (c) => factorRatio(c),
    class: (_c, hit) => kindClass(hit.def),
    label: (_c, hit) => `off by ${hit.def.name}`,
    evidence: (c, hit) => [
      `ratio candidate/reference ${fmt(c.ratio)} = ${hit.inverse ? '1/' : ''}${hit.def.name} (${fmt(hit.value)}, the ${sideWord(hit.side)}'s value): ${c.def.name} is off by exactly the factor ${hit.def.name}, applied on one side only (or twice on the other)`,
    ],
  }),
  rule({
    // per-source weighting shows in per-source terms before any loop-count coincidence
    id: 'per-source-terms',
    when: {axis: 'source'},
    test: (c) => {
      const ev = sourceEvidence(c.ctx, c.root, c.d)
      return ev.length ? ev : undefined
    },
    class: 'source-weighting',
    evidence: (_c, ev) => ev,
  }),
  rule({
    // normalization by a loop count (only where a count can enter: scale factors, sums, set-up)
    id: 'loop-count-factor',
    when: {stages: ['normalization', 'accumulation', 'output', 'setup']},
    test: (c) => (c.ratio !== null && Number.isFinite(c.ratio) && c.ratio > 0 ? countFactor(c.ctx, c.ratio) : undefined),
    class: 'normalization',
    label: (_c, hit) => hit,
    evidence: (c, hit) => [`ratio ${fmt(c.ratio)} equals ${hit}`],
  }),
  rule({
    id: 'swapped-subpixel',
    when: {roles: [ROLE.subpixelFast, ROLE.subpixelSlow]},
    test: (c) => swappedSubpixel(c.ctx, c.d),
    class: 'pixel',
    label: () => 'transposed pixel',
    evidence: (_c, hit) => [hit],
  }),
  rule({
    id: 'transposed-pixel-position',
    when: {roles: [ROLE.pixelPosition]},
    test: (c) => transposedPixel(c.ctx, c.d),
    class: 'pixel',
    label: () => 'transposed pixel',
    evidence: (_c, hit) => [hit],
  }),
  rule({
    id: 'half-pixel-offset',
    when: {stages: ['geometry'], roles: [ROLE.pixelSize, ROLE.subpixelSize], unit: 'm'},
    test: (c) => halfPixel(c.ctx, c.d),
    class: 'geometry',
    label: () => 'exact half-pixel offset',
    evidence: (_c, hit) => [hit],
  }),
  rule({
    id: 'rng',
    when: {roles: [ROLE.rngState]},
    test: always,
    class: 'rng',
    evidence: (c) => {
      const ev: string[] = []
      const a = setupNum(c.ctx, 'ref', ROLE.rngSeed)
      const b = setupNum(c.ctx, 'cand', ROLE.rngSeed)
      if (a !== undefined && b !== undefined && a !== b) ev.push(`mosaic seeds differ: reference ${a}, candidate ${b}`)
      ev.push(
        hasRole(c.def, ROLE.rngSeed)
          ? 'the RNG seed diverges first'
          : `a random draw or mosaic matrix (${c.def.name}) diverges first${c.d.loop && c.d.loop.mosaic !== undefined ? ` at mosaic domain ${c.d.loop.mosaic}` : ''}`,
      )
      return ev
    },
  }),
  rule({
    id: 'lattice-factor',
    when: {roles: [ROLE.latticeFactor, ROLE.latticeFactorAxis]},
    test: always,
    class: 'lattice',
    evidence: (c) =>
      agreesAt(c.ctx, ROLE.fractionalIndex, c.d)
        ? [`the lattice factor diverges while ${roleVar(ROLE.fractionalIndex).name} agrees at the same coordinates`]
        : [],
  }),
  rule({
    id: 'structure-factor',
    when: {stages: ['structure-factor']},
    test: always,
    class: 'structure-factor',
    evidence: (c) =>
      agreesAt(c.ctx, ROLE.latticeFactor, c.d) ? [`${c.def.name} diverges alone: ${roleVar(ROLE.latticeFactor).name} agrees at the same coordinates`] : [],
  }),
  rule({
    id: 'crystal-orientation',
    when: {stages: ['lattice', 'orientation'], roles: [ROLE.crystalRotation]},
    test: always,
    class: 'lattice',
    evidence: (c) => [`crystal orientation/lattice quantity ${c.def.name} diverges with its inputs agreeing`],
  }),
  rule({id: 'polarization', when: {roles: [ROLE.polarizationFactor]}, test: always, class: 'polarization', evidence: none}),
  rule({id: 'geometry', when: {stages: ['geometry'], roles: [ROLE.detectorDimension]}, test: always, class: 'geometry', evidence: none}),
  rule({id: 'float-image', when: {stages: ['output']}, test: always, class: 'precision', evidence: () => ['float image value: rounding to float32']}),
  rule({id: 'mosaic-parameter', when: {roles: [ROLE.mosaicParameter]}, test: always, class: 'rng', evidence: none}),
  rule({id: 'scale-factor', when: {}, test: always, class: 'normalization', evidence: none}),
]

/** The class a variable's kind gives it: that of the first rule selecting it whatever the values. */
export function kindClass(def: VariableDef): string {
  for (const r of RULES) if (r.test === UNCONDITIONAL && selects(r.when, def) && typeof r.class === 'string') return r.class
  return RULES[RULES.length - 1].class as string
}
