// Instruments upstream nanoBragg.c (github bl831/nanoBragg, one file, one main) with nbtrace.h,
// exactly as docs/instrumenting-nanobragg.md tells a user to: the guide's "Edits" section is
// generated from EDITS below (`--doc`), and a test checks the two are the same text.
//
// Text in, text out: upstream code is never committed, only these anchored insertions. Each
// anchor is a few lines of upstream source matched with any whitespace between tokens; an anchor
// that is missing or found twice stops the run with its name, so an upstream that moved fails
// loudly instead of being instrumented in the wrong place.
//
//   node --import tsx scripts/upstream/instrument.ts [IN.c [OUT.c]]   (stdin/stdout by default)
//   node --import tsx scripts/upstream/instrument.ts --doc             rewrite the guide's section
//   node --import tsx scripts/upstream/instrument.ts --check-doc       exit 1 if the guide is stale
//
// Build the result beside instrumented-c/include/nbtrace.h:
//   gcc -O2 -fno-fast-math -ffp-contract=off -DNBTRACE_ENABLE [-fopenmp] -I instrumented-c/include \
//       -o nanoBragg nanoBragg-nbtrace.c -lm
// and run it with the trace flags first, the nanoBragg arguments last (COMMAND_TEMPLATE). The
// emitter takes its flags out of argv before nanoBragg parses, so the order cannot change what
// nanoBragg reads; one order is still used everywhere so that examples read the same.
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** folder holding nbtrace.h (pass it as -I) */
export const INCLUDE_DIR = join(ROOT, 'instrumented-c', 'include')
export const GUIDE = join(ROOT, 'docs', 'instrumenting-nanobragg.md')

/** compiler flags of the instrumented build (add OPENMP_FLAG for upstream's own parallel build) */
export const BUILD_FLAGS = ['-O2', '-fno-fast-math', '-ffp-contract=off', '-DNBTRACE_ENABLE']
export const OPENMP_FLAG = '-fopenmp'
/** the trace flags, before the nanoBragg arguments */
export const TRACE_FLAGS = ['-trace_pixel', '{slow}', '{fast}', '-trace_out', '{out}']
/** `nbtrace trace --ref-cmd/--cand-cmd` template of an instrumented build; {exe} is the binary */
export const COMMAND_TEMPLATE = `{exe} ${TRACE_FLAGS.join(' ')} {args}`

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`)
/** COMMAND_TEMPLATE for one executable (shell-quoted) */
export function commandTemplate(exe: string): string {
  return COMMAND_TEMPLATE.replace('{exe}', shellQuote(exe))
}

export interface Edit {
  id: string
  title: string
  /** why, for the guide */
  why: string
  /** upstream lines that locate the edit (matched token by token, any whitespace between) */
  anchor: string[]
  /** insert before or after anchor line `line` (0-based within the anchor) */
  at: 'before' | 'after'
  line: number
  /** inserted lines, indented relative to the anchor line */
  code: string
}

export const EDITS: Edit[] = [
  {
    id: 'include',
    title: 'The emitter',
    why: "nanoBragg is one translation unit, so it also holds the emitter's implementation. Without `-DNBTRACE_ENABLE` every `NBT_*` macro is empty and the program is the one you had.",
    anchor: ['#include <float.h>'],
    at: 'after',
    line: 0,
    code: `#ifdef NBTRACE_ENABLE
