/* setup.c - set-up in execution order (docs/ts-engine.md#set-up), including the sampling
 * auto-selection rules (#sampling) and the sizes refused before allocating (#limits). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "nb.h"

/* a count from ceil(range/step), refused before it is converted to int when too large */
static int count_of(double c, long limit, const char *what, const char *flag)
{
    if (!(c <= (double)limit)) nb_refuse("%s: %s: %.15g is too many (limit %ld)", flag, what, c, limit);
    return (int)c;
}

/* the shared range/step/count rule (divergence, dispersion) */
static void auto_steps(double *R, double *d, int *nn, const char *what, const char *flag)
{
    double r = *R, s = *d; int n = *nn;
    if (n <= 0) {
        if (r < 0) { if (s <= 0) { n = 1; r = 0; s = 0; } else { r = s; n = 2; } }
        else { if (s <= 0) { s = r; n = 2; } else n = count_of(ceil(r/s), NB_MAX_SOURCES, what, flag); }
    } else {
        if (r < 0) { if (s <= 0) { r = 1.0; s = r/n; } else { r = s; n = 2; } }
        else if (s <= 0) { if (n <= 1) n = 2; s = r/(n - 1); }
    }
    if (r <= 0 || s <= 0 || n <= 0) { n = 1; r = 0; s = 0; }
    *R = r; *d = s; *nn = n;
}

void nb_setup_steps(void)
{
    nb_t *n = &NB;
    /* phi */
    if (n->phisteps < 0) {
        if (n->osc < 0) {
            if (n->phistep <= 0) { n->phisteps = 1; n->osc = 0; n->phistep = 0; }
            else { n->osc = n->phistep; n->phisteps = 2; }
        } else {
            if (n->phistep <= 0) { n->phisteps = 2; n->phistep = n->osc/2; }
            else n->phisteps = count_of(ceil(n->osc/n->phistep), NB_MAX_PHISTEPS, "phi steps", "-phistep");
        }
    } else {
        if (n->phisteps == 0) n->phisteps = 1;
        if (n->osc < 0) {
            if (n->phistep <= 0) { n->osc = 1.0/RTD; n->phistep = n->osc/n->phisteps; }
            else { n->osc = n->phistep; n->phisteps = 2; }
        } else if (n->phistep < 0) n->phistep = n->osc/n->phisteps;
    }
    auto_steps(&n->hdivrange, &n->hdivstep, &n->hdivsteps, "horizontal divergence points", "-hdivstep");
    auto_steps(&n->vdivrange, &n->vdivstep, &n->vdivsteps, "vertical divergence points", "-vdivstep");
    auto_steps(&n->dispersion, &n->dispstep, &n->dispsteps, "wavelengths", "-dispsteps");
    /* detector thickness: the same rule (a negative thickness with a layer count becomes 0.5 um) */
    if (n->detector_thicksteps <= 0) {
        if (n->detector_thick < 0) {
            if (n->detector_thickstep <= 0) { n->detector_thicksteps = 1; n->detector_thick = 0; n->detector_thickstep = 0; }
            else { n->detector_thick = n->detector_thickstep; n->detector_thicksteps = 2; }
        } else if (n->detector_thickstep <= 0) { n->detector_thicksteps = 2; n->detector_thickstep = n->detector_thick/n->detector_thicksteps; }
        else n->detector_thicksteps = (int)ceil(n->detector_thick/n->detector_thickstep);
    } else if (n->detector_thick < 0) {
        if (n->detector_thickstep <= 0) { n->detector_thick = 0.5e-6; n->detector_thickstep = n->detector_thick/n->detector_thicksteps; }
        else { n->detector_thick = n->detector_thickstep; n->detector_thicksteps = 2; }
    } else if (n->detector_thickstep <= 0) {
        if (n->detector_thicksteps <= 1) n->detector_thicksteps = 2;
        n->detector_thickstep = n->detector_thick/(n->detector_thicksteps - 1);
    }
    if (n->detector_thick > 0 && n->detector_mu < 0) n->detector_mu = 1.0/n->detector_thick;
    if (n->detector_thick <= 0 || n->detector_thickstep <= 0 || n->detector_thicksteps <= 0) {
        n->detector_thicksteps = 1; n->detector_thick = 0; n->detector_thickstep = 0;
    }
    /* mosaic */
    if (n->mosaic_domains <= 0) {
        if (n->mosaic_spread < 0) { n->mosaic_domains = 1; n->mosaic_spread = 0; }
        else if (n->mosaic_spread == 0) n->mosaic_domains = 1;
        else { n->mosaic_domains = 10; nb_warn("WARNING: setting mosaic_domains = 10"); }
    } else {
        if (n->mosaic_spread < 0) { n->mosaic_spread = 0; n->mosaic_domains = 1; nb_warn("WARNING: no mosaic spread given: 1 domain"); }
        else if (n->mosaic_spread == 0) { n->mosaic_domains = 1; nb_warn("WARNING: zero mosaic spread: 1 domain"); }
    }
    /* sizes checked before anything is allocated (src/sim/limits.ts) */
    if (n->mosaic_domains > NB_MAX_DOMAINS) nb_refuse("-mosaic_domains: mosaic domains: %d is too many (limit %ld)", n->mosaic_domains, NB_MAX_DOMAINS);
    if (n->phisteps > NB_MAX_PHISTEPS) nb_refuse("-phisteps: phi steps: %d is too many (limit %ld)", n->phisteps, NB_MAX_PHISTEPS);
    if (!n->sourcefilename && (double)n->hdivsteps*n->vdivsteps*n->dispsteps > (double)NB_MAX_SOURCES)
        nb_refuse("%s: beam sources (%d x %d divergence points x %d wavelengths): %.15g is too many (limit %ld)",
                  n->dispsteps > n->hdivsteps*(double)n->vdivsteps ? "-dispsteps" : "-divsteps",
                  n->hdivsteps, n->vdivsteps, n->dispsteps, (double)n->hdivsteps*n->vdivsteps*n->dispsteps, NB_MAX_SOURCES);
}

