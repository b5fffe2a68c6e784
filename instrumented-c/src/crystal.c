/* crystal.c - unit cell, -mat orientation, misset, real/reciprocal vectors (docs/ts-engine.md#crystal),
 * crystal size and oversample auto-selection (#crystal-size-and-oversample). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "nb.h"

static void read_matrix(const char *file)
{
    nb_t *n = &NB; double m[9]; int i; FILE *f = fopen(file, "r");
    if (!f) nb_die("cannot open matrix file %s", file);
    for (i = 0; i < 9; i++) if (fscanf(f, "%lg", &m[i]) != 1) nb_die("matrix file %s: need 9 numbers", file);
    fclose(f);
    /* line i = (a*_i, b*_i, c*_i) in lambda-Å^-1 units */
    for (i = 0; i < 3; i++) { n->a_star[i] = m[3*i]; n->b_star[i] = m[3*i+1]; n->c_star[i] = m[3*i+2]; }
    nb_vector_scale(n->a_star, 1e-10/n->lambda0, n->a_star);
    nb_vector_scale(n->b_star, 1e-10/n->lambda0, n->b_star);
    nb_vector_scale(n->c_star, 1e-10/n->lambda0, n->c_star);
}

void nb_crystal(void)
{
    nb_t *n = &NB;
    double V_cell = 0, V_star;
    vec3 axb, bxc, cxa, a, b, c;
    /* the -cell values with nanoBragg's defaults */
    n->cell_a = n->cell[0]; n->cell_b = n->cell[1] <= 0.0 ? n->cell[0] : n->cell[1];
    n->cell_c = n->cell[2] <= 0.0 ? n->cell[0] : n->cell[2];
    n->alpha = n->cell[3] <= 0.0 ? M_PI/2 : n->cell[3];
    n->beta = n->cell[4] <= 0.0 ? M_PI/2 : n->cell[4];
    n->gamma = n->cell[5] <= 0.0 ? M_PI/2 : n->cell[5];
    if (!n->matfilename && n->cell_a == 0.0) nb_refuse("no unit cell: give -cell a b c alpha beta gamma or -mat file");
    if (n->user_cell) {
        double A = n->cell_a, B = n->cell_b, C = n->cell_c, al = n->alpha, be = n->beta, ga = n->gamma;
        double aavg = (al + be + ga)/2.0, skew, as_len, bs_len, cs_len, sgs, cas, cbs, cgs;
        skew = sin(aavg)*sin(aavg - al)*sin(aavg - be)*sin(aavg - ga);
        skew = fabs(skew);
        V_cell = 2.0*A*B*C*sqrt(skew);
        if (V_cell <= 0) { nb_warn("WARNING: zero unit cell volume"); V_cell = DBL_MIN; }
        V_star = 1.0/V_cell;
        as_len = B*C*sin(al)*V_star;
        bs_len = C*A*sin(be)*V_star;
        cs_len = A*B*sin(ga)*V_star;
        sgs = C*V_star/as_len/bs_len;
        cas = (cos(be)*cos(ga) - cos(al))/(sin(be)*sin(ga));
        cbs = (cos(ga)*cos(al) - cos(be))/(sin(ga)*sin(al));
        cgs = (cos(al)*cos(be) - cos(ga))/(sin(al)*sin(be));
        if (sgs > 1.0) sgs = 1.0;
        if (sgs < -1.0) sgs = -1.0;
        if (cas*cas > 1.0) cas = 1.0;
        if (cbs*cbs > 1.0) cbs = 1.0;
        if (cgs*cgs > 1.0) cgs = 1.0;
        n->a_star[0] = as_len; n->a_star[1] = 0; n->a_star[2] = 0;
        n->b_star[0] = bs_len*cgs; n->b_star[1] = bs_len*sgs; n->b_star[2] = 0;
        n->c_star[0] = cs_len*cbs;
        n->c_star[1] = cs_len*(cas - cbs*cgs)/sgs;
        n->c_star[2] = cs_len*V_cell/(A*B*C*sgs);        /* Q1: not 1/c for triclinic cells */
    }
    if (n->matfilename) read_matrix(n->matfilename);

    if (n->misset[0] == -1) {     /* random misset: 90 passed as radians (quirk Q9) */
        n->misset_random = 1;
        double umat[9], mis[3];
        nb_mosaic_rotation_umat(90.0f, umat, &n->misset_seed, n->misset_draws, NULL);
        nb_umat2misset(umat, mis);
        n->misset[1] = mis[0]; n->misset[2] = mis[1]; n->misset[3] = mis[2];
        n->misset[0] = 1;
        if (!n->quiet) printf("random orientation misset angles: %f %f %f deg\n", mis[0]*RTD, mis[1]*RTD, mis[2]*RTD);
    }
    if (n->misset[0] > 0) {
        nb_rotate(n->a_star, n->a_star, n->misset[1], n->misset[2], n->misset[3]);
        nb_rotate(n->b_star, n->b_star, n->misset[1], n->misset[2], n->misset[3]);
        nb_rotate(n->c_star, n->c_star, n->misset[1], n->misset[2], n->misset[3]);
    }
    nb_cross(n->a_star, n->b_star, axb);
    nb_cross(n->b_star, n->c_star, bxc);
    nb_cross(n->c_star, n->a_star, cxa);
    V_star = nb_dot(n->a_star, bxc);
    if (n->user_cell) {
        nb_vector_rescale(bxc, n->cell_a/V_cell, bxc);
        nb_vector_rescale(cxa, n->cell_b/V_cell, cxa);
        nb_vector_rescale(axb, n->cell_c/V_cell, axb);
        V_star = 1.0/V_cell;
    }
    V_cell = 1.0/V_star;
    nb_vector_scale(bxc, V_cell, a);
    nb_vector_scale(cxa, V_cell, b);
    nb_vector_scale(axb, V_cell, c);
    {
        vec3 t;
        nb_cross(b, c, t); nb_vector_scale(t, V_star, n->a_star);
        nb_cross(c, a, t); nb_vector_scale(t, V_star, n->b_star);
        nb_cross(a, b, t); nb_vector_scale(t, V_star, n->c_star);
    }
    n->V_cell = V_cell; n->V_star = V_star;
    /* traced "input" cell: the -cell values, or the cell implied by -mat */
    if (n->user_cell) {
        n->cell_abc[0] = n->cell_a; n->cell_abc[1] = n->cell_b; n->cell_abc[2] = n->cell_c;
        n->cell_angles[0] = n->alpha; n->cell_angles[1] = n->beta; n->cell_angles[2] = n->gamma;
    } else {
        double la = nb_magnitude(a), lb = nb_magnitude(b), lc = nb_magnitude(c);
        n->cell_abc[0] = la; n->cell_abc[1] = lb; n->cell_abc[2] = lc;
        n->cell_angles[0] = acos(nb_dot(b, c)/(lb*lc));
        n->cell_angles[1] = acos(nb_dot(c, a)/(lc*la));
        n->cell_angles[2] = acos(nb_dot(a, b)/(la*lb));
    }
    if (!n->quiet) {
        printf("real-space cell vectors (Angstrom):\n");
        printf("X: %11.8f %11.8f %11.8f\nY: %11.8f %11.8f %11.8f\nZ: %11.8f %11.8f %11.8f\n",
               a[0], b[0], c[0], a[1], b[1], c[1], a[2], b[2], c[2]);
        printf("volume = %g A^3\n", V_cell);
    }
    nb_vector_scale(a, 1e-10, n->a0);
    nb_vector_scale(b, 1e-10, n->b0);
    nb_vector_scale(c, 1e-10, n->c0);
}