#define NBTRACE_IMPLEMENTATION   /* nbtrace: this file is the program's only translation unit */
#endif
#include "nbtrace.h"`,
  },
  {
    id: 'args',
    title: 'Trace flags out of the command line',
    why: "nanoBragg lets an option read the arguments after it unchecked: `-misset_seed S` followed by three more arguments also takes them as misset angles, so trace flags after the nanoBragg arguments would change the run. `nbt_take_args` removes `-trace_pixel S F` and `-trace_out FILE` from argv, wherever they are, before nanoBragg's first look at it, and opens the trace.",
    anchor: ['/* check argument list */', 'for(i=1; i<argc; ++i)'],
    at: 'before',
    line: 0,
    code: `#ifdef NBTRACE_ENABLE
/* nbtrace: -trace_pixel S F -trace_out FILE leave argv here; nanoBragg parses the rest */
if (nbt_take_args(&argc, argv) < 0) exit(2);
#endif`,
  },
  {
    id: 'config',
    title: 'Header: the configuration nanoBragg can state',
    why: 'Right after the option loop, before any default is filled in. A key is recorded only where nanoBragg itself tells "given" from "default": booleans, the files given, `-cell`/`-misset`/`-interpolate`, and the options whose unset value is a sentinel (-1 or NaN). Everything else (distance, -N, lambda, ...) is left out, which means "not recorded": `nbtrace compare` checks a key only where both sides state it. The input files are hashed so that a different `.hkl` is caught before any number.',
    anchor: ['/* fill in blanks */'],
    at: 'before',
    line: 0,
    code: `#ifdef NBTRACE_ENABLE
if (nbt_armed) {   /* nbtrace: header (schemas/config.schema.json: any subset of its keys) */
    nbt_set_producer("nanoBragg", "upstream", NULL, "{\\"cc\\":\\"gcc\\",\\"opt\\":\\"-O2\\",\\"fp_contract\\":\\"off\\",\\"fast_math\\":false}");
    nbt_cfg_str("convention", beam_convention == MOSFLM ? "MOSFLM" : beam_convention == XDS ? "XDS" : beam_convention == ADXV ? "ADXV"
                            : beam_convention == DENZO ? "DENZO" : beam_convention == DIALS ? "DIALS" : "CUSTOM");
    nbt_cfg_bool("curved_detector", curved_detector);
    nbt_cfg_bool("point_pixel", point_pixel);
    nbt_cfg_bool("round_div", round_div);
    nbt_cfg_bool("nopolar", nopolar);
    nbt_cfg_bool("oversample_thick", oversample_thick);
    nbt_cfg_bool("oversample_polar", oversample_polar);
    nbt_cfg_bool("oversample_omega", oversample_omega);
    nbt_cfg_bool("noise", calculate_noise);
    nbt_cfg_bool("source_file", sourcefilename != NULL);
    nbt_cfg_bool("matrix_file", matfilename != NULL);
    nbt_cfg_bool("mask", maskfilename != NULL);
    if (user_cell) { double cell[6]; cell[0] = a[0]; cell[1] = b[0]; cell[2] = c[0]; cell[3] = alpha; cell[4] = beta; cell[5] = gamma; nbt_cfg_nums("cell", 6, cell); }
    else nbt_cfg_null("cell");
    if (misset[0] == -1) nbt_cfg_str("misset", "random");
    else if (misset[0] == 1) nbt_cfg_nums("misset", 3, misset + 1);
    else nbt_cfg_null("misset");
    if (interpolate == 2) nbt_cfg_null("interpolate"); else nbt_cfg_bool("interpolate", interpolate == 1);
    /* unset = -1 */
    if (oversample == -1) nbt_cfg_null("oversample"); else nbt_cfg_int("oversample", oversample);
    if (phisteps == -1) nbt_cfg_null("phisteps"); else nbt_cfg_int("phisteps", phisteps);
    if (phistep == -1.0) nbt_cfg_null("phistep_rad"); else nbt_cfg_num("phistep_rad", phistep);
    if (osc == -1.0) nbt_cfg_null("osc_rad"); else nbt_cfg_num("osc_rad", osc);
    if (mosaic_domains == -1) nbt_cfg_null("mosaic_domains"); else nbt_cfg_int("mosaic_domains", mosaic_domains);
    if (mosaic_spread == -1.0) nbt_cfg_null("mosaic_spread_rad"); else nbt_cfg_num("mosaic_spread_rad", mosaic_spread);
    if (dispsteps == -1) nbt_cfg_null("dispsteps"); else nbt_cfg_int("dispsteps", dispsteps);
    if (hdivsteps == -1) nbt_cfg_null("hdivsteps"); else nbt_cfg_int("hdivsteps", hdivsteps);
    if (vdivsteps == -1) nbt_cfg_null("vdivsteps"); else nbt_cfg_int("vdivsteps", vdivsteps);
    if (hdivrange == -1.0) nbt_cfg_null("hdivrange_rad"); else nbt_cfg_num("hdivrange_rad", hdivrange);
    if (vdivrange == -1.0) nbt_cfg_null("vdivrange_rad"); else nbt_cfg_num("vdivrange_rad", vdivrange);
    if (hdivstep == -1.0) nbt_cfg_null("hdivstep_rad"); else nbt_cfg_num("hdivstep_rad", hdivstep);
    if (vdivstep == -1.0) nbt_cfg_null("vdivstep_rad"); else nbt_cfg_num("vdivstep_rad", vdivstep);
    if (detector_thicksteps == -1) nbt_cfg_null("detector_thicksteps"); else nbt_cfg_int("detector_thicksteps", detector_thicksteps);
    if (roi_xmin == -1 && roi_xmax == -1 && roi_ymin == -1 && roi_ymax == -1) nbt_cfg_null("roi");
    else { char roi[64]; sprintf(roi, "[%d,%d,%d,%d]", roi_xmin, roi_xmax, roi_ymin, roi_ymax); nbt_cfg_raw("roi", roi); }
    /* unset = NaN */
    if (isnan(Xbeam)) nbt_cfg_null("Xbeam_m"); else nbt_cfg_num("Xbeam_m", Xbeam);
    if (isnan(Ybeam)) nbt_cfg_null("Ybeam_m"); else nbt_cfg_num("Ybeam_m", Ybeam);
    if (isnan(Xclose)) nbt_cfg_null("Xclose_m"); else nbt_cfg_num("Xclose_m", Xclose);
    if (isnan(Yclose)) nbt_cfg_null("Yclose_m"); else nbt_cfg_num("Yclose_m", Yclose);
    if (isnan(ORGX)) nbt_cfg_null("ORGX"); else nbt_cfg_num("ORGX", ORGX);
    if (isnan(ORGY)) nbt_cfg_null("ORGY"); else nbt_cfg_num("ORGY", ORGY);
    if (isnan(close_distance)) nbt_cfg_null("close_distance_m"); else nbt_cfg_num("close_distance_m", close_distance);
    if (hklfilename) nbt_add_input("hkl", hklfilename);
    if (matfilename) nbt_add_input("matrix", matfilename);
    if (sourcefilename) nbt_add_input("sourcefile", sourcefilename);
    if (imginfilename) nbt_add_input("img", imginfilename);
    if (maskfilename) nbt_add_input("mask", maskfilename);
    nbt_begin();
}
#endif`,
  },
  {
    id: 'setup',
    title: 'Set-up values',
    why: "Once everything the pixels use is known (the last set-up line computes the water background), before the detector sweep. Names and units are the catalogue's; nanoBragg's vectors are 1-based, hence `&v[1]`. Values nanoBragg never holds in a variable (the RNG draws, `F_latt_a`, `obliquity`, `cos2theta`, the `*_applied` factors) are not traced: compare lists them as one-sided and compares the rest.",
    anchor: ['I_bg = F_bg*F_bg*r_e_sqr*fluence*water_size*water_size*water_size*1e6*Avogadro/water_MW;'],
    at: 'after',
    line: 0,
    code: `#ifdef NBTRACE_ENABLE
if (nbt_armed) {   /* nbtrace: set-up block, loop {} (and one record per domain / source) */
    int nbt_i; double nbt_v[3];
    NBT_SETUP_BEGIN();
    NBT_INT("fpixels", NBT_L0, fpixels);
    NBT_INT("spixels", NBT_L0, spixels);
    NBT_SCALAR("pixel_size", NBT_L0, pixel_size);
    NBT_INT("oversample", NBT_L0, oversample);
    NBT_SCALAR("subpixel_size", NBT_L0, subpixel_size);
    NBT_INT("detector_thicksteps", NBT_L0, detector_thicksteps);
    NBT_SCALAR("detector_thick", NBT_L0, detector_thick);
    NBT_SCALAR("detector_thickstep", NBT_L0, detector_thickstep);
    NBT_SCALAR("detector_mu", NBT_L0, detector_mu);
    NBT_INT("phisteps", NBT_L0, phisteps);
    NBT_SCALAR("phi0", NBT_L0, phi0);
    NBT_SCALAR("phistep", NBT_L0, phistep);
    NBT_INT("mosaic_domains", NBT_L0, mosaic_domains);
    NBT_SCALAR("mosaic_spread", NBT_L0, mosaic_spread);
    NBT_INT("n_sources", NBT_L0, sources);
    NBT_SCALAR("lambda0", NBT_L0, lambda0);
    NBT_SCALAR("kahn_factor", NBT_L0, polarization);
    NBT_INT("nopolar", NBT_L0, nopolar);
    NBT_IVEC3("N_cells", NBT_L0, (long long)Na, (long long)Nb, (long long)Nc);
    NBT_ENUM("xtal_shape", NBT_L0, xtal_shape == ROUND ? "round" : xtal_shape == GAUSS ? "gauss" : xtal_shape == TOPHAT ? "tophat" : "square");
    NBT_SCALAR("fudge", NBT_L0, fudge);
    NBT_SCALAR("default_F", NBT_L0, default_F);
    NBT_ENUM("F_interpolation", NBT_L0, interpolate ? "tricubic" : "nearest");
    NBT_INT("hkl_count", NBT_L0, hkls);
    NBT_SCALAR("fluence", NBT_L0, fluence);
    NBT_SCALAR("r_e_sqr", NBT_L0, r_e_sqr);
    NBT_INT("steps", NBT_L0, steps);
    NBT_SCALAR("water_size", NBT_L0, water_size);
    NBT_SCALAR("I_bg", NBT_L0, I_bg);
    NBT_ENUM("convention", NBT_L0, beam_convention == MOSFLM ? "MOSFLM" : beam_convention == XDS ? "XDS" : beam_convention == ADXV ? "ADXV"
                                 : beam_convention == DENZO ? "DENZO" : beam_convention == DIALS ? "DIALS" : "CUSTOM");
    NBT_ENUM("pivot", NBT_L0, detector_pivot == SAMPLE ? "sample" : "beam");
    NBT_VEC3("beam_vector", NBT_L0, &beam_vector[1]);
    NBT_VEC3("polar_vector", NBT_L0, &polar_vector[1]);
    NBT_VEC3("spindle_vector", NBT_L0, &spindle_vector[1]);
    NBT_VEC3("twotheta_axis", NBT_L0, &twotheta_axis[1]);
    nbt_v[0] = detector_rotx; nbt_v[1] = detector_roty; nbt_v[2] = detector_rotz;
    NBT_VEC3("detector_rotation", NBT_L0, nbt_v);
    NBT_SCALAR("twotheta", NBT_L0, detector_twotheta);
    NBT_VEC3("fdet_vector", NBT_L0, &fdet_vector[1]);
    NBT_VEC3("sdet_vector", NBT_L0, &sdet_vector[1]);
    NBT_VEC3("odet_vector", NBT_L0, &odet_vector[1]);
    NBT_VEC3("pix0_vector", NBT_L0, &pix0_vector[1]);
    NBT_SCALAR("close_distance", NBT_L0, close_distance);
    NBT_SCALAR("distance", NBT_L0, distance);
    NBT_SCALAR("Fbeam", NBT_L0, Fbeam);
    NBT_SCALAR("Sbeam", NBT_L0, Sbeam);
    NBT_SCALAR("Fclose", NBT_L0, Fclose);
    NBT_SCALAR("Sclose", NBT_L0, Sclose);
    NBT_SCALAR("V_cell", NBT_L0, V_cell);
    NBT_VEC3("a_star", NBT_L0, &a_star[1]);
    NBT_VEC3("b_star", NBT_L0, &b_star[1]);
    NBT_VEC3("c_star", NBT_L0, &c_star[1]);
    NBT_VEC3("a0", NBT_L0, &a0[1]);
    NBT_VEC3("b0", NBT_L0, &b0[1]);
    NBT_VEC3("c0", NBT_L0, &c0[1]);
    for (nbt_i = 0; nbt_i < mosaic_domains; nbt_i++) NBT_MAT3("mosaic_umat", NBT_LDOMAIN(nbt_i), mosaic_umats + 9*nbt_i);
    for (nbt_i = 0; nbt_i < sources; nbt_i++) {
        NBT_VEC3V("source_dir", NBT_LSOURCE(nbt_i), source_X[nbt_i], source_Y[nbt_i], source_Z[nbt_i]);
        NBT_SCALAR("source_lambda", NBT_LSOURCE(nbt_i), source_lambda[nbt_i]);
        NBT_SCALAR("source_weight", NBT_LSOURCE(nbt_i), source_I[nbt_i]);
    }
    NBT_SETUP_END();
}
#endif`,
  },
  {
    id: 'pixel',
    title: 'The traced pixel starts',
    why: "In the fast-pixel loop, after the ROI and mask `continue`s. `NBT_PIXEL` sets the thread-local trace flag of the thread computing this pixel (1 for the traced pixel, 0 otherwise) through a function call: the OpenMP region's `default(none)` needs no new names, and no other thread touches any trace state.",
    anchor: ['/* reset uncorrected photon count for this pixel */'],
    at: 'before',
    line: 0,
    code: `NBT_PIXEL(spixel, fpixel);   /* nbtrace */`,
  },
  {
    id: 'odet',
    title: 'Detector layer',
    why: '',
    anchor: ['Odet = thick_tic*detector_thickstep;'],
    at: 'after',
    line: 0,
    code: `NBT_SCALAR("Odet", NBT_LTHICK(thick_tic), Odet);   /* nbtrace */`,
  },
  {
    id: 'subpixel',
    title: 'Sub-pixel position',
    why: "After the diffracted direction (so a curved detector's position is the one traced).",
    anchor: ['airpath = unitize(pixel_pos,diffracted);'],
    at: 'after',
    line: 0,
    code: `NBT_SCALAR("Fdet", NBT_LSUB(thick_tic, subS, subF), Fdet);   /* nbtrace */
NBT_SCALAR("Sdet", NBT_LSUB(thick_tic, subS, subF), Sdet);
NBT_VEC3("pixel_pos", NBT_LSUB(thick_tic, subS, subF), &pixel_pos[1]);
NBT_SCALAR("airpath", NBT_LSUB(thick_tic, subS, subF), airpath);
NBT_VEC3("diffracted", NBT_LSUB(thick_tic, subS, subF), &diffracted[1]);`,
  },
  {
    id: 'omega',
    title: 'Solid angle in effect',
    why: 'The cached value (computed at the first sub-pixel unless `-oversample_omega`): what the pixel actually uses.',
    anchor: ['omega_sum += omega_pixel;'],
    at: 'after',
    line: 0,
    code: `NBT_SCALAR("omega_pixel", NBT_LSUB(thick_tic, subS, subF), omega_pixel);   /* nbtrace */`,
  },
  {
    id: 'capture',
    title: 'Capture fraction in effect',
    why: '',
    anchor: ['/* loop over sources now */'],
    at: 'before',
    line: 0,
    code: `NBT_SCALAR("capture_fraction", NBT_LSUB(thick_tic, subS, subF), capture_fraction);   /* nbtrace */`,
  },
  {
    id: 'source',
    title: 'Per source: incident beam and scattering vector',
    why: 'Before the `-dmin` cut, so a culled source still shows why. `scattering` is in m⁻¹ without 2π, as nanoBragg computes it.',
    anchor: ['stol = 0.5*magnitude(scattering);'],
    at: 'after',
    line: 0,
    code: `NBT_VEC3("incident", NBT_LSRC(thick_tic, subS, subF, source), &incident[1]);   /* nbtrace */
NBT_SCALAR("lambda", NBT_LSRC(thick_tic, subS, subF, source), lambda);
NBT_VEC3("scattering", NBT_LSRC(thick_tic, subS, subF, source), &scattering[1]);
NBT_SCALAR("stol", NBT_LSRC(thick_tic, subS, subF, source), stol);`,
  },
  {
    id: 'polar',
    title: 'Polarization factor in effect',
    why: 'After the cache test: the factor the pixel uses, computed once per pixel unless `-oversample_polar`.',
    anchor: ['/* sweep over phi angles */'],
    at: 'before',
    line: 0,
    code: `NBT_SCALAR("polar", NBT_LSRC(thick_tic, subS, subF, source), polar);   /* nbtrace */`,
  },
  {
    id: 'phi',
    title: 'Per phi step: the rotated cell in effect',
    why: "After the conditional rotation: at phi = 0 nanoBragg keeps the previous step's vectors (state carried over), and that is what is traced.",
    anchor: ['/* enumerate mosaic domains */'],
    at: 'before',
    line: 0,
    code: `NBT_SCALAR("phi", NBT_LPHI(thick_tic, subS, subF, source, phi_tic), phi);   /* nbtrace */
NBT_VEC3("ap", NBT_LPHI(thick_tic, subS, subF, source, phi_tic), &ap[1]);
NBT_VEC3("bp", NBT_LPHI(thick_tic, subS, subF, source, phi_tic), &bp[1]);
NBT_VEC3("cp", NBT_LPHI(thick_tic, subS, subF, source, phi_tic), &cp[1]);`,
  },
  {
    id: 'hkl',
    title: 'Per mosaic domain: cell and Miller indices',
    why: '',
    anchor: ['l0 = ceil(l-0.5);'],
    at: 'after',
    line: 0,
    code: `NBT_VEC3("rot_a", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), &a[1]);   /* nbtrace */
NBT_VEC3("rot_b", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), &b[1]);
NBT_VEC3("rot_c", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), &c[1]);
NBT_VEC3V("hkl_frac", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), h, k, l);
NBT_IVEC3("hkl_rounded", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), h0, k0, l0);`,
  },
  {
    id: 'F_latt',
    title: 'Lattice factor',
    why: 'Before the zero test, so a term that is skipped still shows its F_latt.',
    anchor: ['/* no need to go further if result will be zero? */'],
    at: 'before',
    line: 0,
    code: `NBT_SCALAR("F_latt", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), F_latt);   /* nbtrace */`,
  },
  {
    id: 'I_sum',
    title: 'Structure factor and the running sum',
    why: 'After the `-oversample_*` factors that move inside the sum.',
    anchor: ['if(oversample_omega) I *= omega_pixel;'],
    at: 'after',
    line: 0,
    code: `NBT_SCALAR("F_cell", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), F_cell);   /* nbtrace */
NBT_SCALAR("I_sum", NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic), I);`,
  },
  {
    id: 'I_before',
    title: 'Sum before scaling',
    why: '',
    anchor: ['/* convert pixel intensity into photon units */'],
    at: 'before',
    line: 0,
    code: `NBT_SCALAR("I_before_scaling", NBT_L0, I);   /* nbtrace */`,
  },
  {
    id: 'final',
    title: 'The pixel value, and the pixel ends',
    why: 'nanoBragg multiplies the factors into `test` in place: there is no separate "factor applied" variable, so none is traced. A factor that is not multiplied in (or twice) still shows: `I_pixel_final` then differs from the reference by exactly the ratio of a traced factor (`polar`, `omega_pixel`, `capture_fraction`, `steps`, `fluence`), and nbtrace classifies it by that factor.',
    anchor: ['floatimage[imgidx] += test;'],
    at: 'after',
    line: 0,
    code: `NBT_SCALAR("I_pixel_final", NBT_L0, test);   /* nbtrace */
NBT_SCALAR("float_pixel", NBT_L0, (double)floatimage[imgidx]);
NBT_PIXEL_END();`,
  },
  {
    id: 'close-nonoise',
    title: 'Close the trace: the early return',
    why: 'Without a noise image (`-nonoise`, the usual case for comparisons) nanoBragg returns here, long before the end of `main`.',
    anchor: ['if(calculate_noise == 0){', 'return 0;'],
    at: 'before',
    line: 1,
    code: `NBT_CLOSE();   /* nbtrace */`,
  },
  {
    id: 'close-end',
    title: 'Close the trace: the end of main',
    why: "After the noise image. The error exits (`exit(9)`) are left alone: the emitter's exit handler marks those traces aborted, which is what they are.",
    anchor: ['fclose(outfile);', 'return 0;', '}'],
    at: 'before',
    line: 1,
    code: `NBT_CLOSE();   /* nbtrace */`,
  },
]

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
/** anchor lines as one regex: C tokens with any spacing between them, lines by line breaks (blank lines allowed) */
function anchorRegex(lines: string[]): RegExp {
  const word = /^[\w.]+$/
  const tok = (line: string): string => {
    const t = line.trim().match(/[\w.]+|\S/g) ?? []
    return t.map((x, i) => (i === 0 ? '' : word.test(t[i - 1]) && word.test(x) ? '[ \\t]+' : '[ \\t]*') + escapeRe(x)).join('')
  }
  return new RegExp(`^[ \\t]*${lines.map(tok).join('[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n)*[ \\t]*')}[ \\t]*$`, 'gm')
}

