// The loop dimensions reduce shrinks, and the reductions it tries for each, strongest first.
// A dimension is named by the catalogue role of its count (the set-up value every trace states:
// n_sources, mosaic_domains, ...), and reduced by editing the parser fields the flag table says
// set that count (src/sim/flags.ts), so no flag spelling is guessed here: removing a field drops
// every flag that sets it, whatever substring of it the user typed.
import {loadCatalogue, type LoopName} from '../catalogue/catalogue.js'
import type {ArgEdit} from './args.js'
import {setsAny} from './args.js'

export type DimensionId = 'sources' | 'mosaic' | 'oversample' | 'phi' | 'layers'

export interface Dimension {
  id: DimensionId
  /** catalogue role of the count of this loop */
  role: string
  /** the loop axes of the catalogue it counts */
  axes: LoopName[]
  /** "source" / "sources" */
  unit: [string, string]
  /** where a cause that vanishes with this dimension reduced lives */
  lives: string
  /** factor of the work of one pixel */
  cost: (n: number) => number
}

export const DIMENSIONS: readonly Dimension[] = [
  {id: 'sources', role: 'source-count', axes: ['source'], unit: ['source', 'sources'], lives: 'the source loop', cost: (n) => n},
  {id: 'mosaic', role: 'mosaic-domain-count', axes: ['mosaic'], unit: ['mosaic domain', 'mosaic domains'], lives: 'the mosaic domains', cost: (n) => n},
  {id: 'oversample', role: 'oversampling', axes: ['subS', 'subF'], unit: ['oversample', 'oversample'], lives: 'the sub-pixel loop', cost: (n) => n * n},
  {id: 'phi', role: 'phi-step-count', axes: ['phi'], unit: ['phi step', 'phi steps'], lives: 'the phi loop', cost: (n) => n},
  {id: 'layers', role: 'layer-count', axes: ['thick'], unit: ['detector layer', 'detector layers'], lives: 'the detector-layer loop', cost: (n) => n},
]

/** The catalogue variable holding a dimension's count (n_sources, mosaic_domains, ...). */
export function countName(d: Dimension): string {
  const holders = loadCatalogue().byRole(d.role)
  if (holders.length !== 1) throw new Error(`catalogue: role ${d.role} must name exactly one variable`)
  return holders[0].name
}

/** Loop counts by catalogue name (null: the trace does not state it). */
export type Loops = Record<string, number | null>

export const plural = (d: Dimension, n: number): string => (d.id === 'oversample' ? `oversample ${n}` : `${n} ${n === 1 ? d.unit[0] : d.unit[1]}`)

/** Parser fields (src/sim/cli.ts ParsedArgs) whose flags set each count. */
export const FIELDS = {
  sourcefile: ['sourcefilename'],
  divergence: ['hdivrange', 'vdivrange', 'hdivstep', 'vdivstep', 'hdivsteps', 'vdivsteps', 'roundDiv'],
  dispersion: ['dispersion', 'dispsteps'],
  mosaicSpread: ['mosaicSpread'],
  mosaicDomains: ['mosaicDomains'],
  phiSteps: ['osc', 'phistep', 'phisteps'],
  phiCount: ['phisteps'],
  oversample: ['oversample'],
  sensor: ['detectorThick', 'detectorThicksteps'],
  layerCount: ['detectorThicksteps'],
  hkl: ['hklfilename'],
  roi: ['roi'],
} as const

/** Flags reduce writes, each with the field it sets (test/reduce checks them against the flag table). */
export const SET_FLAGS = {
  mosaicDomains: '-mosaic_domains',
  phisteps: '-phisteps',
  oversample: '-oversample',
  thicksteps: '-detector_thicksteps',
  sourcefile: '-sourcefile',
  hkl: '-hkl',
  roi: '-roi',
} as const

/** A file a reduction writes next to the run (a reduced source list or hkl table). */
export interface NewFile {
  name: string
  text: string
}

export interface Candidate {
  dimension: DimensionId | 'hkl'
  /** what is tried, in words */
  what: string
  /** "with 1 source": how the evidence sentence names the reduced configuration */
  with: string
  edit: ArgEdit
  files: NewFile[]
  /** the count the trial must show (null: just fewer than now) */
  target: number | null
  /** a partial reduction after which the dimension is tried again (halving a source list) */
  again?: boolean
}

/** One source of the set-up, as a trace states it (for a one-line source file). */
export interface SourceRow {
  index: number
  /** sample → source direction */
  dir: number[]
  lambda: number
  weight: number
}

export interface CandidateContext {
  args: string[]
  loops: Loops
  /** the source the root cause is first seen at (its loop coordinate), when source-specific */
  divergentSource: number | null
  /** that source as the reference trace states it */
  sourceRow: SourceRow | null
  /** the source file of the arguments: its name and text */
  sourceFile: {name: string; text: string; lineOfSource: number[]} | null
  /** 0 on a dimension's first pass; then the number of reductions of it kept (only halvings are tried again) */
  round: number
  /** a fresh file name for a reduced input ("sources.1.txt") */
  fresh: (stem: string, ext: string) => string
}

const num = (x: number): string => String(x)

