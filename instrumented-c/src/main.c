/* main.c - nanobragg-nbtrace: the reference nanoBragg simulator with the nbtrace emitter.
 * Extra flags: -trace_pixel S F (slow, fast), -trace_out FILE, -trace_only (compute only that pixel). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "nb.h"
#include "nbtrace.h"

#ifndef NB_COMMIT
#define NB_COMMIT ""
#endif
#ifndef NB_BUILD_FLAGS
#define NB_BUILD_FLAGS "{\"cc\":\"unknown\",\"opt\":\"unknown\",\"fp_contract\":\"off\"}"
#endif

void nb_warn(const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap); fputc('\n', stderr);
}

void nb_die(const char *fmt, ...)
{
    char msg[512]; va_list ap;
    va_start(ap, fmt); vsnprintf(msg, sizeof msg, fmt, ap); va_end(ap);
    fprintf(stderr, "nanobragg-nbtrace: %s\n", msg);
#ifdef NBTRACE_ENABLE
    nbt_abort(msg);
#endif
    exit(2);
}

#ifdef NBTRACE_ENABLE
/* set-up block of docs/trace-points.md, in catalogue order */
void nb_trace_setup(void)
{
    nb_t *n = &NB; int d, s;
    static const char *shapes[] = {"square", "round", "gauss", "tophat"};
    nbt_loop L = NBT_L0;
    double v[3];
    nbt_on = nbt_armed;
    NBT_INT("fpixels", L, n->fpixels);
    NBT_INT("spixels", L, n->spixels);
    NBT_SCALAR("pixel_size", L, n->pixel_size);
    NBT_INT("oversample", L, n->oversample);
    NBT_SCALAR("subpixel_size", L, n->subpixel_size);
    NBT_INT("detector_thicksteps", L, n->detector_thicksteps);
    NBT_SCALAR("detector_thick", L, n->detector_thick);
    NBT_SCALAR("detector_thickstep", L, n->detector_thickstep);
    NBT_SCALAR("detector_mu", L, n->detector_mu);
    NBT_INT("phisteps", L, n->phisteps);
    NBT_SCALAR("phi0", L, n->phi0);
    NBT_SCALAR("phistep", L, n->phistep);
    NBT_INT("mosaic_domains", L, n->mosaic_domains);
    NBT_SCALAR("mosaic_spread", L, n->mosaic_spread);
    NBT_INT("n_sources", L, n->sources);
    NBT_SCALAR("lambda0", L, n->lambda0);
    NBT_SCALAR("kahn_factor", L, n->polarization);
    NBT_INT("nopolar", L, n->nopolar);
    NBT_IVEC3("N_cells", L, (long long)n->Na, (long long)n->Nb, (long long)n->Nc);
    NBT_ENUM("xtal_shape", L, shapes[n->xtal_shape]);
    NBT_SCALAR("fudge", L, n->fudge);
    NBT_SCALAR("default_F", L, n->default_F);
    NBT_ENUM("F_interpolation", L, n->interpolate_initial == 1 ? "tricubic" : "nearest");
    NBT_INT("hkl_count", L, n->hkls);
    NBT_SCALAR("fluence", L, n->fluence);
    NBT_SCALAR("r_e_sqr", L, n->r_e_sqr);
    NBT_INT("steps", L, n->steps);
    NBT_SCALAR("water_size", L, n->water_size);
    NBT_SCALAR("I_bg", L, n->I_bg);
    NBT_ENUM("convention", L, nb_conv_names[n->convention]);
    NBT_ENUM("pivot", L, n->pivot == PIVOT_SAMPLE ? "sample" : "beam");
    NBT_VEC3("beam_vector", L, n->beam_vector);
    NBT_VEC3("polar_vector", L, n->polar_vector);
    NBT_VEC3("spindle_vector", L, n->spindle_vector);
    NBT_VEC3("twotheta_axis", L, n->twotheta_axis);
    v[0] = n->rotx; v[1] = n->roty; v[2] = n->rotz;
    NBT_VEC3("detector_rotation", L, v);
    NBT_SCALAR("twotheta", L, n->twotheta);
    NBT_VEC3("fdet_vector", L, n->fdet_vector);
    NBT_VEC3("sdet_vector", L, n->sdet_vector);
    NBT_VEC3("odet_vector", L, n->odet_vector);
    NBT_SCALAR("pivot_F", L, n->pivot_F);
    NBT_SCALAR("pivot_S", L, n->pivot_S);
    NBT_SCALAR("pivot_distance", L, n->pivot_distance);
    NBT_VEC3("pix0_vector", L, n->pix0_vector);
    NBT_SCALAR("close_distance", L, n->close_distance);
    NBT_SCALAR("distance", L, n->distance);
    NBT_SCALAR("Fbeam", L, n->Fbeam);
    NBT_SCALAR("Sbeam", L, n->Sbeam);
    NBT_SCALAR("Fclose", L, n->Fclose);
    NBT_SCALAR("Sclose", L, n->Sclose);
    NBT_VEC3("cell_abc", L, n->cell_abc);
    NBT_VEC3("cell_angles", L, n->cell_angles);
    NBT_VEC3("misset_angles", L, n->misset + 1);
    NBT_SCALAR("V_cell", L, n->V_cell);
    NBT_VEC3("a_star", L, n->a_star);
    NBT_VEC3("b_star", L, n->b_star);
    NBT_VEC3("c_star", L, n->c_star);
    NBT_VEC3("a0", L, n->a0);
    NBT_VEC3("b0", L, n->b0);
    NBT_VEC3("c0", L, n->c0);
    NBT_INT("mosaic_seed", L, n->mosaic_seed_initial);
    if (n->misset_random) NBT_VEC3("misset_rng_draws", L, n->misset_draws);
    for (d = 0; d < n->mosaic_domains; d++) {
        NBT_VEC3("mosaic_rng_draws", NBT_LDOMAIN(d), n->mosaic_draws + 3*d);
        NBT_SCALAR("mosaic_angle", NBT_LDOMAIN(d), n->mosaic_angles[d]);
        NBT_MAT3("mosaic_umat", NBT_LDOMAIN(d), n->mosaic_umats + 9*d);
    }
    for (s = 0; s < n->sources; s++) {
        NBT_VEC3V("source_dir", NBT_LSOURCE(s), n->source_X[s], n->source_Y[s], n->source_Z[s]);
        NBT_SCALAR("source_lambda", NBT_LSOURCE(s), n->source_lambda[s]);
        NBT_SCALAR("source_weight", NBT_LSOURCE(s), n->source_I[s]);
    }
    nbt_on = 0;
}
#endif

