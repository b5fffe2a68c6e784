/* pixel.c - the per-pixel loop nest in serial order (docs/ts-engine.md#the-pixel-loop), traced per
 * docs/trace-points.md, and the single-pixel mode with its order-dependent state (Q3, Q8). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"
#include "nbtrace.h"

/* The kernel is instantiated twice (traced = 0/1, always inlined): the untraced pixels run code
 * with every trace point removed, so tracing compiled in costs one branch per pixel. */
#ifdef NBTRACE_ENABLE
#undef NBT_IF_ON
#define NBT_IF_ON if (traced && nbt_on)
#endif
#if defined(__GNUC__)
#define NB_INLINE static inline __attribute__((always_inline))
#else
#define NB_INLINE static inline
#endif

static const char *const fmode_names[] = {"nearest", "tricubic", "default"};

/* phi-rotated cell in effect; only updated when phi != 0 (Q3 carry-over across pixels); one per
 * render thread, set at the start of each chunk of rows (nb_chunk_start, threads.c) */
static NB_THREAD_LOCAL vec3 ap, bp, cp;
static int state_ready = 0;
static vec3 *phi_a, *phi_b, *phi_c;  /* rotate_axis(a0, spindle, phi) per phi step (identical bits) */
static int *phi_nonzero;

static void prepare_state(void)
{
    nb_t *n = &NB; int t;
    if (state_ready) return;
    memcpy(ap, n->a0, sizeof ap); memcpy(bp, n->b0, sizeof bp); memcpy(cp, n->c0, sizeof cp);
    phi_a = calloc((size_t)n->phisteps, sizeof(vec3)); phi_b = calloc((size_t)n->phisteps, sizeof(vec3));
    phi_c = calloc((size_t)n->phisteps, sizeof(vec3)); phi_nonzero = calloc((size_t)n->phisteps, sizeof(int));
    if (!phi_a || !phi_b || !phi_c || !phi_nonzero) nb_die("out of memory");
    for (t = 0; t < n->phisteps; t++) {
        double phi = n->phi0 + n->phistep*t;
        phi_nonzero[t] = (phi != 0.0);
        if (phi_nonzero[t]) {
            nb_rotate_axis(n->a0, phi_a[t], n->spindle_vector, phi);
            nb_rotate_axis(n->b0, phi_b[t], n->spindle_vector, phi);
            nb_rotate_axis(n->c0, phi_c[t], n->spindle_vector, phi);
        }
    }
    state_ready = 1;
}

static void subpixel_position(int spixel, int fpixel, int subS, int subF, double Odet,
                              double *Fdet, double *Sdet, double *pixel_pos)
{
    nb_t *n = &NB; int i;
    int f = fpixel >= n->fast_shift_from ? fpixel + 1 : fpixel;  /* planted fault tile-fast-offset */
    *Fdet = n->subpixel_size*(f*n->oversample + subF) + n->subpixel_size/2.0;
    *Sdet = n->subpixel_size*(spixel*n->oversample + subS) + n->subpixel_size/2.0;
    for (i = 0; i < 3; i++)
        pixel_pos[i] = *Fdet*n->fdet_vector[i] + *Sdet*n->sdet_vector[i] + Odet*n->odet_vector[i] + n->pix0_vector[i];
    if (n->curved_detector) {   /* Q13: uses the lab y, z components of the flat position */
        vec3 p; double y = pixel_pos[1], z = pixel_pos[2];
        for (i = 0; i < 3; i++) p[i] = n->distance*n->beam_vector[i];
        nb_rotate_axis(p, p, n->sdet_vector, y/n->distance);
        nb_rotate_axis(p, pixel_pos, n->fdet_vector, z/n->distance);
    }
}

/* One pixel. scan != 0: only advance the order-dependent state (ap/bp/cp, polarization's in-place
 * unitize, the interpolation fallback) and return 1 as soon as nothing more can change. */
