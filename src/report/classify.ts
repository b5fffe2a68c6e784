// Classification of root causes, each verdict with the evidence that produced it. The rules look
// at values (ratios, differences, neighbouring iterations, per-source behaviour), never at the
// producers' declared faults.
import {loadCatalogue, type Tolerance} from '../catalogue/catalogue.js'
import type {AlignResult, Divergent} from '../align/align.js'
import type {RootCause} from '../align/frontier.js'
import {loopKey, loopText, showLoop} from '../align/keys.js'
import {compareValues, f32Ulp} from '../align/tolerance.js'
import {decodeNumber} from '../trace/numbers.js'
import type {HeaderRecord, Loop} from '../trace/records.js'

export type DivergenceClass =
  | 'normalization' | 'source-weighting' | 'rng' | 'geometry' | 'units' | 'lattice' | 'structure-factor'
  | 'polarization' | 'state-carry-over' | 'precision' | 'configuration' | 'pixel'

export interface SeriesRec {
  loop: Loop | null
  value: unknown
  index: number
}

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
  class: DivergenceClass
  evidence: string[]
  /** short label, e.g. "exact half-pixel offset" */
  label?: string
}

export const fmt = (x: unknown): string => {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) return String(x)
    if (x === 0) return Object.is(x, -0) ? '-0' : '0'
    const a = Math.abs(x)
    return a >= 1e-4 && a < 1e7 ? String(Number(x.toPrecision(6))) : x.toExponential(4).replace(/\.?0+e/, 'e')
  }
  if (Array.isArray(x)) return '[' + x.map(fmt).join(', ') + ']'
  return String(x)
}

const near = (a: number, b: number, rel = 1e-9): boolean => a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b))

const UNIT_RATIOS: [number, string][] = [
  [1e10, '1e10 (Å⁻¹ → m⁻¹ or m → Å)'],
  [1e-10, '1e-10 (Å → m or m⁻¹ → Å⁻¹)'],
  [1e3, '1e3 (m → mm)'],
  [1e-3, '1e-3 (mm → m)'],
  [1e6, '1e6 (m² → mm² or µm)'],
  [1e-6, '1e-6'],
  [Math.PI / 180, 'π/180 (degrees → radians)'],
  [180 / Math.PI, '180/π (radians → degrees)'],
]

function nums(v: unknown): number[] {
  if (Array.isArray(v)) return v.map((x) => decodeNumber(x) ?? Number.NaN)
  const n = decodeNumber(v)
  return n === undefined ? [] : [n]
}

function scalarOf(v: unknown): number | undefined {
  const n = nums(v)
  return n.length === 1 ? n[0] : undefined
}

function isF32(v: unknown): boolean {
  const n = nums(v)
  return n.length > 0 && n.every((x) => !Number.isFinite(x) || Math.fround(x) === x)
}

/** Per-component ratios cand/ref of the components that differ (all equal for a pure scaling). */
function ratios(d: Divergent): number[] {
  const a = nums(d.ref)
  const b = nums(d.cand)
  const out: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i] !== 0) out.push(b[i] / a[i])
  return out
}

function setupNum(ctx: EvidenceContext, side: 'ref' | 'cand', name: string): number | undefined {
  const v = ctx.setup[side].get(name)
  return v === undefined ? undefined : scalarOf(v)
}

function pixelSize(ctx: EvidenceContext): {value: number; from: string} | undefined {
  for (const side of ['ref', 'cand'] as const) {
    const p = setupNum(ctx, side, 'pixel_size')
    if (p) return {value: p, from: `${side === 'ref' ? 'reference' : 'candidate'} pixel_size`}
  }
  for (const side of ['ref', 'cand'] as const) {
    const c = ctx.headers[side].config as Record<string, unknown> | null
    const p = c && typeof c.pixel_size_m === 'number' ? c.pixel_size_m : undefined
    if (p) return {value: p, from: 'configuration pixel_size_m'}
  }
  // legacy: infer from pix0 and the pixel position of the traced pixel (oversample 1, one layer)
  for (const side of ['ref', 'cand'] as const) {
    const px = ctx.headers[side].pixel
    const pix0 = ctx.setup[side].get('pix0_vector')
    const f = ctx.setup[side].get('fdet_vector')
    const pos = ctx.series[side].get('pixel_pos')?.[0]?.value
    if (!px || !pix0 || !f || !pos) continue
    const p0 = nums(pix0)
    const fv = nums(f)
    const pp = nums(pos)
    const along = (pp[0] - p0[0]) * fv[0] + (pp[1] - p0[1]) * fv[1] + (pp[2] - p0[2]) * fv[2]
    const ps = along / (px.fast + 0.5)
    if (Number.isFinite(ps) && ps > 0) return {value: Number(ps.toPrecision(9)), from: `inferred from the ${side === 'ref' ? 'reference' : 'candidate'} pix0_vector and pixel_pos of pixel (slow ${px.slow}, fast ${px.fast})`}
  }
  return undefined
}