export class AnchorError extends Error {}

export interface InstrumentOptions {
  /** edit ids to leave out (tests show what a trace looks like without, e.g., a close) */
  omit?: string[]
}

/** Applies EDITS to upstream nanoBragg.c text; throws AnchorError naming the edit whose anchor is missing or ambiguous. */
export function instrumentUpstream(source: string, opts: InstrumentOptions = {}): string {
  if (source.includes('nbtrace.h')) throw new AnchorError('this source already includes nbtrace.h (instrumented twice?)')
  const nl = source.includes('\r\n') ? '\r\n' : '\n'
  type Ins = {pos: number; text: string; id: string}
  const inserts: Ins[] = []
  for (const id of opts.omit ?? []) if (!EDITS.some((e) => e.id === id)) throw new Error(`no edit "${id}"`)
  for (const e of EDITS) {
    if (opts.omit?.includes(e.id)) continue
    const re = anchorRegex(e.anchor)
    const hits = [...source.matchAll(re)]
    if (hits.length !== 1) {
      throw new AnchorError(
        `edit "${e.id}": anchor ${JSON.stringify(e.anchor.join(' / '))} found ${hits.length} times in the source (expected once): is this upstream nanoBragg.c, or has it changed?`,
      )
    }
    const m = hits[0]
    // the span of anchor line e.line inside the match
    const lines = m[0].split(/\r?\n/)
    let off = m.index!
    let k = 0
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') {
        off += lines[i].length + 1
        continue
      }
      if (k === e.line) break
      off += lines[i].length + (source[off + lines[i].length] === '\r' ? 2 : 1)
      k++
    }
    const lineStart = source.lastIndexOf('\n', off) + 1
    const lineEnd = source.indexOf('\n', off) === -1 ? source.length : source.indexOf('\n', off) + 1
    const indent = /^[ \t]*/.exec(source.slice(lineStart))![0]
    const text =
      e.code
        .split('\n')
        .map((l) => (l.startsWith('#') || l === '' ? l : indent + l))
        .join(nl) + nl
    inserts.push({pos: e.at === 'before' ? lineStart : lineEnd, text, id: e.id})
  }
  inserts.sort((a, b) => a.pos - b.pos)
  let out = ''
  let at = 0
  for (const ins of inserts) {
    out += source.slice(at, ins.pos) + ins.text
    at = ins.pos
  }
  return out + source.slice(at)
}