NB_INLINE int pixel_core(int spixel, int fpixel, int scan, double *test_out, int *evaluated, const int traced)
{
    nb_t *n = &NB;
    double I = n->I_bg;
    double polar = n->nopolar ? 1.0 : 0.0;
    double omega_pixel = 0.0, capture_fraction = 0.0;
    int thick_tic, subS, subF, source, phi_tic, mos_tic, i;
    for (thick_tic = 0; thick_tic < n->detector_thicksteps; thick_tic++) {
        double Odet = thick_tic*n->detector_thickstep;
        NBT_IF_ON nbt_scalar("Odet", NBT_LTHICK(thick_tic), Odet);
        capture_fraction = (n->detector_thick == 0.0) ? 1.0 : 0.0;
        for (subS = 0; subS < n->oversample; subS++) {
            for (subF = 0; subF < n->oversample; subF++) {
                double Fdet, Sdet, airpath, parallax;
                vec3 pixel_pos, diffracted;
                subpixel_position(spixel, fpixel, subS, subF, Odet, &Fdet, &Sdet, pixel_pos);
                airpath = nb_magnitude(pixel_pos);
                for (i = 0; i < 3; i++) diffracted[i] = pixel_pos[i]/airpath;
                if (!scan) {
                    if (omega_pixel == 0.0 || n->oversample_omega) {
                        if (nb_dot(diffracted, n->beam_vector) < n->obliquity_drop_cos)   /* high-angle-obliquity */
                            omega_pixel = n->pixel_size*n->pixel_size/airpath/airpath;
                        else
                            omega_pixel = n->pixel_size*n->pixel_size/airpath/airpath*n->close_distance/airpath;
                        if (n->point_pixel) omega_pixel = 1.0/airpath/airpath;
                    }
                    parallax = nb_dot(diffracted, n->odet_vector);
                    if (capture_fraction == 0.0 || n->oversample_thick) {
                        capture_fraction = exp(-thick_tic*n->detector_thickstep*n->detector_mu/parallax)
                                         - exp(-(thick_tic + 1)*n->detector_thickstep*n->detector_mu/parallax);
                    }
                    NBT_IF_ON {
                        nbt_loop L = NBT_LSUB(thick_tic, subS, subF);
                        nbt_scalar("Fdet", L, Fdet);
                        nbt_scalar("Sdet", L, Sdet);
                        nbt_vec3("pixel_pos", L, pixel_pos);
                        nbt_scalar("airpath", L, airpath);
                        nbt_vec3("diffracted", L, diffracted);
                        nbt_scalar("obliquity", L, nb_obliquity(airpath, diffracted));
                        nbt_scalar("omega_pixel", L, omega_pixel);
                        nbt_scalar("parallax", L, parallax);
                        nbt_scalar("capture_fraction", L, capture_fraction);
                    }
                }
                for (source = 0; source < n->sources; source++) {
                    vec3 incident, scattering;
                    double lambda = n->source_lambda[source], stol;
                    incident[0] = -n->source_X[source]; incident[1] = -n->source_Y[source]; incident[2] = -n->source_Z[source];
                    for (i = 0; i < 3; i++) scattering[i] = (diffracted[i] - incident[i])/lambda;
                    stol = 0.5*nb_magnitude(scattering);
                    NBT_IF_ON {
                        nbt_loop L = NBT_LSRC(thick_tic, subS, subF, source);
                        nbt_vec3("incident", L, incident);
                        nbt_scalar("lambda", L, lambda);
                        nbt_vec3("scattering", L, scattering);
                        nbt_scalar("stol", L, stol);
                    }
                    if (n->dmin > 0.0 && stol > 0.0 && n->dmin > 0.5/stol) continue;
                    if (evaluated) *evaluated = 1;
                    {
                        double cos2theta = nb_dot(incident, diffracted);
                        if (polar == 0.0 || n->oversample_polar)
                            polar = nb_polarization_factor(n->polarization, incident, diffracted, n->polar_vector);
                        NBT_IF_ON {
                            nbt_loop L = NBT_LSRC(thick_tic, subS, subF, source);
                            nbt_scalar("cos2theta", L, cos2theta);
                            nbt_scalar("polar", L, polar);
                        }
                    }
                    for (phi_tic = 0; phi_tic < n->phisteps; phi_tic++) {
                        if (phi_nonzero[phi_tic]) {
                            memcpy(ap, phi_a[phi_tic], sizeof ap); memcpy(bp, phi_b[phi_tic], sizeof bp); memcpy(cp, phi_c[phi_tic], sizeof cp);
                        }
                        NBT_IF_ON {
                            nbt_loop L = NBT_LPHI(thick_tic, subS, subF, source, phi_tic);
                            nbt_scalar("phi", L, n->phi0 + n->phistep*phi_tic);
                            nbt_vec3("ap", L, ap); nbt_vec3("bp", L, bp); nbt_vec3("cp", L, cp);
                        }
                        if (scan && n->interpolate != 1) continue;
                        for (mos_tic = 0; mos_tic < n->mosaic_domains; mos_tic++) {
                            vec3 a, b, c;
                            double h, k, l, F_latt, F_cell, Fl[3];
                            int h0, k0, l0, mode;
                            if (n->mosaic_spread > 0.0) {
                                const double *u = n->mosaic_umats + 9*mos_tic;
                                a[0] = u[0]*ap[0] + u[1]*ap[1] + u[2]*ap[2];
                                a[1] = u[3]*ap[0] + u[4]*ap[1] + u[5]*ap[2];
                                a[2] = u[6]*ap[0] + u[7]*ap[1] + u[8]*ap[2];
                                b[0] = u[0]*bp[0] + u[1]*bp[1] + u[2]*bp[2];
                                b[1] = u[3]*bp[0] + u[4]*bp[1] + u[5]*bp[2];
                                b[2] = u[6]*bp[0] + u[7]*bp[1] + u[8]*bp[2];
                                c[0] = u[0]*cp[0] + u[1]*cp[1] + u[2]*cp[2];
                                c[1] = u[3]*cp[0] + u[4]*cp[1] + u[5]*cp[2];
                                c[2] = u[6]*cp[0] + u[7]*cp[1] + u[8]*cp[2];
                            } else {
                                memcpy(a, ap, sizeof a); memcpy(b, bp, sizeof b); memcpy(c, cp, sizeof c);
                            }
                            h = nb_dot(a, scattering); k = nb_dot(b, scattering); l = nb_dot(c, scattering);
                            h0 = (int)ceil(h - 0.5); k0 = (int)ceil(k - 0.5); l0 = (int)ceil(l - 0.5);
                            if (scan) {   /* only the fallback can change state here */
                                if (!nb_hkl_out_of_range(h, k, l)) { nb_check_interpolation_index(h, k, l); continue; }
                                F_latt = nb_F_latt(h, k, l, h0, k0, l0, Fl);
                                if (F_latt == 0.0 && n->water_size == 0.0) continue;
                                nb_F_cell(h, k, l, h0, k0, l0, &mode, 1);
                                continue;
                            }
                            F_latt = nb_F_latt(h, k, l, h0, k0, l0, Fl);
                            NBT_IF_ON {
                                nbt_loop L = NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic);
                                nbt_vec3("rot_a", L, a); nbt_vec3("rot_b", L, b); nbt_vec3("rot_c", L, c);
                                nbt_vec3v("hkl_frac", L, h, k, l);
                                nbt_ivec3("hkl_rounded", L, h0, k0, l0);
                                if (n->xtal_shape == SHAPE_SQUARE) {
                                    nbt_scalar("F_latt_a", L, Fl[0]); nbt_scalar("F_latt_b", L, Fl[1]); nbt_scalar("F_latt_c", L, Fl[2]);
                                }
                                nbt_scalar("F_latt", L, F_latt);
                            }
                            if (F_latt == 0.0 && n->water_size == 0.0) continue;
                            F_cell = nb_F_cell(h, k, l, h0, k0, l0, &mode, 0);
                            {
                                double I_term = F_cell*F_cell*F_latt*F_latt;
                                I += I_term;
                                if (n->oversample_thick) I *= capture_fraction;
                                if (n->oversample_polar) I *= polar;
                                if (n->oversample_omega) I *= omega_pixel;
                                NBT_IF_ON {
                                    nbt_loop L = NBT_LMOS(thick_tic, subS, subF, source, phi_tic, mos_tic);
                                    nbt_enum("F_cell_mode", L, fmode_names[mode]);
                                    nbt_scalar("F_cell", L, F_cell);
                                    nbt_scalar("I_term", L, I_term);
                                    nbt_scalar("I_sum", L, I);
                                }
                            }
                        }
                    }
                    if (scan && n->interpolate != 1) return 1;   /* ap/bp/cp now final; no fallback possible */
                }
            }
        }
    }
    if (scan) return 0;
    {
        double test = n->r_e_sqr*n->fluence*I/n->steps;
        if (!n->oversample_thick) test *= capture_fraction;
        if (!n->oversample_polar) test *= polar;
        if (!n->oversample_omega) test *= omega_pixel;
        *test_out = test;
        n->omega_sum += omega_pixel;
        NBT_IF_ON {
            nbt_scalar("I_before_scaling", NBT_L0, I);
            nbt_scalar("capture_fraction_applied", NBT_L0, n->oversample_thick ? 1.0 : capture_fraction);
            nbt_scalar("polar_applied", NBT_L0, n->oversample_polar ? 1.0 : polar);
            nbt_scalar("omega_applied", NBT_L0, n->oversample_omega ? 1.0 : omega_pixel);
            nbt_scalar("I_pixel_final", NBT_L0, test);
        }
    }
    return 0;
}

