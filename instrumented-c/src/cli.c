/* cli.c - the nanoBragg command line: defaults, the -img/-mask pre-pass, then one left-to-right
 * pass over the arguments through the generated flag table (flags_gen.c, from src/sim/flags.ts:
 * every entry whose test matches fires, in upstream's order, until one stops the argument), the
 * table's special handlers, and the helpers of the generated config emitter. docs/flags.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nb.h"
#include "nbtrace.h"

NB_THREAD_LOCAL nb_t NB;
const char *const nb_shape_names[] = {"square", "round", "gauss", "tophat"};

static void defaults(void)
{
    nb_t *n = &NB;
    memset(n, 0, sizeof *n);
    n->pivot_flag = -1;
    n->floatfile = "floatimage.bin"; n->intfile = "intimage.img";
    n->noisefile = "noiseimage.img"; n->pgmfile = "image.pgm";
    n->write_pgm = 1; n->calculate_noise = 1;
    n->pgm_scale = 0.0; n->intfile_scale = 0.0; n->adc_offset = 40.0;
    n->stol_file_mult = 1.0e10;
    n->misset[0] = 0;
    n->default_F = 0.0;
    n->Na = n->Nb = n->Nc = 1;
    n->density = 1.0e6; n->molecular_weight = 18.0;
    n->lambda0 = 1e-10; n->dispersion = 0.0; n->dispstep = -1; n->dispsteps = -1;
    n->hdivrange = n->vdivrange = -1; n->hdivstep = n->vdivstep = -1;
    n->hdivsteps = n->vdivsteps = -1; n->round_div = 1;
    n->fluence = 125932015286227086360700780544.0; n->flux = 0; n->exposure = 1.0; n->beamsize = 1e-4;
    n->polarization = 0.0; n->nopolar = 0;
    n->distance = 0.1; n->close_distance = NAN;
    n->detsize_f = n->detsize_s = 0.1024; n->fpixels = n->spixels = 0; n->pixel_size = 1e-4;
    n->Xbeam = n->Ybeam = n->Xclose = n->Yclose = n->ORGX = n->ORGY = NAN;
    n->pivot = PIVOT_BEAM; n->convention = CONV_MOSFLM;
    /* declaration defaults (CUSTOM keeps these unless the user gives vectors) */
    n->beam_vector[0] = 1; n->fdet_vector[2] = 1; n->sdet_vector[1] = -1; n->odet_vector[0] = 1;
    n->twotheta_axis[1] = 1; n->polar_vector[2] = 1; n->spindle_vector[2] = 1;
    n->detector_mu = -1; n->detector_thick = 0; n->detector_thickstep = -1; n->detector_thicksteps = -1;
    n->detector_abs_m = NAN;
    n->oversample = -1;
    n->roi_xmin = n->roi_xmax = n->roi_ymin = n->roi_ymax = -1;
    n->mosaic_spread = -1; n->mosaic_domains = -1;
    n->phi0 = 0; n->osc = -1; n->phistep = -1; n->phisteps = -1;
    n->dmin = 0; n->xtal_shape = SHAPE_SQUARE; n->fudge = 1; n->interpolate = 2; n->water_size = 0;
    n->progress = 1; n->printout_fpixel = n->printout_spixel = -1;
    n->seed = -(long)time(NULL);
    n->mosaic_seed = -12345678;
    n->misset_seed = n->seed;   /* the time-based default, not affected by -seed (quirk Q9) */
    n->r_e_sqr = 7.94079248018965e-30;
    n->trace_slow = n->trace_fast = -1;
}

void nb_note(const char *text)
{
    nb_t *n = &NB; int k;
    for (k = 0; k < n->nnotes; k++) if (!strcmp(n->notes[k], text)) return;
    n->notes = realloc(n->notes, (size_t)(n->nnotes + 1)*sizeof *n->notes);
    if (!n->notes) nb_die("out of memory");
    n->notes[n->nnotes++] = (char *)text;
}

void nb_refuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nanobragg-nbtrace: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* ---- the special handlers the table names: NB_FIRED when they acted, NB_STOP to stop the argument ---- */

/* -cell a b c alpha beta gamma: values in order until the end or an argument starting with '-' (an
 * early end stops the argument); the rest keep what an earlier -cell gave (defaults in set-up) */
int nb_flag_cell(int argc, char **argv, int i)
{
    int k;
    NB.user_cell = 1;
    for (k = 1; k <= 6; k++) {
        if (argc <= i + k || argv[i+k][0] == '-') return NB_FIRED | NB_STOP;
        NB.cell[k-1] = k <= 3 ? atof(argv[i+k]) : atof(argv[i+k])/RTD;
    }
    return NB_FIRED;
}

int nb_flag_misset_random(int argc, char **argv, int i)
{
    (void)argc;
    if (!strstr(argv[i+1], "rand")) return 0;
    NB.misset[0] = -1;
    return NB_FIRED | NB_STOP;
}

int nb_flag_misset_angles(int argc, char **argv, int i)
{
    (void)argc;
    NB.misset[0] = 1;
    NB.misset[1] = atof(argv[i+1])/RTD; NB.misset[2] = atof(argv[i+2])/RTD; NB.misset[3] = atof(argv[i+3])/RTD;
    return NB_FIRED;
}