function seriesMap(list: SeriesRec[] | undefined): Map<string, SeriesRec> {
  const m = new Map<string, SeriesRec>()
  for (const r of list ?? []) {
    const k = loopText(r.loop)
    if (!m.has(k)) m.set(k, r)
  }
  return m
}

/** State carried over from a neighbouring iteration: a value equal to another iteration's value. */
function carryOver(ctx: EvidenceContext, display: string, baseName: string, at: Loop | null, label: string): string | undefined {
  const looped = (l: SeriesRec[] | undefined) => l?.filter((r) => r.loop && Object.keys(r.loop).length > 0)
  const R = looped(ctx.series.ref.get(display))
  const C = looped(ctx.series.cand.get(display))
  if (!R || R.length < 2 || at === null || Object.keys(at).length === 0) return undefined
  const t = ctx.tolerances.get(baseName)!
  const def = ctx.res.vars.get(display)?.def
  if (!def) return undefined
  const same = (a: unknown, b: unknown): boolean => compareValues(def, a, b, t, {strictZero: false}).agree
  const exact = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
  const key = loopText(at)
  const rm = seriesMap(R)
  const cm = seriesMap(C)
  const r0 = rm.get(key)
  const c0 = cm.get(key)
  if (!r0) return undefined
  // neighbours first: the records just before this one in the reference's order
  const order = [...R].filter((r) => loopText(r.loop) !== key).sort((a, b) => Math.abs(a.index - r0.index) - Math.abs(b.index - r0.index))
  const distinct = new Set(R.map((r) => JSON.stringify(r.value))).size
  if (distinct < 2) return undefined
  for (const r of order) {
    const k = loopText(r.loop)
    const c = cm.get(k)
    // iterations that differ only in the source index are a shifted source list, not carried state
    const axes = Object.keys({...at, ...r.loop}).filter((a) => (at as Record<string, number>)[a] !== (r.loop as Record<string, number>)[a])
    if (axes.length === 1 && axes[0] === 'source') continue
    if (c0 && same(c0.value, r.value) && !same(r0.value, r.value)) {
      return `candidate ${label} at ${showLoop(at)} = ${fmt(c0.value)} equals the reference's value at ${showLoop(r.loop)}: state carried over from another iteration`
    }
    if (exact(r0.value, r.value) && (!c0 || !c || !same(c0.value, c.value))) {
      return `reference ${label} at ${showLoop(at)} = ${fmt(r0.value)} equals its own value at ${showLoop(r.loop)} exactly${c0 ? ` while the candidate's differ (${fmt(c0.value)})` : ''}: stale state carried over from another iteration`
    }
    // the candidate's repeated value is stale state only if the reference computes it somewhere (a
    // candidate holding 1 everywhere has dropped a factor: high-angle-obliquity)
    if (c0 && c && exact(c0.value, c.value) && !same(r0.value, r.value) && R.some((x) => same(x.value, c0.value))) {
      return `candidate ${label} at ${showLoop(at)} = ${fmt(c0.value)} equals its own value at ${showLoop(r.loop)} exactly while the reference's differ: stale state carried over`
    }
  }
  return undefined
}