/** The reductions of one dimension, strongest first (none when its count is already 1). */
export function candidates(d: Dimension, ctx: CandidateContext): Candidate[] {
  const n = ctx.loops[countName(d)]
  if (n === null || n === undefined || n <= 1) return []
  if (ctx.round > 0 && d.id !== 'sources') return []
  const out: Candidate[] = []
  const to = (m: number): string => `${plural(d, n)} → ${m}`
  const c = (what: string, withText: string, edit: ArgEdit, target: number | null, files: NewFile[] = []): void => {
    out.push({dimension: d.id, what, with: withText, edit, files, target})
  }
  switch (d.id) {
    case 'sources': {
      const k = ctx.divergentSource
      const grid = [...FIELDS.divergence, ...FIELDS.dispersion]
      if (ctx.sourceFile) {
        // divergence and dispersion flags are ignored next to a source file: they go with it
        const f = ctx.sourceFile
        const lines = f.text.split(/(?<=\n)/)
        const subset = (idx: number[], why: string, withText: string): void => {
          const text = idx
            .map((i) => lines[f.lineOfSource[i] - 1] ?? '')
            .map((l) => (l.endsWith('\n') ? l : l + '\n'))
            .join('')
          const name = ctx.fresh('sources', 'txt')
          const m = idx.length
          c(`${to(m)} (${why})`, withText, {remove: [...FIELDS.sourcefile, ...grid], add: [SET_FLAGS.sourcefile, name]}, m, [{name, text}])
        }
        if (ctx.round === 0) {
          c(`${to(1)} (no source file: the beam itself)`, 'with 1 source (no source file)', {remove: [...FIELDS.sourcefile, ...grid], add: []}, 1)
          if (k !== null && k < n)
            subset([k], `only source ${k}, where the root cause is first seen: line ${f.lineOfSource[k]} of ${f.name}`, `with only source ${k}`)
          if (k !== 0) subset([0], `only the first source: line ${f.lineOfSource[0]} of ${f.name}`, 'with only the first source')
        }
        // halves, the one holding the divergent source first (again after each half kept)
        if (n > 2) {
          const h = Math.ceil(n / 2)
          const halves = [Array.from({length: h}, (_, i) => i), Array.from({length: n - h}, (_, i) => h + i)]
          if (k !== null && k >= h) halves.reverse()
          for (const idx of halves) {
            if (idx.length < 2) continue
            subset(idx, `sources ${idx[0]}..${idx[idx.length - 1]} of ${f.name}`, `with ${idx.length} of the sources`)
            out[out.length - 1].again = true
          }
        }
        break
      }
      if (ctx.round > 0) break
      const div = setsAny(ctx.args, FIELDS.divergence)
      const disp = setsAny(ctx.args, FIELDS.dispersion)
      c(`${to(1)} (no divergence, no dispersion: the beam itself)`, 'with 1 source', {remove: grid, add: []}, 1)
      const r = ctx.sourceRow
      if (r) {
        // the divergent source alone, as a one-line source file (divergence and dispersion flags
        // are ignored next to one; they are removed to keep the command line minimal)
        const name = ctx.fresh('sources', 'txt')
        const text = `${r.dir.map(num).join(' ')} ${num(r.weight)} ${num(r.lambda)}\n`
        c(
          `${to(1)} (only source ${r.index}, where the root cause is first seen, as a one-line source file)`,
          `with only source ${r.index}`,
          {remove: grid, add: [SET_FLAGS.sourcefile, name]},
          1,
          [{name, text}],
        )
      }
      if (div && disp) {
        c(`${plural(d, n)} → fewer (no divergence; dispersion kept)`, 'without divergence', {remove: FIELDS.divergence, add: []}, null)
        c(`${plural(d, n)} → fewer (no dispersion; divergence kept)`, 'without dispersion', {remove: FIELDS.dispersion, add: []}, null)
      }
      break
    }
    case 'mosaic':
      c(`${to(1)} (no mosaic spread)`, 'with no mosaic spread', {remove: [...FIELDS.mosaicSpread, ...FIELDS.mosaicDomains], add: []}, 1)
      c(`${to(1)} (spread kept)`, 'with 1 mosaic domain', {remove: FIELDS.mosaicDomains, add: [SET_FLAGS.mosaicDomains, '1']}, 1)
      // domain 0 is the identity: a cause in the random draws needs a second domain
      if (n > 2)
        c(`${to(2)} (one random domain besides the identity)`, 'with 2 mosaic domains', {remove: FIELDS.mosaicDomains, add: [SET_FLAGS.mosaicDomains, '2']}, 2)
      break
    case 'oversample':
      c(to(1), 'with oversample 1', {remove: FIELDS.oversample, add: [SET_FLAGS.oversample, '1']}, 1)
      if (n > 2) c(to(2), 'with oversample 2', {remove: FIELDS.oversample, add: [SET_FLAGS.oversample, '2']}, 2)
      break
    case 'phi':
      c(`${to(1)} (at the starting angle)`, 'with 1 phi step', {remove: FIELDS.phiSteps, add: [SET_FLAGS.phisteps, '1']}, 1)
      if (n > 2) c(`${to(2)}`, 'with 2 phi steps', {remove: FIELDS.phiCount, add: [SET_FLAGS.phisteps, '2']}, 2)
      break
    case 'layers':
      // with a sensor thickness nanoBragg makes at least 2 layers: 1 layer means no thickness
      c(`${to(1)} (no sensor thickness)`, 'with 1 detector layer (no sensor thickness)', {remove: FIELDS.sensor, add: []}, 1)
      if (n > 2) c(to(2), 'with 2 detector layers', {remove: FIELDS.layerCount, add: [SET_FLAGS.thicksteps, '2']}, 2)
      break
  }
  return out
}