/** The truth corpus runner's contract (test/truth/README.md): the command template under that name */
export const TRACE_TEMPLATE = COMMAND_TEMPLATE

/**
 * instrumentUpstream for builders that compile with the strict flags only (the truth corpus
 * runner): the same text with the build line's -DNBTRACE_ENABLE written at its top.
 */
export function instrument(source: string): string {
  return `#ifndef NBTRACE_ENABLE\n#define NBTRACE_ENABLE   /* nbtrace: what -DNBTRACE_ENABLE on the build line does */\n#endif\n${instrumentUpstream(source)}`
}

const BEGIN = '<!-- BEGIN edits: generated by `node --import tsx scripts/upstream/instrument.ts --doc`; edit the script, not this section -->'
const END = '<!-- END edits -->'

/** The guide's "Edits" section: every insertion, where it goes and why (generated from EDITS). */
export function guideSection(): string {
  const out: string[] = [BEGIN, '']
  EDITS.forEach((e, i) => {
    out.push(`**${i + 1}. ${e.title}** (\`${e.id}\`) — ${e.at} the line \`${e.anchor[e.line].trim()}\`${e.anchor.length > 1 ? ` of` : ''}`)
    if (e.anchor.length > 1) out.push('', '```c', ...e.anchor.map((l) => l.trim()), '```')
    if (e.why) out.push('', e.why)
    out.push('', '```c', e.code, '```', '')
  })
  out.push(END)
  return out.join('\n')
}

