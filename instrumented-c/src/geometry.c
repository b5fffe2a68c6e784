/* geometry.c - detector conventions, rotations and pix0 (docs/ts-engine.md#conventions, #detector-geometry). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include "nb.h"

const char *const nb_conv_names[] = {"MOSFLM", "DENZO", "ADXV", "XDS", "DIALS", "CUSTOM"};

static void set3(double *v, double x, double y, double z) { v[0] = x; v[1] = y; v[2] = z; }

/* vectors, beam-centre defaults and the forced pivot of each convention (quirk Q2) */
void nb_conventions(void)
{
    nb_t *n = &NB;
    double pix = n->pixel_size;
    switch (n->convention) {
    case CONV_MOSFLM: case CONV_DENZO:
        set3(n->beam_vector, 1, 0, 0); set3(n->fdet_vector, 0, 0, 1); set3(n->sdet_vector, 0, -1, 0);
        set3(n->odet_vector, 1, 0, 0); set3(n->twotheta_axis, 0, 0, -1); set3(n->polar_vector, 0, 0, 1);
        set3(n->spindle_vector, 0, 0, 1);
        if (isnan(n->Xbeam)) n->Xbeam = (n->detsize_s + pix)/2.0;
        if (isnan(n->Ybeam)) n->Ybeam = (n->detsize_f + pix)/2.0;
        if (n->convention == CONV_MOSFLM) { n->Fbeam = n->Ybeam + 0.5*pix; n->Sbeam = n->Xbeam + 0.5*pix; }
        else { n->Fbeam = n->Ybeam; n->Sbeam = n->Xbeam; }
        n->pivot = PIVOT_BEAM;
        break;
    case CONV_ADXV:
        set3(n->beam_vector, 0, 0, 1); set3(n->fdet_vector, 1, 0, 0); set3(n->sdet_vector, 0, -1, 0);
        set3(n->odet_vector, 0, 0, 1); set3(n->twotheta_axis, -1, 0, 0); set3(n->polar_vector, 1, 0, 0);
        set3(n->spindle_vector, 1, 0, 0);
        if (isnan(n->Xbeam)) n->Xbeam = (n->detsize_f + pix)/2.0;
        if (isnan(n->Ybeam)) n->Ybeam = (n->detsize_s - pix)/2.0;
        n->Fbeam = n->Xbeam; n->Sbeam = n->detsize_s - n->Ybeam;
        n->pivot = PIVOT_BEAM;
        break;
    case CONV_XDS: case CONV_DIALS:
        set3(n->beam_vector, 0, 0, 1); set3(n->fdet_vector, 1, 0, 0); set3(n->sdet_vector, 0, 1, 0);
        set3(n->odet_vector, 0, 0, 1);
        if (n->convention == CONV_XDS) {
            set3(n->twotheta_axis, 1, 0, 0); set3(n->polar_vector, 1, 0, 0); set3(n->spindle_vector, 1, 0, 0);
        } else {
            set3(n->twotheta_axis, 0, 1, 0); set3(n->polar_vector, 0, 1, 0); set3(n->spindle_vector, 0, 1, 0);
        }
        if (isnan(n->Xbeam)) n->Xbeam = n->Xclose;
        if (isnan(n->Ybeam)) n->Ybeam = n->Yclose;
        n->Fbeam = n->Xbeam; n->Sbeam = n->Ybeam;
        n->pivot = PIVOT_SAMPLE;
        break;
    default: /* CUSTOM: user vectors (or declaration defaults), pivot from the flags */
        if (isnan(n->Xbeam)) n->Xbeam = n->Xclose;
        if (isnan(n->Ybeam)) n->Ybeam = n->Yclose;
        n->Fbeam = n->Xbeam; n->Sbeam = n->Ybeam;
        n->Fclose = n->Xbeam; n->Sclose = n->Ybeam;
        break;
    }
    if (!n->quiet) {
        printf("%s convention selected.\n", n->convention == CONV_CUSTOM ? "custom" : nb_conv_names[n->convention]);
        printf("pivoting detector around %s\n", n->pivot == PIVOT_BEAM ? "direct beam spot" : "sample");
    }
}