static int pixel_plain(int spixel, int fpixel, int scan, double *test_out, int *evaluated)
{
    return pixel_core(spixel, fpixel, scan, test_out, evaluated, 0);
}
int nb_pixel_traced = 0;
static int pixel_traced(int spixel, int fpixel, double *test_out)
{
    nb_pixel_traced = 1;
    return pixel_core(spixel, fpixel, 0, test_out, NULL, 1);
}

static int pixel_used(int spixel, int fpixel)
{
    nb_t *n = &NB;
    if (fpixel < n->roi_xmin || fpixel > n->roi_xmax || spixel < n->roi_ymin || spixel > n->roi_ymax) return 0;
    if (n->maskimage && n->maskimage[(size_t)spixel*n->fpixels + fpixel] == 0) return 0;
    return 1;
}

/* Rows [row0, row1) in serial order. omega == NULL: the solid angles add into NB.omega_sum as the
 * serial loop adds them; else each used pixel's omega_pixel is stored in omega[(*nomega)++] for
 * the caller to add in serial order (threads.c: the sum is order dependent). */
void nb_render_rows(int row0, int row1, double *omega, long *nomega)
{
    nb_t *n = &NB; int spixel, fpixel;
    for (spixel = row0; spixel < row1; spixel++) {
        for (fpixel = 0; fpixel < n->fpixels; fpixel++) {
            size_t idx = (size_t)spixel*n->fpixels + fpixel;
            double test;
            if (!pixel_used(spixel, fpixel)) continue;
            if (omega) n->omega_sum = 0.0;   /* 0 + omega_pixel is omega_pixel exactly */
#ifdef NBTRACE_ENABLE
            if (NBT_PIXEL(spixel, fpixel)) pixel_traced(spixel, fpixel, &test);
            else
#endif
            pixel_plain(spixel, fpixel, 0, &test, NULL);
            if (omega) omega[(*nomega)++] = n->omega_sum;
            n->floatimage[idx] = (float)(n->floatimage[idx] + test);
            NBT_SCALAR("float_pixel", NBT_L0, (double)n->floatimage[idx]);
            NBT_PIXEL_END();
        }
    }
}