/* docs/ts-engine.md#crystal-size-and-oversample (after the cell is known) */
void nb_crystal_size(void)
{
    nb_t *n = &NB;
    double la = nb_magnitude(n->a0), lb = nb_magnitude(n->b0), lc = nb_magnitude(n->c0);
    double xtalsize_max, reciprocal_pixel_size; int recommended;
    if (n->sample_x > 0) n->Na = ceil(n->sample_x/la);
    if (n->sample_y > 0) n->Nb = ceil(n->sample_y/lb);
    if (n->sample_z > 0) n->Nc = ceil(n->sample_z/lc);
    if (n->Na <= 1) n->Na = 1;
    if (n->Nb <= 1) n->Nb = 1;
    if (n->Nc <= 1) n->Nc = 1;
    xtalsize_max = la*n->Na;
    if (xtalsize_max < lb*n->Nb) xtalsize_max = lb*n->Nb;
    if (xtalsize_max < lc*n->Nc) xtalsize_max = lc*n->Nc;
    reciprocal_pixel_size = n->lambda0*n->distance/n->pixel_size;
    recommended = nb_cint(ceil(3.0*xtalsize_max/reciprocal_pixel_size));   /* inf or huge: INT_MIN, as x86 converts */
    if (recommended <= 0) recommended = 1;
    if (n->oversample <= 0) {
        n->oversample = recommended;
        if (!n->quiet) printf("auto-selected %d-fold oversampling\n", n->oversample);
    } else if (n->oversample < recommended && !n->quiet) {
        printf("WARNING: maximum recommended oversample is %d\n", recommended);
    }
}