void nb_setup(void)
{
    nb_t *n = &NB;
    double odet_len;
    /* 1. detector size */
    if (n->fpixels > 0) n->detsize_f = n->pixel_size*n->fpixels;
    if (n->spixels > 0) n->detsize_s = n->pixel_size*n->spixels;
    n->fpixels = (int)ceil(n->detsize_f/n->pixel_size - 0.5);
    n->spixels = (int)ceil(n->detsize_s/n->pixel_size - 0.5);
    if ((double)n->fpixels*n->spixels > (double)NB_MAX_PIXELS)
        nb_refuse("-detpixels: detector of %dx%d pixels is too large (limit %ld pixels)", n->fpixels, n->spixels, NB_MAX_PIXELS);
    nb_mask_pixels();
    /* 2. fluence */
    if (n->flux != 0.0 && n->exposure > 0.0 && n->beamsize >= 0) n->fluence = n->flux*n->exposure/n->beamsize/n->beamsize;
    if (n->beamsize >= 0) {   /* with the default 0.1 mm beam too */
        if (n->beamsize < n->sample_y) { nb_warn("WARNING: clipping sample (%g m high) to beam size", n->sample_y); n->sample_y = n->beamsize; }
        if (n->beamsize < n->sample_z) { nb_warn("WARNING: clipping sample (%g m wide) to beam size", n->sample_z); n->sample_z = n->beamsize; }
    }
    /* 3. near point, beam defaults, ROI */
    n->Fclose = isnan(n->ORGX) ? n->detsize_f/2.0 : (n->ORGX - 0.5)*n->pixel_size;
    n->Sclose = isnan(n->ORGY) ? n->detsize_s/2.0 : (n->ORGY - 0.5)*n->pixel_size;
    if (isnan(n->Xclose)) n->Xclose = n->Fclose;
    if (isnan(n->Yclose)) n->Yclose = n->Sclose;
    n->Fbeam = n->Fclose; n->Sbeam = n->Sclose;
    if (n->roi_xmin < 0) n->roi_xmin = 0;
    if (n->roi_xmax < 0) n->roi_xmax = n->fpixels;
    if (n->roi_ymin < 0) n->roi_ymin = 0;
    if (n->roi_ymax < 0) n->roi_ymax = n->spixels;
    /* 4. convention */
    nb_conventions();
    /* 5. unit vectors */
    nb_unitize(n->beam_vector, n->beam_vector);
    nb_unitize(n->fdet_vector, n->fdet_vector);
    nb_unitize(n->sdet_vector, n->sdet_vector);
    odet_len = nb_unitize(n->odet_vector, n->odet_vector);
    if (odet_len != 1.0) {
        nb_warn("WARNING: odet_vector was not a unit vector: using fdet x sdet");
        nb_cross(n->fdet_vector, n->sdet_vector, n->odet_vector);
        nb_unitize(n->odet_vector, n->odet_vector);
    }
    nb_unitize(n->polar_vector, n->polar_vector);
    nb_unitize(n->spindle_vector, n->spindle_vector);
    nb_cross(n->beam_vector, n->polar_vector, n->vert_vector);
    nb_unitize(n->vert_vector, n->vert_vector);
    /* 6. sampling */
    nb_setup_steps();
    /* 7. detector geometry */
    nb_detector_geometry();
    /* 8. interpolation auto (before N is clamped) */
    if (n->interpolate == 2) {
        n->interpolate = (n->Na <= 2 || n->Nb <= 2 || n->Nc <= 2) ? 1 : 0;
    }
    /* 9. crystal, size, oversample */
    nb_crystal();
    nb_crystal_size();
    /* 10. structure factors */
    nb_read_hkl();
    if (n->hkls == 0) n->interpolate = 0;
    nb_check_stol_table();
    if (n->interpolate == 1 && !n->quiet) printf("auto-selected tricubic interpolation of structure factors\n");
    n->interpolate_initial = n->interpolate;
    /* 11. sources, mosaic, normalization */
    nb_sources();
    nb_mosaic_domains();
    n->steps = n->sources*n->mosaic_domains*n->phisteps*n->oversample*n->oversample;
    n->subpixel_size = n->pixel_size/n->oversample;
    n->I_bg = 2.57*2.57*n->r_e_sqr*n->fluence*n->water_size*n->water_size*n->water_size*1e6*6.02214179e23/18.0;
    if (!n->quiet) {
        printf("  %d sources, %d mosaic domains, %d phi steps, %dx%d pixel oversample steps, %d layers\n",
               n->sources, n->mosaic_domains, n->phisteps, n->oversample, n->oversample, n->detector_thicksteps);
    }
}
