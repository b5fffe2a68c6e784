/* cli.c - the nanoBragg command-line model (physics.md §1): one left-to-right pass of substring
 * (strstr) tests, several of which can fire for one argument; later arguments override earlier
 * ones; numbers via atof/atoi. A pre-pass ingests -img/-mask SMV headers (§9).
 * Also records what the user gave, for the trace header's config object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nb.h"
#include "nbtrace.h"

nb_t NB;

static int has(const char *arg, const char *flag) { return strstr(arg, flag) != NULL; }

static void defaults(void)
{
    nb_t *n = &NB;
    memset(n, 0, sizeof *n);
    n->given.pivot = -1;
    n->floatfile = "floatimage.bin"; n->intfile = "intimage.img";
    n->noisefile = "noiseimage.img"; n->pgmfile = "image.pgm";
    n->write_pgm = 1; n->calculate_noise = 1;
    n->pgm_scale = 0.0; n->intfile_scale = 0.0; n->adc_offset = 40.0;
    n->misset[0] = 0;
    n->default_F = 0.0;
    n->Na = n->Nb = n->Nc = 1;
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
    n->oversample = -1;
    n->roi_xmin = n->roi_xmax = n->roi_ymin = n->roi_ymax = -1;
    n->mosaic_spread = -1; n->mosaic_domains = -1;
    n->phi0 = 0; n->osc = -1; n->phistep = -1; n->phisteps = -1;
    n->dmin = 0; n->xtal_shape = SHAPE_SQUARE; n->fudge = 1; n->interpolate = 2; n->water_size = 0;
    n->seed = -(long)time(NULL);
    n->mosaic_seed = -12345678;
    n->misset_seed = n->seed;   /* the time-based default, not affected by -seed (Q9) */
    n->r_e_sqr = 7.94079248018965e-30;
    n->trace_slow = n->trace_fast = -1;
}

static void set_pivot(int p) { NB.pivot = p; NB.given.pivot = p; }

static int vec_arg(int argc, char **argv, int i, double *v)
{
    if (argc <= i + 3) return 0;
    v[0] = atof(argv[i+1]); v[1] = atof(argv[i+2]); v[2] = atof(argv[i+3]);
    return 1;
}