/* What the serial loop carries from pixel to pixel, found by one scan in serial order (the loop
 * without F_cell, as in the single-pixel mode): the first pixel that evaluates a source (after it
 * the phi-rotated cell is the one of the last non-zero phi step, Q3, and the polarization axis is
 * unitized) and the pixel where the interpolation fallback fires (Q8). Returns 0 when the
 * polarization axis is not a fixed point of unitizing (its bits would depend on how many pixels
 * came before: only the serial loop reproduces that). The scan leaves NB as it found it. */
int nb_order_scan(nb_order_state *o)
{
    nb_t *n = &NB; int s, f, done = 0;
    prepare_state();
    o->first_eval = -1;
    o->fallback_at = -1;
    o->interpolate0 = n->interpolate;
    memcpy(o->polar0, n->polar_vector, sizeof o->polar0);
    nb_unitize(n->polar_vector, o->polar_unit);
    {
        vec3 twice;
        nb_unitize(o->polar_unit, twice);
        if (memcmp(twice, o->polar_unit, sizeof twice) != 0) return 0;
    }
    o->polar_called = !n->nopolar || n->oversample_polar;
    for (s = 0; s < n->spixels && !done; s++) {
        for (f = 0; f < n->fpixels && !done; f++) {
            long idx = (long)s*n->fpixels + f;
            int evaluated = 0;
            if (!pixel_used(s, f)) continue;
            if (pixel_plain(s, f, 1, NULL, &evaluated)) done = 1;
            if (evaluated && o->first_eval < 0) o->first_eval = idx;
            if (o->interpolate0 == 1 && n->interpolate != 1 && o->fallback_at < 0) o->fallback_at = idx;
        }
    }
    n->interpolate = o->interpolate0;
    memcpy(n->polar_vector, o->polar0, sizeof o->polar0);
    memcpy(ap, n->a0, sizeof ap); memcpy(bp, n->b0, sizeof bp); memcpy(cp, n->c0, sizeof cp);
    return 1;
}

