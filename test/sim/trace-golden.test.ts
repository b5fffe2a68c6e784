// The traced pixel of every golden case agrees with the reference's TRACE_C lines (trace_C.log)
// for the variables both contain, to ~1e-12 relative (the C log prints %.15g).
import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {traceInMemory} from '../../src/sim/run.js'
import type {ValueRecord} from '../../src/trace/records.js'
import {goldenCases} from './helpers.js'

interface Map1 {
  name: string
  scale?: number
  /** which per-pixel occurrence filter applies */
  kind: 'sub' | 'src' | 'term' | 'final' | 'setup'
}

// legacy TRACE_C per-pixel name -> catalogue name (and unit factor to the catalogue unit)
const MAP: Record<string, Map1> = {
  pix0_vector_meters: {name: 'pix0_vector', kind: 'setup'},
  fdet_vec: {name: 'fdet_vector', kind: 'setup'},
  sdet_vec: {name: 'sdet_vector', kind: 'setup'},
  close_distance_meters: {name: 'close_distance', kind: 'setup'},
  pixel_pos_meters: {name: 'pixel_pos', kind: 'sub'},
  R_distance_meters: {name: 'airpath', kind: 'sub'},
  omega_pixel_sr: {name: 'omega_pixel', kind: 'sub'},
  obliquity_factor: {name: 'obliquity', kind: 'sub'},
  diffracted_vec: {name: 'diffracted', kind: 'sub'},
  incident_vec: {name: 'incident', kind: 'src'},
  lambda_meters: {name: 'lambda', kind: 'src'},
  scattering_vec_A_inv: {name: 'scattering', kind: 'src'},
  rot_a_angstroms: {name: 'rot_a', scale: 1e-10, kind: 'term'},
  rot_b_angstroms: {name: 'rot_b', scale: 1e-10, kind: 'term'},
  rot_c_angstroms: {name: 'rot_c', scale: 1e-10, kind: 'term'},
  rot_a_star_A_inv: {name: 'a_star', kind: 'setup'},
  rot_b_star_A_inv: {name: 'b_star', kind: 'setup'},
  rot_c_star_A_inv: {name: 'c_star', kind: 'setup'},
  hkl_frac: {name: 'hkl_frac', kind: 'term'},
  hkl_rounded: {name: 'hkl_rounded', kind: 'term'},
  F_latt_a: {name: 'F_latt_a', kind: 'term'},
  F_latt_b: {name: 'F_latt_b', kind: 'term'},
  F_latt_c: {name: 'F_latt_c', kind: 'term'},
  F_latt: {name: 'F_latt', kind: 'term'},
  F_cell: {name: 'F_cell', kind: 'term'},
  I_before_scaling: {name: 'I_before_scaling', kind: 'final'},
  r_e_sqr: {name: 'r_e_sqr', kind: 'setup'},
  fluence_photons_per_m2: {name: 'fluence', kind: 'setup'},
  steps: {name: 'steps', kind: 'setup'},
  capture_fraction: {name: 'capture_fraction_applied', kind: 'final'},
  polar: {name: 'polar_applied', kind: 'final'},
  omega_pixel: {name: 'omega_applied', kind: 'final'},
  I_pixel_final: {name: 'I_pixel_final', kind: 'final'},
  floatimage_accumulated: {name: 'float_pixel', kind: 'final'},
}

/** name -> list of value arrays, in order of appearance */
function parseTraceC(text: string): Map<string, number[][]> {
  const out = new Map<string, number[][]>()
  for (const line of text.split('\n')) {
    const m = /^TRACE_C: (\S+) (.*)$/.exec(line)
    if (!m) continue
    const vals = m[2].trim().split(/\s+/).map(Number)
    if (!out.has(m[1])) out.set(m[1], [])
    out.get(m[1])!.push(vals)
  }
  return out
}

function selectOurs(values: ValueRecord[], spec: Map1): ValueRecord[] {
  return values.filter((v) => {
    if (v.name !== spec.name) return false
    const l = v.loop ?? {}
    if (spec.kind === 'src' && l.source !== 0) return false
    if (spec.kind === 'term' && (l.source !== 0 || l.phi !== 0 || l.mosaic !== 0)) return false
    return true
  })
}

function close(a: number[], b: number[], rtol: number): boolean {
  const norm = Math.max(...a.map(Math.abs), ...b.map(Math.abs))
  return a.every((x, i) => Math.abs(x - b[i]) <= rtol * norm || (Number.isNaN(x) && Number.isNaN(b[i])))
}

describe('sim: traced pixel vs reference TRACE_C logs', () => {
  for (const c of goldenCases()) {
    it(c.name, () => {
      const t = traceInMemory({args: c.args, cwd: c.dir, pixel: c.tracePixel})
      const ref = parseTraceC(readFileSync(join(c.dir, 'trace_C.log'), 'utf8'))
      const flags = t.model.kernel
      let compared = 0
      for (const [cname, occurrences] of ref) {
        const spec = MAP[cname]
        if (!spec) continue
        if (cname === 'capture_fraction' && flags.osThick) continue
        if (cname === 'polar' && flags.osPolar) continue
        if (cname === 'omega_pixel' && flags.osOmega) continue
        const ours = spec.kind === 'setup' ? t.values.filter((v) => v.name === spec.name) : selectOurs(t.values, spec)
        const n = spec.kind === 'setup' ? occurrences.length : occurrences.length
        if (spec.kind !== 'setup') assert.equal(ours.length, n, `${cname}: ${n} reference occurrences, ${ours.length} traced`)
        for (let i = 0; i < n; i++) {
          const o = spec.kind === 'setup' ? ours[0] : ours[i]
          const ov = Array.isArray(o.value) ? (o.value as number[]) : [o.value as number]
          const rv = occurrences[i].map((x) => x * (spec.scale ?? 1))
          assert.ok(close(ov, rv, 1e-12), `${cname} #${i}: traced ${JSON.stringify(ov)} vs reference ${JSON.stringify(rv)}`)
          compared++
        }
      }
      assert.ok(compared > 20, `only ${compared} values compared`)
      // the traced pixel equals the reference image's pixel bit for bit
      const img = readFileSync(join(c.dir, 'float.bin'))
      const idx = c.tracePixel.slow * t.model.kernel.fpixels + c.tracePixel.fast
      const last = t.values[t.values.length - 1]
      assert.equal(last.name, 'float_pixel')
      assert.ok(Object.is(last.value, img.readFloatLE(idx * 4)), `float_pixel ${last.value} vs image ${img.readFloatLE(idx * 4)}`)
    })
  }
})