int nb_parse(int argc, char **argv)
{
    nb_t *n = &NB;
    nb_given *g = &n->given;
    int i;
    defaults();
    n->argc = argc; n->argv = argv;

    /* pre-pass: -img and -mask headers */
    for (i = 1; i < argc; i++) {
        if (has(argv[i], "-img") && argc > i+1) { n->imginfile = argv[i+1]; nb_read_smv_header(argv[i+1], 0); }
        if (has(argv[i], "-mask") && argc > i+1) { n->maskfile = argv[i+1]; nb_read_smv_header(argv[i+1], 1); }
    }

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t len = strlen(a);
        int more = argc > i+1;
        const char *nx = more ? argv[i+1] : "";
        if (a[0] != '-') continue;

        /* nbtrace's own flags */
        if ((!strcmp(a, "-trace_pixel") || !strcmp(a, "-dump_pixel")) && argc > i+2) {
            n->trace_slow = atoi(argv[i+1]); n->trace_fast = atoi(argv[i+2]); n->trace_requested = 1;
            i += 2; continue;
        }
        if (!strcmp(a, "-trace_out") && more) { n->trace_out = argv[i+1]; i += 1; continue; }
        if (!strcmp(a, "-trace_only")) { n->trace_only = 1; continue; }
        if (!strcmp(a, "-quiet")) { n->quiet = 1; continue; }

        if (has(a, "-cell") && more) {
            double v[6] = {0, 0, 0, 0, 0, 0}; int c = 0, j;
            for (j = 1; j <= 6 && i+j < argc && argv[i+j][0] != '-'; j++) v[c++] = atof(argv[i+j]);
            n->user_cell = 1;
            n->cell_a = v[0];
            n->cell_b = (c >= 2) ? v[1] : v[0];
            n->cell_c = (c >= 3) ? v[2] : v[0];
            n->alpha = (v[3] > 0 ? v[3] : 90.0)/RTD;
            n->beta = (v[4] > 0 ? v[4] : 90.0)/RTD;
            n->gamma = (v[5] > 0 ? v[5] : 90.0)/RTD;
        }
        if (has(a, "-mat") && more) n->matfilename = argv[i+1];
        if (has(a, "-hkl") && more) n->hklfilename = argv[i+1];
        if (has(a, "-sourcefile") && more) n->sourcefilename = argv[i+1];
        if (has(a, "-misset") && more) {           /* upstream: strstr, so -misset_seed matches too (Q14) */
            if (has(nx, "rand")) { n->misset[0] = -1; g->misset = 2; }
            else if (argc > i+3) {
                n->misset[1] = atof(argv[i+1])/RTD; n->misset[2] = atof(argv[i+2])/RTD; n->misset[3] = atof(argv[i+3])/RTD;
                n->misset[0] = 1; g->misset = 1;
            }
        }
        if (has(a, "-default_F") && more) { n->default_F = atof(nx); g->default_F = 1; }
        if (!strcmp(a, "-N") && more) { n->Na = n->Nb = n->Nc = atoi(nx); g->Na = g->Nb = g->Nc = 1; }
        if (has(a, "-Na") && more) { n->Na = atoi(nx); g->Na = 1; }
        if (has(a, "-Nb") && more) { n->Nb = atoi(nx); g->Nb = 1; }
        if (has(a, "-Nc") && more) { n->Nc = atoi(nx); g->Nc = 1; }
        if ((has(a, "-xtalsize") || has(a, "-xtal_size") || has(a, "-samplesize") || has(a, "-sample_size")) && more) {
            n->sample_x = n->sample_y = n->sample_z = atof(nx)/1000; g->sample = 1;
        }
        if ((has(a, "-xtal_thick") || has(a, "-sample_thick") || has(a, "-sample_x")) && more) { n->sample_x = atof(nx)/1000; g->sample = 1; }
        if ((has(a, "-xtal_width") || has(a, "-sample_width") || has(a, "-sample_y")) && more) { n->sample_y = atof(nx)/1000; g->sample = 1; }
        if ((has(a, "-xtal_heigh") || has(a, "-sample_heigh") || has(a, "-sample_z")) && more) { n->sample_z = atof(nx)/1000; g->sample = 1; }
        if ((has(a, "-lambda") || has(a, "-wave")) && more) { n->lambda0 = atof(nx)/1.0e10; g->lambda = 1; }
        if (has(a, "-energy") && more) { n->lambda0 = (12398.42/atof(nx))/1.0e10; g->lambda = 1; }
        if (has(a, "-dispersion") && more) { n->dispersion = atof(nx)/100.0; g->dispersion = 1; }
        if (has(a, "-dispsteps") && more) { n->dispsteps = atoi(nx); g->dispsteps = 1; }
        if (has(a, "-divergence") && more) { n->hdivrange = n->vdivrange = atof(nx)/1000.0; g->hdivrange = g->vdivrange = 1; }
        if (has(a, "-hdivrange") && more) { n->hdivrange = atof(nx)/1000.0; g->hdivrange = 1; }
        if (has(a, "-vdivrange") && more) { n->vdivrange = atof(nx)/1000.0; g->vdivrange = 1; }
        if (has(a, "-hdivstep") && len == 9 && more) { n->hdivstep = atof(nx)/1000.0; g->hdivstep = 1; }
        if (has(a, "-vdivstep") && len == 9 && more) { n->vdivstep = atof(nx)/1000.0; g->vdivstep = 1; }
        if (has(a, "-hdivsteps") && more) { n->hdivsteps = atoi(nx); g->hdivsteps = 1; }
        if (has(a, "-vdivsteps") && more) { n->vdivsteps = atoi(nx); g->vdivsteps = 1; }
        if (has(a, "-divsteps") && more) { n->hdivsteps = n->vdivsteps = atoi(nx); g->hdivsteps = g->vdivsteps = 1; }
        if (has(a, "-round_div")) n->round_div = 1;
        if (has(a, "-square_div")) n->round_div = 0;
        if (has(a, "-fluence") && more) { n->fluence = atof(nx); g->fluence = 1; }
        if (has(a, "-flux") && more) { n->flux = atof(nx); g->flux = 1; }
        if (has(a, "-exposure") && more) { n->exposure = atof(nx); g->exposure = 1; }
        if (has(a, "-beamsize") && more) { n->beamsize = atof(nx)/1000; g->beamsize = 1; }
        if (has(a, "-polar") && len == 6 && more) { n->polarization = atof(nx); n->nopolar = 0; g->polar = 1; }
        if (has(a, "-nopolar")) n->nopolar = 1;
        if (has(a, "-distance") && more) { n->distance = atof(nx)/1000.0; g->distance = 1; set_pivot(PIVOT_BEAM); }
        if (has(a, "-close_distance") && more) { n->close_distance = atof(nx)/1000.0; g->close_distance = 1; set_pivot(PIVOT_SAMPLE); }
        if (has(a, "-detsize") && len == 8 && more) { n->detsize_f = n->detsize_s = atof(nx)/1000.0; g->detsize_f = g->detsize_s = 1; }
        if (has(a, "-detsize_f") && more) { n->detsize_f = atof(nx)/1000.0; g->detsize_f = 1; }
        if (has(a, "-detsize_s") && more) { n->detsize_s = atof(nx)/1000.0; g->detsize_s = 1; }
        if (has(a, "-detpixels") && len == 10 && more) { n->fpixels = n->spixels = atoi(nx); g->detpixels_f = g->detpixels_s = 1; }
        if ((has(a, "-detpixels_f") || has(a, "-detpixels_x")) && more) { n->fpixels = atoi(nx); g->detpixels_f = 1; }
        if ((has(a, "-detpixels_s") || has(a, "-detpixels_y")) && more) { n->spixels = atoi(nx); g->detpixels_s = 1; }
        if (has(a, "-pixel") && more) { n->pixel_size = atof(nx)/1000.0; g->pixel = 1; }
        if (has(a, "-Xbeam") && more) { n->Xbeam = atof(nx)/1000.0; g->Xbeam = 1; set_pivot(PIVOT_BEAM); }
        if (has(a, "-Ybeam") && more) { n->Ybeam = atof(nx)/1000.0; g->Ybeam = 1; set_pivot(PIVOT_BEAM); }
        if (has(a, "-Xclose") && more) { n->Xclose = atof(nx)/1000.0; g->Xclose = 1; set_pivot(PIVOT_SAMPLE); }
        if (has(a, "-Yclose") && more) { n->Yclose = atof(nx)/1000.0; g->Yclose = 1; set_pivot(PIVOT_SAMPLE); }
        if (has(a, "-ORGX") && more) { n->ORGX = atof(nx); g->ORGX = 1; set_pivot(PIVOT_SAMPLE); }
        if (has(a, "-ORGY") && more) { n->ORGY = atof(nx); g->ORGY = 1; set_pivot(PIVOT_SAMPLE); }
        if (has(a, "-pivot") && more) {
            if (has(nx, "sample")) set_pivot(PIVOT_SAMPLE);
            if (has(nx, "beam")) set_pivot(PIVOT_BEAM);
        }
        if (has(a, "-mosflm")) { n->convention = CONV_MOSFLM; n->pivot = PIVOT_BEAM; }
        if (has(a, "-denzo")) { n->convention = CONV_DENZO; n->pivot = PIVOT_BEAM; }
        if (has(a, "-adxv")) { n->convention = CONV_ADXV; n->pivot = PIVOT_BEAM; }
        if (has(a, "-xds")) { n->convention = CONV_XDS; n->pivot = PIVOT_SAMPLE; }
        if (has(a, "-dials")) { n->convention = CONV_DIALS; n->pivot = PIVOT_SAMPLE; }
        if (has(a, "-fdet_vector") && vec_arg(argc, argv, i, n->fdet_vector)) { n->convention = CONV_CUSTOM; g->fdet_vector = 1; }
        if (has(a, "-sdet_vector") && vec_arg(argc, argv, i, n->sdet_vector)) { n->convention = CONV_CUSTOM; g->sdet_vector = 1; }
        if (has(a, "-odet_vector") && vec_arg(argc, argv, i, n->odet_vector)) { n->convention = CONV_CUSTOM; g->odet_vector = 1; }
        if (has(a, "-beam_vector") && vec_arg(argc, argv, i, n->beam_vector)) { n->convention = CONV_CUSTOM; g->beam_vector = 1; }
        if (has(a, "-polar_vector") && vec_arg(argc, argv, i, n->polar_vector)) { n->convention = CONV_CUSTOM; g->polar_vector = 1; }
        if (has(a, "-spindle_axis") && vec_arg(argc, argv, i, n->spindle_vector)) { n->convention = CONV_CUSTOM; g->spindle_vector = 1; }
        if (has(a, "-twotheta_axis") && vec_arg(argc, argv, i, n->twotheta_axis)) { n->convention = CONV_CUSTOM; g->twotheta_axis = 1; }
        if (has(a, "-pix0_vector") && argc > i+3) n->convention = CONV_CUSTOM;  /* numbers never used (Q14) */
        if (has(a, "-detector_rotx") && more) { n->rotx = atof(nx)/RTD; g->rot = 1; }
        if (has(a, "-detector_roty") && more) { n->roty = atof(nx)/RTD; g->rot = 1; }
        if (has(a, "-detector_rotz") && more) { n->rotz = atof(nx)/RTD; g->rot = 1; }
        if (has(a, "-twotheta") && more) { n->twotheta = atof(nx)/RTD; g->twotheta = 1; set_pivot(PIVOT_SAMPLE); }
        if (has(a, "-detector_abs") && more) {
            g->detector_abs = 1;
            if (has(nx, "inf") || atof(nx) == 0.0) { n->detector_thick = 0; n->detector_mu = 0; g->detector_abs_m = has(nx, "inf") ? INFINITY : 0.0; }
            else { n->detector_mu = 1.0/(atof(nx)*1e-6); g->detector_abs_m = atof(nx)*1e-6; }
        }
        if (has(a, "-detector_thick") && len == 15 && more) { n->detector_thick = atof(nx)*1e-6; g->detector_thick = 1; }
        if ((has(a, "-detector_thicksteps") || has(a, "-thicksteps")) && more) { n->detector_thicksteps = atoi(nx); g->detector_thicksteps = 1; }
        if (has(a, "-curved_det") && more) n->curved_detector = 1;
        if (has(a, "-point_pixel")) n->point_pixel = 1;
        if (has(a, "-oversample") && len == 11 && more) { n->oversample = atoi(nx); g->oversample = 1; }
        if (has(a, "-oversample_thick")) n->oversample_thick = 1;
        if (has(a, "-oversample_polar")) n->oversample_polar = 1;
        if (has(a, "-oversample_omega")) n->oversample_omega = 1;
        if (has(a, "-roi") && argc > i+4) {
            n->roi_xmin = atoi(argv[i+1]); n->roi_xmax = atoi(argv[i+2]);
            n->roi_ymin = atoi(argv[i+3]); n->roi_ymax = atoi(argv[i+4]); g->roi = 1;
        }
        if (((has(a, "-mosaic") && len == 7) || has(a, "-mosaici") || has(a, "-mosaic_spr")) && more) {
            n->mosaic_spread = atof(nx)/RTD; g->mosaic = 1;
        }
        if (has(a, "-mosaic_dom") && more) { n->mosaic_domains = atoi(nx); g->mosaic_domains = 1; }
        if (has(a, "-phi") && len == 4 && more) { n->phi0 = atof(nx)/RTD; g->phi0 = 1; }
        if (has(a, "-osc") && more) { n->osc = atof(nx)/RTD; g->osc = 1; }
        if (has(a, "-phistep") && len == 8 && more) { n->phistep = atof(nx)/RTD; g->phistep = 1; }
        if (has(a, "-phisteps") && more) { n->phisteps = atoi(nx); g->phisteps = 1; }
        if (has(a, "-dmin") && more) { n->dmin = atof(nx)*1e-10; g->dmin = 1; }
        if (has(a, "-round_xtal")) { n->xtal_shape = SHAPE_ROUND; g->xtal_shape = 1; }
        if (has(a, "-square_xtal")) { n->xtal_shape = SHAPE_SQUARE; g->xtal_shape = 1; }
        if (has(a, "-gauss_xtal")) { n->xtal_shape = SHAPE_GAUSS; g->xtal_shape = 1; }
        if (has(a, "-tophat_spots") || has(a, "-binary_spots")) { n->xtal_shape = SHAPE_TOPHAT; g->xtal_shape = 1; }
        if (has(a, "-fudge") && more) { n->fudge = atof(nx); g->fudge = 1; }
        if (has(a, "-interpolate")) { n->interpolate = 1; g->interpolate = 1; }
        if (has(a, "-nointerpolate")) { n->interpolate = 0; g->interpolate = 1; }
        if (has(a, "-water") && more) { n->water_size = atof(nx)/1e6; g->water = 1; }
        if (has(a, "-seed") && more) { n->seed = -atoi(nx); g->seed = 1; }
        if (has(a, "-mosaic_seed") && more) { n->mosaic_seed = -atoi(nx); g->mosaic_seed = 1; }
        if (has(a, "-misset_seed") && more) { n->misset_seed = -atoi(nx); g->misset_seed = 1; }
        if ((has(a, "-floatfile") || has(a, "-floatimage")) && more) n->floatfile = argv[i+1];
        if ((has(a, "-intfile") || has(a, "-intimage")) && more) n->intfile = argv[i+1];
        if ((has(a, "-noisefile") || has(a, "-noiseimage")) && more) { n->noisefile = argv[i+1]; n->calculate_noise = 1; }
        if (has(a, "-nonoise")) n->calculate_noise = 0;
        if (has(a, "-pgmfile") && more) { n->pgmfile = argv[i+1]; n->write_pgm = 1; }
        if (has(a, "-pgmscale") && more) { n->pgm_scale = atof(nx); n->write_pgm = 1; }
        if (has(a, "-nopgm")) n->write_pgm = 0;
        if (has(a, "-scale") && more) n->intfile_scale = atof(nx);
        if (has(a, "-adc") && more) n->adc_offset = atof(nx);
    }
    n->mosaic_seed_initial = n->mosaic_seed;
    n->misset_seed_initial = n->misset_seed;
    return 0;
}

