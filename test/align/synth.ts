// Test helpers: LoadedTrace wrappers, temp dirs, a small synthetic trace generator with a crude
// dataflow cascade (perturb one variable and everything the catalogue says depends on it).
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import type {LoadedTrace} from '../../src/trace/reader.js'
import type {HeaderRecord, Loop, TraceValue, ValueRecord} from '../../src/trace/records.js'

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nbtrace-align-'))
}

export function asLoaded(t: {header: HeaderRecord; values: ValueRecord[]}, file = 'trace'): LoadedTrace {
  return {file, header: t.header, values: t.values, lines: t.values.map((_, i) => i + 2), footer: {type: 'footer', count: t.values.length, status: 'complete'}}
}

export function header(over: Partial<HeaderRecord> = {}): HeaderRecord {
  return {
    type: 'header',
    schema: 'nbtrace-trace',
    version: 1,
    format: 'nbtrace',
    producer: {name: 'synth', version: '1', precision: 'float64'},
    pixel: {slow: 3, fast: 5},
    args: [],
    config: {oversample: 2},
    configHash: null,
    inputs: [],
    created: '2026-01-01T00:00:00Z',
    catalogue: 1,
    ...over,
  }
}

/** A deterministic pseudo value for (name, loop). */
function val(name: string, loop: Loop, shape: string, i: number): TraceValue {
  const h = [...name].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 9973, 7) + i * 0.37 + Object.values(loop).reduce((a, b) => a * 7 + b + 1, 1) * 0.011
  const x = 1 + (h % 97) / 10
  switch (shape) {
    case 'int':
      return 1 + (Math.floor(h) % 5)
    case 'ivec3':
      return [1, 2, 3]
    case 'vec3':
      return [x, x / 3, -x / 7]
    case 'mat3':
      return [1, 0, 0, 0, 1, 0, 0, 0, 1]
    case 'enum':
      return 'x'
    default:
      return x
  }
}

export interface SynthShape {
  thick: number
  subS: number
  subF: number
  source: number
  phi: number
  mosaic: number
}

/** A trace with every catalogue variable at every coordinate of its scope, in nested-loop order. */
export function synthTrace(shape: SynthShape = {thick: 1, subS: 2, subF: 2, source: 2, phi: 2, mosaic: 2}): ValueRecord[] {
  const cat = loadCatalogue()
  const out: ValueRecord[] = []
  const emit = (name: string, loop: Loop): void => {
    const def = cat.byName.get(name)!
    let v = val(name, loop, def.shape, out.length)
    if (def.shape === 'enum') v = def.enum![0]
    out.push({type: 'value', seq: out.length, name, loop, value: v})
  }
  const scoped = (l: number) => cat.variables.filter((v) => v.loop.length === l)
  for (const v of scoped(0))
    if (!['I_before_scaling', 'capture_fraction_applied', 'polar_applied', 'omega_applied', 'I_pixel_final', 'float_pixel'].includes(v.name)) emit(v.name, {})
  for (let m = 0; m < shape.mosaic; m++) for (const n of ['mosaic_rng_draws', 'mosaic_angle', 'mosaic_umat']) emit(n, {mosaic: m})
  for (let s = 0; s < shape.source; s++) for (const n of ['source_dir', 'source_lambda', 'source_weight']) emit(n, {source: s})
  for (let t = 0; t < shape.thick; t++) {
    emit('Odet', {thick: t})
    for (let a = 0; a < shape.subS; a++)
      for (let b = 0; b < shape.subF; b++) {
        const L3 = {thick: t, subS: a, subF: b}
        for (const n of ['Fdet', 'Sdet', 'pixel_pos', 'airpath', 'diffracted', 'obliquity', 'omega_pixel', 'parallax', 'capture_fraction']) emit(n, L3)
        for (let s = 0; s < shape.source; s++) {
          const L4 = {...L3, source: s}
          for (const n of ['incident', 'lambda', 'scattering', 'stol', 'cos2theta', 'polar']) emit(n, L4)
          for (let p = 0; p < shape.phi; p++) {
            const L5 = {...L4, phi: p}
            for (const n of ['phi', 'ap', 'bp', 'cp']) emit(n, L5)
            for (let m = 0; m < shape.mosaic; m++) {
              const L6 = {...L5, mosaic: m}
              for (const n of [
                'rot_a',
                'rot_b',
                'rot_c',
                'hkl_frac',
                'hkl_rounded',
                'F_latt_a',
                'F_latt_b',
                'F_latt_c',
                'F_latt',
                'F_cell_mode',
                'F_cell',
                'I_term',
                'I_sum',
              ])
                emit(n, L6)
            }
          }
        }
      }
  }
  for (const n of ['I_before_scaling', 'capture_fraction_applied', 'polar_applied', 'omega_applied', 'I_pixel_final', 'float_pixel']) emit(n, {})
  return out
}

function scale(v: TraceValue, f: number): TraceValue {
  if (typeof v === 'number') return v * f
  if (Array.isArray(v)) return v.map((x) => x * f)
  return v
}

/**
 * Perturbs `name` (where `where` matches) by factor f and, crudely, every downstream variable at
 * coordinates consistent with it (by 1.01) — the cascade a real bug would cause. Integers and
 * enums are left as they are (a 0.1% change rarely moves a count), and so is what depends on the
 * perturbed variable only through them (subpixel_size through an auto-selected oversample).
 */
export function perturb(values: ValueRecord[], name: string, f: number, where: (l: Loop) => boolean = () => true): ValueRecord[] {
  const cat = loadCatalogue()
  const discrete = (n: string) => ['int', 'ivec3', 'enum'].includes(cat.byName.get(n)!.shape)
  const down = new Set<string>()
  for (let grew = true; grew;) {
    grew = false
    for (const v of cat.variables)
      if (!down.has(v.name) && v.name !== name && v.inputs.some((i) => i === name || (down.has(i) && !discrete(i)))) {
        down.add(v.name)
        grew = true
      }
  }
  const hit: Loop[] = []
  return values.map((r) => {
    const loop = r.loop ?? {}
    if (r.name === name && where(loop)) {
      hit.push(loop)
      return {...r, value: scale(r.value, f)}
    }
    if (
      down.has(r.name) &&
      hit.some((h) => Object.entries(h).every(([k, v]) => (loop as Record<string, number>)[k] === undefined || (loop as Record<string, number>)[k] === v))
    ) {
      const def = cat.byName.get(r.name)!
      if (def.shape === 'int' || def.shape === 'ivec3' || def.shape === 'enum') return r
      return {...r, value: scale(r.value, 1.01)}
    }
    return r
  })
}

/** Deterministic shuffle (seeded LCG), seq renumbered in the new order. */
export function shuffled(values: ValueRecord[], seed = 42): ValueRecord[] {
  const a = values.slice()
  let s = seed
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a.map((r, i) => ({...r, seq: i}))
}

/** The same records variable by variable (first-appearance order of names), as a vectorized port emits them; seq renumbered. */
export function byVariable(values: ValueRecord[]): ValueRecord[] {
  const groups = new Map<string, ValueRecord[]>()
  for (const r of values) {
    const g = groups.get(r.name)
    if (g) g.push(r)
    else groups.set(r.name, [r])
  }
  return [...groups.values()].flat().map((r, i) => ({...r, seq: i}))
}
