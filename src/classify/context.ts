// What the classification rules see: the alignment, the set-up values and per-iteration series
// collected by the evidence pass, both headers. Variables are found by catalogue role (ROLE
// lists every role the rules use; test/align/rules.test.ts checks each against the catalogue).
import {loadCatalogue, type Tolerance, type VariableDef} from '../catalogue/catalogue.js'
import type {AlignResult} from '../align/align.js'
import type {HeaderRecord, Loop} from '../trace/records.js'
import {scalarOf} from './values.js'

export const ROLE = {
  normalizationConstant: 'normalization-constant',
  stepCount: 'step-count',
  squaredConstant: 'squared-constant',
  areaDensity: 'area-density',
  sourceAttribute: 'source-attribute',
  sourceCount: 'source-count',
  sourceWeight: 'source-weight',
  wavelength: 'wavelength',
  sourceWavelength: 'source-wavelength',
  nominalWavelength: 'nominal-wavelength',
  oversample: 'oversampling',
  layerCount: 'layer-count',
  phiStepCount: 'phi-step-count',
  mosaicDomainCount: 'mosaic-domain-count',
  mosaicParameter: 'mosaic-parameter',
  crystalRotation: 'crystal-rotation',
  pixelSize: 'pixel-size',
  subpixelSize: 'subpixel-size',
  detectorDimension: 'detector-dimension',
  detectorOrigin: 'detector-origin',
  fastAxis: 'fast-axis',
  slowAxis: 'slow-axis',
  normalAxis: 'normal-axis',
  pixelPosition: 'pixel-position',
  subpixelFast: 'subpixel-fast-offset',
  subpixelSlow: 'subpixel-slow-offset',
  rngSeed: 'rng-seed',
  rngState: 'rng-state',
  latticeFactor: 'lattice-factor',
  latticeFactorAxis: 'lattice-factor-axis',
  fractionalIndex: 'fractional-index',
  polarizationFactor: 'polarization-factor',
  scaleFactor: 'scale-factor',
  termFactor: 'term-factor',
  finalPixelValue: 'final-pixel-value',
} as const
export type RoleName = (typeof ROLE)[keyof typeof ROLE]

export interface SeriesRec {
  loop: Loop | null
  value: unknown
  index: number
}

export type SideName = 'ref' | 'cand'
export const SIDES: readonly SideName[] = ['ref', 'cand']
export const sideWord = (s: SideName): string => (s === 'ref' ? 'reference' : 'candidate')

export interface EvidenceContext {
  res: AlignResult
  tolerances: Map<string, Tolerance>
  headers: {ref: HeaderRecord; cand: HeaderRecord}
  /** set-up values (loop {}) per side, by catalogue name */
  setup: {ref: Map<string, unknown>; cand: Map<string, unknown>}
  /** every record of selected variables per side, by display name, in trace order */
  series: {ref: Map<string, SeriesRec[]>; cand: Map<string, SeriesRec[]>}
  /** effective inputs (traced on both sides) of a variable */
  inputsOf: (name: string) => string[]
}

export interface Verdict {
  class: string
  evidence: string[]
  /** short label, e.g. "exact half-pixel offset" */
  label?: string
}

export function hasRole(def: VariableDef, role: RoleName): boolean {
  return def.roles.includes(role)
}

/** The variable holding a role (the first in catalogue order when several do). */
export function roleVar(role: RoleName): VariableDef {
  return loadCatalogue().byRole(role)[0]
}

export function setupValue(ctx: EvidenceContext, side: SideName, role: RoleName): unknown {
  return ctx.setup[side].get(roleVar(role).name)
}

export function setupNum(ctx: EvidenceContext, side: SideName, role: RoleName): number | undefined {
  const v = setupValue(ctx, side, role)
  return v === undefined ? undefined : scalarOf(v)
}

export function seriesOf(ctx: EvidenceContext, side: SideName, role: RoleName): SeriesRec[] | undefined {
  return ctx.series[side].get(roleVar(role).name)
}

/** Roles whose set-up values (loop {}) the rules read. */
export const SETUP_ROLES: readonly RoleName[] = [
  ROLE.pixelSize,
  ROLE.oversample,
  ROLE.stepCount,
  ROLE.layerCount,
  ROLE.sourceCount,
  ROLE.phiStepCount,
  ROLE.mosaicDomainCount,
  ROLE.rngSeed,
  ROLE.detectorOrigin,
  ROLE.fastAxis,
  ROLE.slowAxis,
  ROLE.normalAxis,
  ROLE.nominalWavelength,
]
/** Roles whose per-iteration series the rules read whatever the root cause. */
export const SERIES_ROLES: readonly RoleName[] = [
  ROLE.sourceWeight,
  ROLE.sourceWavelength,
  ROLE.pixelPosition,
  ROLE.subpixelFast,
  ROLE.subpixelSlow,
  ROLE.scaleFactor,
]

/** Catalogue names of the variables holding any of `roles`. */
export function namesOf(roles: readonly RoleName[]): string[] {
  const cat = loadCatalogue()
  return [...new Set(roles.flatMap((r) => cat.byRole(r).map((v) => v.name)))]
}