/* Sets this thread's carried state to what the serial loop has on reaching pixel index p. */
void nb_chunk_start(const nb_order_state *o, long p)
{
    nb_t *n = &NB; int t, last = -1;
    int after_eval = o->first_eval >= 0 && o->first_eval < p;
    for (t = 0; t < n->phisteps; t++) if (phi_nonzero[t]) last = t;
    if (after_eval && last >= 0) {
        memcpy(ap, phi_a[last], sizeof ap); memcpy(bp, phi_b[last], sizeof bp); memcpy(cp, phi_c[last], sizeof cp);
    } else {
        memcpy(ap, n->a0, sizeof ap); memcpy(bp, n->b0, sizeof bp); memcpy(cp, n->c0, sizeof cp);
    }
    n->interpolate = (o->fallback_at >= 0 && o->fallback_at < p) ? 0 : o->interpolate0;
    memcpy(n->polar_vector, after_eval && o->polar_called ? o->polar_unit : o->polar0, sizeof n->polar_vector);
}

void nb_render(void)
{
    nb_t *n = &NB;
    size_t npix = (size_t)n->fpixels*n->spixels;
    int threads = nb_thread_count();
    prepare_state();
    n->floatimage = calloc(npix ? npix : 1, sizeof(float));
    if (!n->floatimage) nb_die("out of memory for the float image");
    if (threads > 1 && n->spixels > 1 && nb_render_threaded(threads)) return;
    {
        const char *progress = getenv("NBTRACE_PROGRESS");
        int every = n->spixels/20 > 0 ? n->spixels/20 : 1, spixel;
        for (spixel = 0; spixel < n->spixels; spixel++) {
            if (progress && spixel % every == 0 && spixel > 0) { printf("NBTRACE_PROGRESS %.4f\n", (double)spixel/n->spixels); fflush(stdout); }
            nb_render_rows(spixel, spixel + 1, NULL, NULL);
        }
    }
}

/* Single-pixel mode: bring the order-dependent state to what the serial loop has when it reaches
 * (spixel, fpixel), then compute only that pixel. Q3: after any earlier evaluated source the
 * phi-rotated cell is the one of the last non-zero phi step. Q8: the interpolation fallback fired
 * earlier iff an earlier term with F_latt != 0 had out-of-range fractional indices. */
void nb_render_one(int spixel, int fpixel)
{
    nb_t *n = &NB; int s, f = 0, any_nonzero = 0, t;
    double test = 0.0;
    float value;
    prepare_state();
    for (t = 0; t < n->phisteps; t++) any_nonzero |= phi_nonzero[t];
    if (!n->nopolar || n->oversample_polar) {
        /* polarization_factor() unitizes the global polar vector in place: do it once if any
           earlier pixel would have called it */
        for (s = 0; s < n->spixels; s++) {
            for (f = 0; f < n->fpixels; f++) if (pixel_used(s, f)) break;
            if (f < n->fpixels) break;
        }
        if (s < spixel || (s == spixel && f < fpixel)) nb_unitize(n->polar_vector, n->polar_vector);
    }
    if (any_nonzero || n->interpolate == 1) {
        int done = 0, evaluated = 0;
        for (s = 0; s < n->spixels && !done; s++) {
            for (f = 0; f < n->fpixels && !done; f++) {
                if (s == spixel && f == fpixel) { done = 1; break; }
                if (!pixel_used(s, f)) continue;
                if (pixel_plain(s, f, 1, NULL, &evaluated)) done = 1;
            }
            if (s == spixel) break;
        }
    }
    if (!pixel_used(spixel, fpixel) || spixel < 0 || fpixel < 0 || spixel >= n->spixels || fpixel >= n->fpixels) {
        nb_warn("WARNING: traced pixel (slow %d, fast %d) is outside the detector, ROI or mask: its value is 0", spixel, fpixel);
        NBT_PIXEL(spixel, fpixel);
        NBT_SCALAR("float_pixel", NBT_L0, 0.0);
        NBT_PIXEL_END();
        return;
    }
    NBT_PIXEL(spixel, fpixel);
#ifdef NBTRACE_ENABLE
    pixel_traced(spixel, fpixel, &test);
#else
    pixel_plain(spixel, fpixel, 0, &test, NULL);
#endif
    value = (float)(0.0f + test);
    NBT_SCALAR("float_pixel", NBT_L0, (double)value);
    NBT_PIXEL_END();
    if (!n->quiet) printf("pixel (slow %d, fast %d) = %.9g\n", spixel, fpixel, (double)value);
}