export function classify(root: RootCause, ctx: EvidenceContext): Verdict {
  const s = root.stat
  const def = s.def
  const name = def.name
  const d = root.detail ?? s.details[0]
  const ev: string[] = []
  const done = (cls: DivergenceClass, label?: string): Verdict => ({class: cls, evidence: ev, label})
  if (!d) return {class: 'configuration', evidence: ['no divergent values kept']}
  const rootDetails = s.details.filter((x) => root.iterations > 1 || x.refIndex === root.refIndex)
  const ratio = d.diff.ratio
  const rel = d.diff.relDiff ?? Number.NaN
  const inputs = def.inputs
  const loopScoped = def.loop.length > 0

  if (rel === rel && Number.isFinite(ratio ?? NaN)) ev.push(`${s.name}: reference ${fmt(d.ref)}, candidate ${fmt(d.cand)} (ratio ${fmt(ratio)}, relative difference ${fmt(rel)})`)
  else ev.push(`${s.name}: reference ${fmt(d.ref)}, candidate ${fmt(d.cand)}`)
  const traced = ctx.inputsOf(name)
  if (root.amplified) ev.push(root.amplified)
  else if (traced.length) ev.push(`its inputs traced on both sides agree at these coordinates (${traced.join(', ')})`)
  else if (inputs.length) ev.push(`none of its inputs (${inputs.join(', ')}) is traced on both sides`)

  // --- state carried over from a neighbouring iteration
  if (loopScoped && def.stage !== 'normalization' && def.stage !== 'sources') {
    const at = d.loop && Object.keys(d.loop).length ? d.loop : d.candLoop
    let hit = carryOver(ctx, s.name, name, at, s.name)
    if (!hit) {
      // the stale value may only show in a downstream per-iteration series (legacy per-phi lines)
      for (const [disp, list] of ctx.series.ref) {
        const v = ctx.res.vars.get(disp)
        if (!v || disp === s.name || !rootDownstream(root, v.def.name)) continue
        const first = list.find((r) => r.loop && Object.keys(r.loop).length)
        // the iterated axis of the downstream series must be one the root itself iterates over
        if (!first || !Object.keys(first.loop!).every((a) => def.loop.includes(a as never))) continue
        const dd = v.details[0]
        const loopAt = dd?.loop && Object.keys(dd.loop).length ? dd.loop : first?.loop ?? null
        hit = carryOver(ctx, disp, v.def.name, loopAt, disp)
        if (hit) break
      }
    }
    if (hit) {
      ev.push(hit)
      if (rootDetails.length > 1) {
        const others = s.details.filter((x) => x !== d).map((x) => x.diff.relDiff ?? 0)
        if (others.length) ev.push(`other divergent iterations differ by at most ${fmt(Math.max(...others))} relative (vs ${fmt(rel)} here)`)
      }
      return done('state-carry-over', 'state carried over')
    }
  }

  // --- precision: one side's values are float32 numbers and the differences are within the float32 band
  {
    const ds = rootDetails.length ? rootDetails : [d]
    const f32r = ds.every((x) => isF32(x.ref))
    const f32c = ds.every((x) => isF32(x.cand))
    const maxRel = Math.max(...ds.map((x) => x.diff.relDiff ?? Number.POSITIVE_INFINITY))
    if (maxRel <= 1e-4 && f32r !== f32c) {
      const a = scalarOf(d.ref)
      const b = scalarOf(d.cand)
      const u = a !== undefined && b !== undefined ? Math.abs(a - b) / f32Ulp(a) : undefined
      ev.push(`the ${f32c ? 'candidate' : 'reference'}'s values are exact float32 numbers, the other side's are not`)
      ev.push(`largest relative difference ${fmt(maxRel)}${u !== undefined ? ` (${fmt(u)} float32 ulps here)` : ''}: within the float32 band`)
      return done('precision', 'float32 rounding')
    }
    if (maxRel <= 2 ** -23 && def.stage !== 'rng') {
      ev.push(`largest relative difference ${fmt(maxRel)} ≤ one float32 ulp (2⁻²³)`)
      return done('precision')
    }
  }

  // --- per-source quantities: source count, wavelengths, weights, directions
  if (def.stage === 'sources' || name === 'lambda0') {
    ev.push(...sourceEvidence(ctx, root, d))
    return done('source-weighting')
  }

  // --- normalization constants themselves
  if (name === 'fluence' || name === 'r_e_sqr' || name === 'steps') {
    if (name === 'steps') stepsEvidence(ctx, ev)
    if (name === 'r_e_sqr') {
      const a = scalarOf(d.ref)
      const b = scalarOf(d.cand)
      if (a !== undefined && b !== undefined && near(b * b, a, 1e-6)) ev.push('candidate value squared equals the reference: r_e used unsquared')
    }
    if (name === 'fluence' && ratio !== null && (near(ratio, 1e-6) || near(ratio, 1e6))) ev.push(`ratio ${fmt(ratio)}: per mm² instead of per m² (or the reverse)`)
    ev.push(`${name} is a normalization constant of the pixel sum`)
    return done('normalization')
  }

  // --- units
  const rs = ratios(d)
  const unitRatio = ratio !== null && Number.isFinite(ratio) ? ratio : rs.length ? rs[0] : undefined
  if (unitRatio !== undefined) {
    for (const [f, why] of UNIT_RATIOS) {
      const all = rs.length ? rs.every((r) => near(r, f)) : near(unitRatio, f)
      if (all && near(unitRatio, f)) {
        ev.push(`ratio candidate/reference = ${fmt(unitRatio)} within 1e-9 of ${why}: a unit conversion`)
        return done('units', `×${fmt(f)}`)
      }
    }
  }

  // --- per-source weighting shows in per-source terms before any loop-count coincidence
  if (def.loop.includes('source')) {
    const sev = sourceEvidence(ctx, root, d)
    if (sev.length) {
      ev.push(...sev)
      return done('source-weighting')
    }
  }

  // --- normalization by a loop count (only where a count can enter: scale factors, sums, set-up)
  if (ratio !== null && Number.isFinite(ratio) && ratio > 0 && ['normalization', 'accumulation', 'output', 'setup'].includes(def.stage)) {
    const hit = countFactor(ctx, ratio)
    if (hit) {
      ev.push(`ratio ${fmt(ratio)} equals ${hit}`)
      return done('normalization', hit)
    }
  }

  // --- geometry: exact half-pixel offsets, transposed pixel
  if (def.stage === 'geometry' || name === 'pixel_size' || name === 'subpixel_size') {
    if (name === 'Fdet' || name === 'Sdet') {
      const tr = swappedSubpixel(ctx, d)
      if (tr) {
        ev.push(tr)
        return done('pixel', 'transposed pixel')
      }
    }
    if (name === 'pixel_pos') {
      const tr = transposedPixel(ctx, d)
      if (tr) {
        ev.push(tr)
        return done('pixel', 'transposed pixel')
      }
    }
    if (def.unit === 'm') {
      const ps = pixelSize(ctx)
      if (ps) {
        const a = nums(d.ref)
        const b = nums(d.cand)
        const diffs = a.map((x, i) => b[i] - x)
        const half = diffs.map((x, i) => ({i, x})).filter(({x}) => x !== 0 && near(Math.abs(x), ps.value / 2, 1e-6))
        if (half.length) {
          const comps = a.length > 1 ? ` in component${half.length > 1 ? 's' : ''} ${half.map(({i}) => 'xyz'[i]).join(', ')}` : ''
          ev.push(`exact half-pixel offset${comps}: Δ = ${fmt(half[0].x)} m = ${half[0].x > 0 ? '+' : '-'}0.5 × pixel size ${fmt(ps.value)} m (${ps.from})`)
          return done('geometry', 'exact half-pixel offset')
        }
      }
    }
  }

  // --- source weighting
  {
    const sev = sourceEvidence(ctx, root, d)
    if (sev.length) {
      ev.push(...sev)
      return done('source-weighting')
    }
  }

  // --- rng
  if (def.stage === 'rng' || name === 'misset_angles') {
    const a = setupNum(ctx, 'ref', 'mosaic_seed')
    const b = setupNum(ctx, 'cand', 'mosaic_seed')
    if (a !== undefined && b !== undefined && a !== b) ev.push(`mosaic seeds differ: reference ${a}, candidate ${b}`)
    ev.push(name === 'mosaic_seed' ? 'the RNG seed diverges first' : `a random draw or mosaic matrix (${name}) diverges first${d.loop && d.loop.mosaic !== undefined ? ` at mosaic domain ${d.loop.mosaic}` : ''}`)
    return done('rng')
  }

  // --- lattice / orientation / structure factor / polarization
  if (name.startsWith('F_latt')) {
    if (agreesAt(ctx, 'hkl_frac', d)) ev.push('the lattice factor diverges while hkl_frac agrees at the same coordinates')
    return done('lattice')
  }
  if (name === 'F_cell' || name === 'F_cell_mode' || def.stage === 'structure-factor') {
    if (agreesAt(ctx, 'F_latt', d)) ev.push('F_cell diverges alone: F_latt agrees at the same coordinates')
    return done('structure-factor')
  }
  if (def.stage === 'lattice' || def.stage === 'orientation' || ['phisteps', 'phi0', 'phistep'].includes(name)) {
    ev.push(`crystal orientation/lattice quantity ${name} diverges with its inputs agreeing`)
    return done('lattice')
  }
  if (def.stage === 'polarization' || name === 'polar_applied') {
    return done('polarization')
  }
  if (def.stage === 'geometry' || ['fpixels', 'spixels', 'pixel_size', 'subpixel_size', 'detector_thick', 'detector_thickstep'].includes(name)) {
    return done('geometry')
  }
  if (def.stage === 'output') {
    ev.push('float image value: rounding to float32')
    return done('precision')
  }
  if (['mosaic_domains', 'mosaic_spread'].includes(name)) return done('rng')
  if (name === 'lambda0') return done('source-weighting')
  return done('normalization')
}