/* The trace output must be a regular file or absent (never a directory, FIFO or device). */
static void check_trace_target(const char *out)
{
    struct stat st;
    if (stat(out, &st) == 0 && !S_ISREG(st.st_mode))
        nb_refuse("-trace_out %s: not a regular file (a trace is written to a new or regular file only)", out);
}

int main(int argc, char **argv)
{
    nb_t *n = &NB;
    const char *out = NULL;
    if (getenv("NBTRACE_POWF")) return nb_powf_service();
    nb_parse(argc, argv);
    nb_thread_count();   /* NBTRACE_THREADS refused here, before any output is opened */
    if (!n->quiet) printf("nanobragg-nbtrace %s: nanoBragg reference re-implementation with nbtrace tracing\n", NB_VERSION);
    if (n->trace_requested || n->trace_only || n->trace_out) {
#ifdef NBTRACE_ENABLE
        out = n->trace_out ? n->trace_out : "trace_C.jsonl";
        if (!n->trace_requested) nb_refuse("-trace_only/-trace_out need -trace_pixel S F");
        check_trace_target(out);
        nb_trace_config();   /* the configuration as parsed (set-up changes some of these variables) */
#else
        nb_refuse("tracing is compiled out of this binary (use nanobragg-nbtrace)");
#endif
    }
    nb_setup();
    if (n->trace_requested && (n->trace_slow < 0 || n->trace_slow >= n->spixels || n->trace_fast < 0 || n->trace_fast >= n->fpixels))
        nb_refuse("-trace_pixel %d %d: pixel is outside the %dx%d detector (slow, fast)", n->trace_slow, n->trace_fast, n->spixels, n->fpixels);
#ifdef NBTRACE_ENABLE
    if (out) {
        if (nbt_open(out, n->trace_slow, n->trace_fast) != 0) nb_refuse("cannot open trace file %s", out);
        nbt_set_producer("nanobragg-nbtrace", NB_VERSION, NB_COMMIT[0] ? NB_COMMIT : NULL, NB_BUILD_FLAGS);
        nbt_set_args(argc, argv);
        if (n->hklfilename) nbt_add_input("hkl", n->hklfilename);
        else if (n->dumpfilename && n->hkls) nbt_add_input("fdump", n->dumpfilename);
        if (n->sourcefilename) nbt_add_input("sourcefile", n->sourcefilename);
        if (n->matfilename) nbt_add_input("matrix", n->matfilename);
        if (n->imginfile) nbt_add_input("img", n->imginfile);
        if (n->maskfile) nbt_add_input("mask", n->maskfile);
        nbt_begin();
        if (!n->quiet) printf("TRACE: tracing pixel (slow %d, fast %d) into %s\n", n->trace_slow, n->trace_fast, out);
    }
    nb_trace_setup();
#endif
    if (n->trace_only) {
        nb_render_one(n->trace_slow, n->trace_fast);
    } else {
        nb_render();
        if (n->trace_requested && !nb_pixel_traced)
            nb_warn("WARNING: traced pixel (slow %d, fast %d) is outside the ROI or mask: no pixel records", n->trace_slow, n->trace_fast);
        nb_stats();
        nb_write_outputs();
    }
#ifdef NBTRACE_ENABLE
    if (out) {
        struct stat st;
        char part[4096];
        nbt_close();
        /* the emitter renames <out>.part into place: make sure it is there, as a regular file */
        snprintf(part, sizeof part, "%s.part", out);
        if (stat(out, &st) != 0 || !S_ISREG(st.st_mode) || stat(part, &st) == 0) {
            remove(part);
            nb_die("cannot write trace file %s", out);
        }
        printf("NBTRACE_OUTPUT %s\n", out);
    }
#endif
    {
        /* omegaSum: the solid angle summed over pixels in serial order, exact at any thread count */
        char mx[40] = "null", mn[40] = "null", om[40] = "null";
        if (!n->trace_only) { snprintf(mx, sizeof mx, "%.17g", n->max_I); snprintf(mn, sizeof mn, "%.17g", n->mean); snprintf(om, sizeof om, "%.17g", n->omega_sum); }
        printf("NBTRACE_SUMMARY {\"fpixels\":%d,\"spixels\":%d,\"sources\":%d,\"steps\":%d,\"oversample\":%d,\"maxI\":%s,\"meanI\":%s,\"omegaSum\":%s}\n",
               n->fpixels, n->spixels, n->sources, n->steps, n->oversample, mx, mn, om);
    }
    return 0;
}