/* docs/ts-engine.md#detector-geometry */
void nb_detector_geometry(void)
{
    nb_t *n = &NB;
    vec3 vector, nv;
    int i;
    nb_rotate(n->odet_vector, vector, n->rotx, n->roty, n->rotz);
    n->ratio = nb_dot(n->beam_vector, vector);
    if (n->ratio == 0.0) n->ratio = DBL_MIN;
    if (isnan(n->close_distance)) n->close_distance = fabs(n->ratio*n->distance);
    n->distance = n->close_distance/n->ratio;
    if (n->pivot == PIVOT_SAMPLE) {
        n->pivot_F = n->Fclose; n->pivot_S = n->Sclose; n->pivot_distance = n->close_distance;
        for (i = 0; i < 3; i++)
            n->pix0_vector[i] = -n->Fclose*n->fdet_vector[i] - n->Sclose*n->sdet_vector[i] + n->close_distance*n->odet_vector[i];
        nb_rotate(n->pix0_vector, n->pix0_vector, n->rotx, n->roty, n->rotz);
        nb_rotate_axis(n->pix0_vector, n->pix0_vector, n->twotheta_axis, n->twotheta);
    }
    nb_rotate(n->fdet_vector, n->fdet_vector, n->rotx, n->roty, n->rotz);
    nb_rotate(n->sdet_vector, n->sdet_vector, n->rotx, n->roty, n->rotz);
    nb_rotate(n->odet_vector, n->odet_vector, n->rotx, n->roty, n->rotz);
    nb_rotate_axis(n->fdet_vector, n->fdet_vector, n->twotheta_axis, n->twotheta);
    nb_rotate_axis(n->sdet_vector, n->sdet_vector, n->twotheta_axis, n->twotheta);
    nb_rotate_axis(n->odet_vector, n->odet_vector, n->twotheta_axis, n->twotheta);
    if (n->pivot == PIVOT_BEAM) {
        n->pivot_F = n->Fbeam; n->pivot_S = n->Sbeam; n->pivot_distance = n->distance;
        for (i = 0; i < 3; i++)
            n->pix0_vector[i] = -n->Fbeam*n->fdet_vector[i] - n->Sbeam*n->sdet_vector[i] + n->distance*n->beam_vector[i];
    }
    n->Fclose = -nb_dot(n->pix0_vector, n->fdet_vector);
    n->Sclose = -nb_dot(n->pix0_vector, n->sdet_vector);
    n->close_distance = nb_dot(n->pix0_vector, n->odet_vector);
    for (i = 0; i < 3; i++) nv[i] = n->close_distance/n->ratio*n->beam_vector[i] - n->pix0_vector[i];
    n->Fbeam = nb_dot(n->fdet_vector, nv);
    n->Sbeam = nb_dot(n->sdet_vector, nv);
    n->distance = n->close_distance/n->ratio;
    n->ORGX = n->Fclose/n->pixel_size + 0.5;
    n->ORGY = n->Sclose/n->pixel_size + 0.5;
    {
        vec3 z = {0, 0, 1}, y = {0, 1, 0}, mx = {-1, 0, 0};
        n->dials_origin[0] = 1000*nb_dot(n->pix0_vector, z);
        n->dials_origin[1] = 1000*nb_dot(n->pix0_vector, y);
        n->dials_origin[2] = 1000*nb_dot(n->pix0_vector, mx);
    }
    if (!n->quiet) {
        printf("DETECTOR_PIX0_VECTOR %.15g %.15g %.15g\n", n->pix0_vector[0], n->pix0_vector[1], n->pix0_vector[2]);
        printf("  Fbeam=%g Sbeam=%g\n  Fclose=%g Sclose=%g\n  distance=%g close_distance=%g\n",
               n->Fbeam, n->Sbeam, n->Fclose, n->Sclose, n->distance, n->close_distance);
    }
}