function rootDownstream(root: RootCause, name: string): boolean {
  return loadCatalogue().downstream(root.stat.def.name).has(name)
}

function stepsEvidence(ctx: EvidenceContext, ev: string[]): void {
  const parts = (side: 'ref' | 'cand'): string => {
    const g = (n: string) => setupNum(ctx, side, n)
    const [src, mos, phi, os] = [g('n_sources'), g('mosaic_domains'), g('phisteps'), g('oversample')]
    return `${g('steps')} (sources ${src ?? '?'} × domains ${mos ?? '?'} × phi steps ${phi ?? '?'} × oversample² ${os !== undefined ? os * os : '?'})`
  }
  ev.push(`steps: reference ${parts('ref')}, candidate ${parts('cand')}`)
  const a = setupNum(ctx, 'ref', 'steps')
  const b = setupNum(ctx, 'cand', 'steps')
  const os = setupNum(ctx, 'ref', 'oversample')
  if (a && b && os && os > 1 && near(a / b, os * os)) ev.push(`the reference divides by oversample² = ${os * os} more: oversample² missing from steps`)
}

function countFactor(ctx: EvidenceContext, ratio: number): string | undefined {
  const facts: [string, number | undefined][] = []
  for (const side of ['ref', 'cand'] as const) {
    const g = (n: string) => setupNum(ctx, side, n)
    const os = g('oversample')
    facts.push(['steps', g('steps')], ['oversample²', os !== undefined ? os * os : undefined], ['oversample', os],
      ['the layer count (detector_thicksteps)', g('detector_thicksteps')], ['the source count', g('n_sources')],
      ['the phi step count', g('phisteps')], ['the mosaic domain count', g('mosaic_domains')])
  }
  for (const [label, f] of facts) {
    if (f === undefined || !(f > 1)) continue
    if (near(ratio, f, 1e-9)) return `${label} = ${f}`
    if (near(ratio, 1 / f, 1e-9)) return `1/${label} = 1/${f}`
  }
  return undefined
}