int nb_flag_detector_abs(int argc, char **argv, int i)
{
    const char *t = argv[i+1];
    (void)argc;
    NB.detector_abs_m = strstr(t, "inf") ? INFINITY : atof(t)*1e-6;
    if (strstr(t, "inf") || atof(t) == 0.0) { NB.detector_thick = 0.0; NB.detector_mu = 0.0; }
    else NB.detector_mu = 1.0/(atof(t)*1e-6);
    return NB_FIRED;
}

int nb_flag_pivot(int argc, char **argv, int i)
{
    (void)argc;
    if (strstr(argv[i+1], "sample")) NB.pivot = NB.pivot_flag = PIVOT_SAMPLE;
    if (strstr(argv[i+1], "beam")) NB.pivot = NB.pivot_flag = PIVOT_BEAM;
    return NB_FIRED;
}

static int nb_is_number(const char *s)
{
    char *end; strtod(s, &end);
    return end != s && *end == 0;
}

int nb_parse(int argc, char **argv)
{
    nb_t *n = &NB;
    int i;
    defaults();
    n->argc = argc; n->argv = argv;

    /* pre-pass: the last -img and -mask names; the mask header is read first, then the image's */
    for (i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || argc <= i+1) continue;
        if (strstr(argv[i], "-img")) n->imginfile = argv[i+1];
        if (strstr(argv[i], "-mask")) n->maskfile = argv[i+1];
    }
    if (n->maskfile) nb_ingest_smv(n->maskfile, 1);
    if (n->imginfile) nb_ingest_smv(n->imginfile, 0);

    for (i = 1; i < argc; i++) {
        if (argv[i][0] != '-') continue;
        if (!nb_flag_known(argv[i]) && !nb_is_number(argv[i])) nb_warn("WARNING: unknown nanoBragg flag %s: ignored (as nanoBragg does)", argv[i]);
        nb_flags_fire(argc, argv, &i);
    }
    for (i = 0; i < n->nnotes; i++) nb_warn("WARNING: %s", n->notes[i]);
    n->mosaic_seed_initial = n->mosaic_seed;
    n->misset_seed_initial = n->misset_seed;
    return 0;
}

/* ---- helpers of the generated config emitter (schemas/config.schema.json) ---- */
#ifdef NBTRACE_ENABLE
void nb_cfg_num(const char *k, int given, double v) { if (given) nbt_cfg_num(k, v); else nbt_cfg_null(k); }
void nb_cfg_int(const char *k, int given, long long v) { if (given) nbt_cfg_int(k, v); else nbt_cfg_null(k); }
void nb_cfg_vec(const char *k, int given, const double *v) { if (given) nbt_cfg_nums(k, 3, v); else nbt_cfg_null(k); }

void nb_cfg_ints(const char *k, int given, int n, const long long *v)
{
    char buf[256]; size_t len = 0; int j;
    if (!given) { nbt_cfg_null(k); return; }
    len += (size_t)snprintf(buf + len, sizeof buf - len, "[");
    for (j = 0; j < n; j++) len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%lld", j ? "," : "", v[j]);
    snprintf(buf + len, sizeof buf - len, "]");
    nbt_cfg_raw(k, buf);
}

static void fmt_item(char *out, int given, double v, int as_int)
{
    if (!given) strcpy(out, "null");
    else if (as_int) sprintf(out, "%ld", (long)v);
    else nbt_fmt_num(out, v);
}

void nb_cfg_pair(const char *k, int gf, double vf, int gs, double vs, int as_int)
{
    char buf[96], a[40], b[40];
    if (!gf && !gs) { nbt_cfg_null(k); return; }
    fmt_item(a, gf, vf, as_int); fmt_item(b, gs, vs, as_int);
    snprintf(buf, sizeof buf, "[%s,%s]", a, b);
    nbt_cfg_raw(k, buf);
}

void nb_cfg_triple(const char *k, int ga, double a, int gb, double b, int gc, double c)
{
    char buf[128], x[40], y[40], z[40];
    fmt_item(x, ga, a, 1); fmt_item(y, gb, b, 1); fmt_item(z, gc, c, 1);
    snprintf(buf, sizeof buf, "[%s,%s,%s]", x, y, z);
    nbt_cfg_raw(k, buf);
}

/* the -cell values with nanoBragg's defaults (missing lengths: a; angles: 90 degrees) */
void nb_cfg_cell(const char *k, int given)
{
    double c[6]; int j;
    if (!given) { nbt_cfg_null(k); return; }
    for (j = 0; j < 6; j++) c[j] = NB.cell[j];
    if (c[1] <= 0.0) c[1] = c[0];
    if (c[2] <= 0.0) c[2] = c[0];
    for (j = 3; j < 6; j++) if (c[j] <= 0.0) c[j] = M_PI/2;
    nbt_cfg_nums(k, 6, c);
}

void nb_cfg_misset(const char *k, int given)
{
    if (given && NB.misset[0] == -1) nbt_cfg_str(k, "random");
    else if (given && NB.misset[0] == 1) nbt_cfg_nums(k, 3, NB.misset + 1);
    else nbt_cfg_null(k);
}
#else
void nb_cfg_num(const char *k, int given, double v) { (void)k; (void)given; (void)v; }
#endif