/** The guide with its generated section replaced. */
export function guideWithSection(guide: string): string {
  const a = guide.indexOf(BEGIN)
  const b = guide.indexOf(END)
  if (a < 0 || b < a) throw new Error(`${GUIDE}: no generated section (${BEGIN} ... ${END})`)
  return guide.slice(0, a) + guideSection() + guide.slice(b + END.length)
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--doc' || argv[0] === '--check-doc') {
    const guide = readFileSync(GUIDE, 'utf8')
    const next = guideWithSection(guide)
    if (argv[0] === '--check-doc') {
      if (next !== guide) {
        process.stderr.write(`${GUIDE} is stale: run scripts/upstream/instrument.ts --doc\n`)
        return 1
      }
      return 0
    }
    if (next !== guide) writeFileSync(GUIDE, next)
    return 0
  }
  const input = argv[0] && argv[0] !== '-' ? readFileSync(argv[0], 'utf8') : readFileSync(0, 'utf8')
  let out: string
  try {
    out = instrumentUpstream(input)
  } catch (e) {
    if (e instanceof AnchorError) {
      process.stderr.write(`instrument: ${e.message}\n`)
      return 2
    }
    throw e
  }
  if (argv[1]) writeFileSync(argv[1], out)
  else process.stdout.write(out)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