function sourceEvidence(ctx: EvidenceContext, root: RootCause, d: Divergent): string[] {
  const def = root.stat.def
  const ev: string[] = []
  const nr = setupNum(ctx, 'ref', 'n_sources')
  const nc = setupNum(ctx, 'cand', 'n_sources')
  const lam = (side: 'ref' | 'cand') => (ctx.series[side].get('source_lambda') ?? []).filter((r) => scalarOf(r.value) === 0).map((r) => r.loop?.source)
  const ghosts = (side: 'ref' | 'cand'): string | undefined => {
    const g = lam(side)
    return g.length ? `${side === 'ref' ? 'reference' : 'candidate'} source${g.length > 1 ? 's' : ''} ${g.join(', ')} ha${g.length > 1 ? 've' : 's'} wavelength 0 (a ghost source: a comment or short line read as a source?)` : undefined
  }
  const ghostNotes = [ghosts('ref'), ghosts('cand'), ...legacyGhostNotes(ctx)].filter((x): x is string => !!x)
  if (def.name === 'n_sources' || def.stage === 'sources' || def.name === 'lambda0') {
    if (nr !== undefined && nc !== undefined && nr !== nc) ev.push(`source count differs: reference ${nr}, candidate ${nc}`)
    if (def.name === 'source_lambda' || def.name === 'lambda') {
      const c0 = ctx.setup.cand.get('lambda0')
      const r0 = ctx.setup.ref.get('lambda0')
      if (c0 !== undefined && scalarOf(d.cand) === scalarOf(c0)) ev.push(`candidate uses the nominal wavelength lambda0 ${fmt(c0)} instead of the source's own ${fmt(d.ref)}`)
      else if (r0 !== undefined && scalarOf(d.ref) === scalarOf(r0)) ev.push(`reference uses the nominal wavelength lambda0 ${fmt(r0)} where the candidate uses ${fmt(d.cand)}`)
    }
    const shift = sourceShift(ctx, root.stat.name, d)
    if (shift) ev.push(shift)
    ev.push(...ghostNotes)
    ev.push(`${def.name} is a per-source quantity (${def.meaning})`)
    return ev
  }
  if (!def.loop.includes('source')) return ev
  const srcs = root.stat.details.map((x) => x.loop?.source).filter((x): x is number => x !== undefined)
  if (new Set(srcs).size >= 2 && srcs.every((x) => x > 0)) ev.push(`divergence only at source > 0 (sources ${[...new Set(srcs)].join(', ')}); source 0 agrees`)
  const weights = (ctx.series.ref.get('source_weight') ?? []).map((r) => ({s: r.loop?.source, w: scalarOf(r.value) ?? NaN}))
  const sumW = weights.reduce((a, b) => a + b.w, 0)
  const ratio = d.diff.ratio
  const s = d.loop?.source
  const w = weights.find((x) => x.s === s)?.w
  // a ratio of 1 says nothing about weights (equal weights make N·w/Σw = 1)
  if (ratio !== null && w !== undefined && Number.isFinite(ratio) && !near(ratio, 1, 1e-6)) {
    if (near(ratio, w, 1e-6) && w !== 1) ev.push(`ratio ${fmt(ratio)} equals the weight of source ${s} (${fmt(w)}): per-source weight applied`)
    else if (near(ratio, w / sumW, 1e-6)) ev.push(`ratio ${fmt(ratio)} equals the normalized weight of source ${s} (${fmt(w)}/${fmt(sumW)}): weights applied`)
    else if (near(ratio, (w * weights.length) / sumW, 1e-6)) ev.push(`ratio ${fmt(ratio)} equals N·w/Σw for source ${s}: weights applied`)
  }
  if (nr !== undefined && nc !== undefined && nr !== nc) ev.push(`source count differs: reference ${nr}, candidate ${nc}`)
  if (ev.length === 0 && (def.stage === 'accumulation') && srcs.length > 1) {
    const rs = root.stat.details.filter((x) => x.loop?.source !== undefined).map((x) => `${x.loop!.source}:${fmt(x.diff.ratio)}`)
    if (new Set(root.stat.details.map((x) => fmt(x.diff.ratio))).size > 1) ev.push(`the ratio depends on the source (source:ratio ${rs.slice(0, 4).join(', ')})`)
  }
  if (ev.length) ev.push(...ghostNotes)
  return ev
}

