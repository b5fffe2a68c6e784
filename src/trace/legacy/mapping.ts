// What each legacy producer's printed names mean in catalogue terms, with their TRUE units.
// A name maps to a catalogue variable (optionally one component of it) and a conversion into
// the catalogue unit. Names that repeat a value already mapped from another line are listed
// as redundant (recognized, not emitted twice); names with no catalogue meaning stay unmapped.

export type Producer = 'c' | 'py'

export interface NameMap {
  name: string
  /** multiply by this to reach the catalogue unit */
  scale?: number
  /** value transform applied before scale */
  transform?: 'square' | 'deg2rad' | 'round-int'
  /** which component of a vec3 this scalar is */
  component?: 'h' | 'k' | 'l' | 'x' | 'y' | 'z'
  /** why the unit conversion is what it is (shown in convert's notes) */
  why?: string
}

const ANGSTROM = 1e-10

/** Per-pixel block names (`TRACE_C: name v..`, `TRACE_PY: name v..`), shared grammar. */
const PIXEL_BLOCK: Record<string, NameMap> = {
  pix0_vector_meters: {name: 'pix0_vector'},
  fdet_vec: {name: 'fdet_vector'},
  sdet_vec: {name: 'sdet_vector'},
  pixel_pos_meters: {name: 'pixel_pos'},
  R_distance_meters: {name: 'airpath'},
  omega_pixel_sr: {name: 'omega_pixel'},
  close_distance_meters: {name: 'close_distance'},
  obliquity_factor: {name: 'obliquity'},
  diffracted_vec: {name: 'diffracted'},
  incident_vec: {name: 'incident'},
  lambda_meters: {name: 'lambda'},
  rot_a_angstroms: {name: 'rot_a', scale: ANGSTROM},
  rot_b_angstroms: {name: 'rot_b', scale: ANGSTROM},
  rot_c_angstroms: {name: 'rot_c', scale: ANGSTROM},
  rot_a_star_A_inv: {name: 'a_star', why: 'unrotated reciprocal vector despite the rot_ prefix'},
  rot_b_star_A_inv: {name: 'b_star', why: 'unrotated reciprocal vector despite the rot_ prefix'},
  rot_c_star_A_inv: {name: 'c_star', why: 'unrotated reciprocal vector despite the rot_ prefix'},
  hkl_frac: {name: 'hkl_frac'},
  hkl_rounded: {name: 'hkl_rounded', transform: 'round-int'},
  F_latt_a: {name: 'F_latt_a'},
  F_latt_b: {name: 'F_latt_b'},
  F_latt_c: {name: 'F_latt_c'},
  F_latt: {name: 'F_latt'},
  F_cell: {name: 'F_cell'},
  I_before_scaling: {name: 'I_before_scaling'},
  r_e_sqr: {name: 'r_e_sqr'},
  fluence_photons_per_m2: {name: 'fluence'},
  steps: {name: 'steps', transform: 'round-int'},
  capture_fraction: {name: 'capture_fraction_applied'},
  polar: {name: 'polar_applied'},
  omega_pixel: {name: 'omega_applied'},
  cos_2theta: {name: 'cos2theta'},
  I_pixel_final: {name: 'I_pixel_final'},
  floatimage_accumulated: {name: 'float_pixel'},
}

/** Names of the pixel block that duplicate another mapped line of the same block. */
const PIXEL_REDUNDANT = new Set(['lambda_angstroms', 'r_e_meters'])

export const PIXEL_MAP: Record<Producer, Record<string, NameMap>> = {
  c: {
    ...PIXEL_BLOCK,
    scattering_vec_A_inv: {name: 'scattering', why: 'the C log prints m⁻¹ despite the A_inv name'},
  },
  py: {
    ...PIXEL_BLOCK,
    // Despite the name, the port logs in ../shared print m⁻¹ like the C side (|S| ~ 1e8–1e10); a
    // port that really prints Å⁻¹ then shows up as a units divergence (ratio 1e-10), which is the finding.
    scattering_vec_A_inv: {name: 'scattering', why: 'printed in m⁻¹ despite the A_inv name (as in the C log)'},
  },
}

export function isRedundantPixelName(n: string): boolean {
  return PIXEL_REDUNDANT.has(n)
}

/** `TRACE_C:name=value` detector-setup lines. Keyed by pivot where the meaning depends on it. */
export const GEOMETRY_MAP: Record<string, NameMap | {beam: NameMap; sample: NameMap}> = {
  twotheta_axis: {name: 'twotheta_axis'},
  Fbeam_m: {name: 'pivot_F'},
  Sbeam_m: {name: 'pivot_S'},
  Fclose_m: {name: 'pivot_F'},
  Sclose_m: {name: 'pivot_S'},
  close_distance_m: {name: 'pivot_distance'},
  distance_m: {beam: {name: 'pivot_distance'}, sample: {name: 'distance'}},
}