#ifdef NBTRACE_ENABLE
static void cfg_num_or_null(const char *k, int given, double v) { if (given) nbt_cfg_num(k, v); else nbt_cfg_null(k); }
static void cfg_int_or_null(const char *k, int given, long v) { if (given) nbt_cfg_int(k, v); else nbt_cfg_null(k); }
static void cfg_vec_or_null(const char *k, int given, const double *v) { if (given) nbt_cfg_nums(k, 3, v); else nbt_cfg_null(k); }
static void cfg_pair(const char *k, int gf, double vf, int gs, double vs, int as_int)
{
    char buf[96], a[40], b[40];
    if (!gf && !gs) { nbt_cfg_null(k); return; }
    if (as_int) { sprintf(a, "%ld", (long)vf); sprintf(b, "%ld", (long)vs); }
    else { nbt_fmt_num(a, vf); nbt_fmt_num(b, vs); }
    snprintf(buf, sizeof buf, "[%s,%s]", gf ? a : "null", gs ? b : "null");
    nbt_cfg_raw(k, buf);
}

/* The config object of config.schema.json: what the user gave (SI units), null when not given. */
void nb_trace_config(void)
{
    nb_t *n = &NB; nb_given *g = &n->given;
    static const char *shapes[] = {"square", "round", "gauss", "tophat"};
    char buf[128];
    nbt_cfg_str("convention", nb_conv_names[n->convention]);
    if (g->pivot < 0) nbt_cfg_null("pivot_flag"); else nbt_cfg_str("pivot_flag", g->pivot == PIVOT_SAMPLE ? "sample" : "beam");
    cfg_pair("detsize_m", g->detsize_f, n->detsize_f, g->detsize_s, n->detsize_s, 0);
    cfg_pair("detpixels", g->detpixels_f, n->fpixels, g->detpixels_s, n->spixels, 1);
    cfg_num_or_null("pixel_size_m", g->pixel, n->pixel_size);
    cfg_num_or_null("distance_m", g->distance, n->distance);
    cfg_num_or_null("close_distance_m", g->close_distance, n->close_distance);
    cfg_num_or_null("Xbeam_m", g->Xbeam, n->Xbeam);
    cfg_num_or_null("Ybeam_m", g->Ybeam, n->Ybeam);
    cfg_num_or_null("Xclose_m", g->Xclose, n->Xclose);
    cfg_num_or_null("Yclose_m", g->Yclose, n->Yclose);
    cfg_num_or_null("ORGX", g->ORGX, n->ORGX);
    cfg_num_or_null("ORGY", g->ORGY, n->ORGY);
    { double r[3]; r[0] = n->rotx; r[1] = n->roty; r[2] = n->rotz; cfg_vec_or_null("detector_rotation_rad", g->rot, r); }
    cfg_num_or_null("twotheta_rad", g->twotheta, n->twotheta);
    cfg_vec_or_null("beam_vector", g->beam_vector, n->beam_vector);
    cfg_vec_or_null("fdet_vector", g->fdet_vector, n->fdet_vector);
    cfg_vec_or_null("sdet_vector", g->sdet_vector, n->sdet_vector);
    cfg_vec_or_null("odet_vector", g->odet_vector, n->odet_vector);
    cfg_vec_or_null("polar_vector", g->polar_vector, n->polar_vector);
    cfg_vec_or_null("spindle_vector", g->spindle_vector, n->spindle_vector);
    cfg_vec_or_null("twotheta_axis", g->twotheta_axis, n->twotheta_axis);
    nbt_cfg_bool("curved_detector", n->curved_detector);
    nbt_cfg_bool("point_pixel", n->point_pixel);
    cfg_num_or_null("lambda0_m", g->lambda, n->lambda0);
    nbt_cfg_bool("source_file", n->sourcefilename != NULL);
    cfg_num_or_null("dispersion", g->dispersion, n->dispersion);
    cfg_int_or_null("dispsteps", g->dispsteps, n->dispsteps);
    cfg_num_or_null("hdivrange_rad", g->hdivrange, n->hdivrange);
    cfg_num_or_null("vdivrange_rad", g->vdivrange, n->vdivrange);
    cfg_num_or_null("hdivstep_rad", g->hdivstep, n->hdivstep);
    cfg_num_or_null("vdivstep_rad", g->vdivstep, n->vdivstep);
    cfg_int_or_null("hdivsteps", g->hdivsteps, n->hdivsteps);
    cfg_int_or_null("vdivsteps", g->vdivsteps, n->vdivsteps);
    nbt_cfg_bool("round_div", n->round_div);
    if (n->user_cell) {
        double c[6]; c[0] = n->cell_a; c[1] = n->cell_b; c[2] = n->cell_c; c[3] = n->alpha; c[4] = n->beta; c[5] = n->gamma;
        nbt_cfg_nums("cell", 6, c);
    } else nbt_cfg_null("cell");
    nbt_cfg_bool("matrix_file", n->matfilename != NULL);
    if (g->misset == 2 && n->misset[0] == -1) nbt_cfg_str("misset", "random");
    else if (g->misset && n->misset[0] == 1) nbt_cfg_nums("misset", 3, n->misset + 1);
    else nbt_cfg_null("misset");
    cfg_int_or_null("misset_seed", g->misset_seed, n->misset_seed_initial);
    if (g->Na || g->Nb || g->Nc) {
        char a[24], b[24], c[24];
        sprintf(a, "%ld", (long)n->Na); sprintf(b, "%ld", (long)n->Nb); sprintf(c, "%ld", (long)n->Nc);
        snprintf(buf, sizeof buf, "[%s,%s,%s]", g->Na ? a : "null", g->Nb ? b : "null", g->Nc ? c : "null");
        nbt_cfg_raw("N_cells", buf);
    } else nbt_cfg_raw("N_cells", "[null,null,null]");
    { double s[3]; s[0] = n->sample_x; s[1] = n->sample_y; s[2] = n->sample_z; cfg_vec_or_null("sample_size_m", g->sample, s); }
    if (g->xtal_shape) nbt_cfg_str("xtal_shape", shapes[n->xtal_shape]); else nbt_cfg_null("xtal_shape");
    cfg_num_or_null("fudge", g->fudge, n->fudge);
    cfg_num_or_null("mosaic_spread_rad", g->mosaic, n->mosaic_spread);
    cfg_int_or_null("mosaic_domains", g->mosaic_domains, n->mosaic_domains);
    cfg_int_or_null("mosaic_seed", g->mosaic_seed, n->mosaic_seed_initial);
    cfg_num_or_null("phi0_rad", g->phi0, n->phi0);
    cfg_num_or_null("osc_rad", g->osc, n->osc);
    cfg_num_or_null("phistep_rad", g->phistep, n->phistep);
    cfg_int_or_null("phisteps", g->phisteps, n->phisteps);
    cfg_int_or_null("oversample", g->oversample, n->oversample);
    nbt_cfg_bool("oversample_thick", n->oversample_thick);
    nbt_cfg_bool("oversample_polar", n->oversample_polar);
    nbt_cfg_bool("oversample_omega", n->oversample_omega);
    cfg_num_or_null("detector_thick_m", g->detector_thick, n->detector_thick);
    cfg_int_or_null("detector_thicksteps", g->detector_thicksteps, n->detector_thicksteps);
    cfg_num_or_null("detector_abs_m", g->detector_abs, g->detector_abs_m);
    cfg_num_or_null("fluence", g->fluence, n->fluence);
    cfg_num_or_null("flux", g->flux, n->flux);
    cfg_num_or_null("exposure_s", g->exposure, n->exposure);
    cfg_num_or_null("beamsize_m", g->beamsize, n->beamsize);
    cfg_num_or_null("kahn_factor", g->polar, n->polarization);
    nbt_cfg_bool("nopolar", n->nopolar);
    if (g->interpolate) nbt_cfg_bool("interpolate", n->interpolate == 1); else nbt_cfg_null("interpolate");
    cfg_num_or_null("default_F", g->default_F, n->default_F);
    cfg_num_or_null("dmin_m", g->dmin, n->dmin);
    cfg_num_or_null("water_size_m", g->water, n->water_size);
    if (g->roi) {
        snprintf(buf, sizeof buf, "[%d,%d,%d,%d]", n->roi_xmin, n->roi_xmax, n->roi_ymin, n->roi_ymax);
        nbt_cfg_raw("roi", buf);
    } else nbt_cfg_null("roi");
    nbt_cfg_bool("mask", n->maskfile != NULL);
    nbt_cfg_bool("noise", n->calculate_noise);
    cfg_int_or_null("seed", g->seed, n->seed);
}
#else
void nb_trace_config(void) {}
#endif