/** The candidate's source s equals the reference's source s+k: the source lists are shifted. */
function sourceShift(ctx: EvidenceContext, display: string, d: Divergent): string | undefined {
  const s = d.loop?.source ?? d.candLoop?.source
  if (s === undefined) return undefined
  const R = ctx.series.ref.get(display) ?? []
  const C = ctx.series.cand.get(display) ?? []
  const c = C.find((x) => x.loop?.source === s)
  if (!c) return undefined
  for (const r of R) {
    const rs = r.loop?.source
    if (rs === undefined || rs === s) continue
    if (JSON.stringify(r.value) === JSON.stringify(c.value)) {
      return `candidate source ${s} equals reference source ${rs} (${fmt(c.value)}): the reference's source list is shifted by ${rs - s} (extra sources before the real ones)`
    }
  }
  return undefined
}

function legacyGhostNotes(ctx: EvidenceContext): string[] {
  const out: string[] = []
  for (const side of ['ref', 'cand'] as const) {
    for (const n of ctx.headers[side].legacy?.notes ?? []) if (/wavelength 0/.test(n)) out.push(`${side === 'ref' ? 'reference' : 'candidate'} log: ${n}`)
  }
  return out
}

function agreesAt(ctx: EvidenceContext, input: string, d: Divergent): boolean {
  const s = ctx.res.vars.get(input)
  if (!s || s.inRef === 0 || s.inCand === 0) return false
  if (ctx.res.mode === 'occurrence' || !d.loop) return s.diverged === 0
  const k = loopKey(d.loop, s.def.loop)
  return !s.divKeys.has(k) && !s.unmatchedKeys.has(k)
}