/** Geometry lines that repeat values mapped elsewhere or are intermediate steps. */
export const GEOMETRY_REDUNDANT = new Set([
  'fdet_after_rotz', 'sdet_after_rotz', 'odet_after_rotz', 'fdet_after_twotheta', 'sdet_after_twotheta',
  'odet_after_twotheta', 'initial_fdet', 'initial_sdet', 'initial_odet', 'Rx', 'Ry', 'Rz', 'R_total',
  'term_fast', 'term_slow', 'term_beam', 'term_fast_before_rot', 'term_slow_before_rot', 'term_close_before_rot',
  'pix0_before_rotation', 'pix0_after_rotz', 'pix0_after_twotheta', 'pix0_vector', 'convention_mapping', 'ratio',
  'detector_convention', 'angles_rad', 'beam_center_m',
])

/** Per-phi lines `TRACE_C_PHI phi_tic=.. k=v ..` / `TRACE_PY_PHI ..`. */
export const PHI_MAP: Record<string, NameMap> = {
  phi_deg: {name: 'phi', transform: 'deg2rad'},
  k_frac: {name: 'hkl_frac', component: 'k'},
  h_frac: {name: 'hkl_frac', component: 'h'},
  l_frac: {name: 'hkl_frac', component: 'l'},
  F_latt_a: {name: 'F_latt_a'},
  F_latt_b: {name: 'F_latt_b'},
  F_latt_c: {name: 'F_latt_c'},
  F_latt: {name: 'F_latt'},
}

/** Per-source lines `TRACE_C_SOURCE2: name v` and `TRACE_PY_SOURCE i: name v`. */
export const SOURCE_MAP: Record<string, NameMap> = {
  F_cell: {name: 'F_cell'},
  F_latt: {name: 'F_latt'},
  I_contribution: {name: 'I_term'},
  polar: {name: 'polar'},
  cos2theta: {name: 'cos2theta'},
  lambda_angstroms: {name: 'lambda', scale: ANGSTROM},
  wavelength_angstroms: {name: 'source_lambda', scale: ANGSTROM},
  source_direction: {name: 'source_dir'},
  source_weight: {name: 'source_weight'},
}
export const SOURCE_REDUNDANT = new Set(['source_index', 'F_cell_squared', 'F_latt_squared'])

/** Free-form "name: value" report lines (a port's pretty-printed trace). */
export const FREEFORM_MAP: Record<string, NameMap> = {
  pix0_vector: {name: 'pix0_vector'},
  fdet_vec: {name: 'fdet_vector'},
  sdet_vec: {name: 'sdet_vector'},
  pixel_coords: {name: 'pixel_pos'},
  incident: {name: 'incident'},
  wavelength: {name: 'lambda', scale: ANGSTROM, why: 'printed in Å'},
  diffracted: {name: 'diffracted'},
  'S (1/Å)': {name: 'scattering', scale: 1e10, why: 'printed in Å⁻¹; catalogue unit is m⁻¹'},
  rot_a: {name: 'rot_a', scale: ANGSTROM},
  rot_b: {name: 'rot_b', scale: ANGSTROM},
  rot_c: {name: 'rot_c', scale: ANGSTROM},
  rot_a_star: {name: 'a_star'},
  rot_b_star: {name: 'b_star'},
  rot_c_star: {name: 'c_star'},
  h_float: {name: 'hkl_frac', component: 'h'},
  k_float: {name: 'hkl_frac', component: 'k'},
  l_float: {name: 'hkl_frac', component: 'l'},
  h_int: {name: 'hkl_rounded', component: 'h', transform: 'round-int'},
  k_int: {name: 'hkl_rounded', component: 'k', transform: 'round-int'},
  l_int: {name: 'hkl_rounded', component: 'l', transform: 'round-int'},
  F_cell: {name: 'F_cell'},
  r_e: {name: 'r_e_sqr', transform: 'square', why: 'r_e printed; squared to r_e²'},
  R: {name: 'airpath'},
  close_distance: {name: 'close_distance'},
  omega: {name: 'omega_pixel'},
  fluence: {name: 'fluence'},
  cos_2theta: {name: 'cos2theta'},
  polar: {name: 'polar_applied'},
  F_latt: {name: 'F_latt'},
  I_pixel_final: {name: 'I_pixel_final'},
}
