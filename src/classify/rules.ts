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
import {fmt} from '../report/format.js'
import {carryOver} from './carry-over.js'
import {hasRole, ROLE, roleVar, setupNum, type EvidenceContext, type RoleName} from './context.js'
import {countFactor, stepsEvidence} from './counts.js'
import {halfPixel, swappedSubpixel, transposedPixel} from './geometry.js'
import {sourceEvidence} from './sources.js'
import {isF32, near, ratios, scalarOf, UNIT_RATIOS} from './values.js'

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
  class: string
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

const always = (): true => true
const none = (): string[] => []

/** agreement of the variables holding a role at the divergence's coordinates (all iterations for legacy logs) */
function agreesAt(ctx: EvidenceContext, role: RoleName, d: Divergent): boolean {
  const s = ctx.res.vars.get(roleVar(role).name)
  if (!s || s.inRef === 0 || s.inCand === 0) return false
  if (ctx.res.mode === 'occurrence' || !d.loop) return s.diverged === 0
  const k = loopKey(d.loop, s.def.loop)
  return !s.divKeys.has(k) && !s.unmatchedKeys.has(k)
}

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
    // one side's values are float32 numbers and the differences are within the float32 band
    id: 'float32-rounding',
    when: {},
    test: (c) => {
      const ds = c.details.length ? c.details : [c.d]
      const f32r = ds.every((x) => isF32(x.ref))
      const f32c = ds.every((x) => isF32(x.cand))
      const maxRel = Math.max(...ds.map((x) => x.diff.relDiff ?? Number.POSITIVE_INFINITY))
      return maxRel <= 1e-4 && f32r !== f32c ? {maxRel, f32c} : undefined
    },
    class: 'precision',
    label: () => 'float32 rounding',
    evidence: (c, {maxRel, f32c}) => {
      const a = scalarOf(c.d.ref)
      const b = scalarOf(c.d.cand)
      const u = a !== undefined && b !== undefined ? Math.abs(a - b) / f32Ulp(a) : undefined
      return [
        `the ${f32c ? 'candidate' : 'reference'}'s values are exact float32 numbers, the other side's are not`,
        `largest relative difference ${fmt(maxRel)}${u !== undefined ? ` (${fmt(u)} float32 ulps here)` : ''}: within the float32 band`,
      ]
    },
  }),
  rule({
    id: 'one-float32-ulp',
    when: {notStages: ['rng']},
    test: (c) => {
      const ds = c.details.length ? c.details : [c.d]
      const maxRel = Math.max(...ds.map((x) => x.diff.relDiff ?? Number.POSITIVE_INFINITY))
      return maxRel <= 2 ** -23 ? maxRel : undefined
    },
    class: 'precision',
    evidence: (_c, maxRel) => [`largest relative difference ${fmt(maxRel)} ≤ one float32 ulp (2⁻²³)`],
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
      if (hasRole(c.def, ROLE.areaDensity) && c.ratio !== null && (near(c.ratio, 1e-6) || near(c.ratio, 1e6))) ev.push(`ratio ${fmt(c.ratio)}: per mm² instead of per m² (or the reverse)`)
      ev.push(`${c.def.name} is a normalization constant of the pixel sum`)
      return ev
    },
  }),
  rule({
    id: 'unit-factor',
    when: {},
    test: (c) => {
      const rs = ratios(c.d)
      const r = c.ratio !== null && Number.isFinite(c.ratio) ? c.ratio : rs.length ? rs[0] : undefined
      if (r === undefined) return undefined
      for (const [f, why] of UNIT_RATIOS) {
        const all = rs.length ? rs.every((x) => near(x, f)) : near(r, f)
        if (all && near(r, f)) return {r, f, why}
      }
      return undefined
    },
    class: 'units',
    label: (_c, {f}) => `×${fmt(f)}`,
    evidence: (_c, {r, why}) => [`ratio candidate/reference = ${fmt(r)} within 1e-9 of ${why}: a unit conversion`],
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
      ev.push(hasRole(c.def, ROLE.rngSeed) ? 'the RNG seed diverges first' : `a random draw or mosaic matrix (${c.def.name}) diverges first${c.d.loop && c.d.loop.mosaic !== undefined ? ` at mosaic domain ${c.d.loop.mosaic}` : ''}`)
      return ev
    },
  }),
  rule({
    id: 'lattice-factor',
    when: {roles: [ROLE.latticeFactor, ROLE.latticeFactorAxis]},
    test: always,
    class: 'lattice',
    evidence: (c) => (agreesAt(c.ctx, ROLE.fractionalIndex, c.d) ? [`the lattice factor diverges while ${roleVar(ROLE.fractionalIndex).name} agrees at the same coordinates`] : []),
  }),
  rule({
    id: 'structure-factor',
    when: {stages: ['structure-factor']},
    test: always,
    class: 'structure-factor',
    evidence: (c) => (agreesAt(c.ctx, ROLE.latticeFactor, c.d) ? [`${c.def.name} diverges alone: ${roleVar(ROLE.latticeFactor).name} agrees at the same coordinates`] : []),
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