/** Candidate Fdet/Sdet equal the reference's Sdet/Fdet at the same sub-pixel: slow and fast swapped. */
function swappedSubpixel(ctx: EvidenceContext, d: Divergent): string | undefined {
  if (!d.loop) return undefined
  const k = loopText(d.loop)
  const get = (side: 'ref' | 'cand', n: string) => scalarOf(ctx.series[side].get(n)?.find((r) => loopText(r.loop) === k)?.value)
  const [rf, rs, cf, cs] = [get('ref', 'Fdet'), get('ref', 'Sdet'), get('cand', 'Fdet'), get('cand', 'Sdet')]
  if ([rf, rs, cf, cs].some((x) => x === undefined) || rf === rs) return undefined
  if (!near(cf!, rs!, 1e-12) || !near(cs!, rf!, 1e-12)) return undefined
  const px = ctx.headers.ref.pixel
  return `candidate Fdet ${fmt(cf)} / Sdet ${fmt(cs)} equal the reference's Sdet / Fdet at ${showLoop(d.loop)}: slow and fast are swapped${px ? ` (the candidate traced pixel slow ${px.fast}, fast ${px.slow} instead of slow ${px.slow}, fast ${px.fast})` : ''}`
}

/** Candidate pixel_pos equals the reference's position of the transposed pixel (slow ↔ fast). */
function transposedPixel(ctx: EvidenceContext, d: Divergent): string | undefined {
  const pix0 = ctx.setup.ref.get('pix0_vector')
  const f = ctx.setup.ref.get('fdet_vector')
  const sd = ctx.setup.ref.get('sdet_vector')
  const od = ctx.setup.ref.get('odet_vector')
  if (!pix0 || !f || !sd) return undefined
  const p0 = nums(pix0)
  const F = nums(f)
  const S = nums(sd)
  const O = od ? nums(od) : [0, 0, 0]
  const r = nums(d.ref)
  const c = nums(d.cand)
  const rel = r.map((x, i) => x - p0[i])
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
  const fr = dot(rel, F)
  const sr = dot(rel, S)
  const or = dot(rel, O)
  const swapped = [0, 1, 2].map((i) => p0[i] + sr * F[i] + fr * S[i] + or * O[i])
  const norm = Math.sqrt(dot(swapped, swapped))
  const ok = c.every((x, i) => Math.abs(x - swapped[i]) <= 1e-9 * norm + 1e-15)
  if (!ok) return undefined
  const px = ctx.headers.ref.pixel
  return `candidate pixel_pos ${fmt(c)} equals the reference position with slow and fast swapped (fast offset ${fmt(fr)} m ↔ slow offset ${fmt(sr)} m)${px ? `: the candidate traced pixel (slow ${px.fast}, fast ${px.slow}) instead of (slow ${px.slow}, fast ${px.fast})` : ''}`
}
