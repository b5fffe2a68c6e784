/* structure_factor.c - HKL grid, nearest-neighbour and tricubic lookup with the sticky
 * out-of-range fallback (physics.md §5, Q8, Q10, Q16). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "nb.h"

#define FHKL(h, k, l) NB.Fhkl[((size_t)(h)*(NB.k_range + 1) + (size_t)(k))*(NB.l_range + 1) + (size_t)(l)]

void nb_read_hkl(void)
{
    nb_t *n = &NB; FILE *f; double h, k, l, F; int i, first = 1;
    double hmin = 0, hmax = 0, kmin = 0, kmax = 0, lmin = 0, lmax = 0;
    n->hkls = 0;
    if (!n->hklfilename) {
        FILE *fd = fopen("Fdump.bin", "rb");
        if (fd) {
            fclose(fd);
            nb_warn("WARNING: ./Fdump.bin exists: the reference nanoBragg would silently load it here (Q10); "
                    "nbtrace ignores it -- pass -hkl to use structure factors");
        }
        if (n->default_F == 0.0) nb_die("no structure factors: give -hkl FILE or -default_F F");
        return;
    }
    f = fopen(n->hklfilename, "r");
    if (!f) nb_die("cannot open hkl file %s", n->hklfilename);
    if (!n->quiet) printf("counting entries in %s\n", n->hklfilename);
    while (fscanf(f, "%lg%lg%lg%lg", &h, &k, &l, &F) == 4) {
        if (h != ceil(h - 0.4) || k != ceil(k - 0.4) || l != ceil(l - 0.4)) nb_warn("WARNING: non-integer value for h k l");
        if (first || h < hmin) hmin = h;
        if (first || h > hmax) hmax = h;
        if (first || k < kmin) kmin = k;
        if (first || k > kmax) kmax = k;
        if (first || l < lmin) lmin = l;
        if (first || l > lmax) lmax = l;
        first = 0;
        n->hkls++;
    }
    if (n->hkls == 0) { fclose(f); return; }
    n->h_min = (int)hmin; n->h_max = (int)hmax; n->k_min = (int)kmin; n->k_max = (int)kmax;
    n->l_min = (int)lmin; n->l_max = (int)lmax;
    n->h_range = n->h_max - n->h_min + 1; n->k_range = n->k_max - n->k_min + 1; n->l_range = n->l_max - n->l_min + 1;
    if (n->h_range < 0 || n->k_range < 0 || n->l_range < 0) nb_die("bad hkl ranges");
    n->Fhkl = calloc((size_t)(n->h_range + 1)*(n->k_range + 1)*(n->l_range + 1), sizeof(double));
    if (!n->Fhkl) nb_die("out of memory for the hkl grid");
    if (n->default_F != 0.0) {
        size_t j, tot = (size_t)(n->h_range + 1)*(n->k_range + 1)*(n->l_range + 1);
        for (j = 0; j < tot; j++) n->Fhkl[j] = n->default_F;
    }
    rewind(f);
    if (!n->quiet) printf("re-reading %s\n", n->hklfilename);
    for (i = 0; i < n->hkls; i++) {
        int hh, kk, ll; double FF;
        if (fscanf(f, "%d%d%d%lg", &hh, &kk, &ll, &FF) != 4) break;
        if (hh < n->h_min || hh > n->h_max || kk < n->k_min || kk > n->k_max || ll < n->l_min || ll > n->l_max) continue;
        FHKL(hh - n->h_min, kk - n->k_min, ll - n->l_min) = FF;
    }
    fclose(f);
    if (!n->quiet) printf("  %d initialized hkls (all others =%g)\n", n->hkls, n->default_F);
    /* Fdump.bin (the reference's cache) is deliberately not written: see docs/instrumenting-nanobragg.md */
}

static double polint(const double *xa, const double *ya, double x)
{
    double x0, x1, x2, x3;
    x0 = (x-xa[1])*(x-xa[2])*(x-xa[3])*ya[0]/((xa[0]-xa[1])*(xa[0]-xa[2])*(xa[0]-xa[3]));
    x1 = (x-xa[0])*(x-xa[2])*(x-xa[3])*ya[1]/((xa[1]-xa[0])*(xa[1]-xa[2])*(xa[1]-xa[3]));
    x2 = (x-xa[0])*(x-xa[1])*(x-xa[3])*ya[2]/((xa[2]-xa[0])*(xa[2]-xa[1])*(xa[2]-xa[3]));
    x3 = (x-xa[0])*(x-xa[1])*(x-xa[2])*ya[3]/((xa[3]-xa[0])*(xa[3]-xa[1])*(xa[3]-xa[2]));
    return x0 + x1 + x2 + x3;
}
static double polin2(const double *x1a, const double *x2a, double ya[4][4], double x1, double x2)
{
    double ym[4]; int j;
    for (j = 0; j < 4; j++) ym[j] = polint(x2a, ya[j], x2);
    return polint(x1a, ym, x1);
}
static double polin3(const double *x1a, const double *x2a, const double *x3a, double ya[4][4][4],
                     double x1, double x2, double x3)
{
    double ym[4]; int j;
    for (j = 0; j < 4; j++) ym[j] = polin2(x2a, x3a, ya[j], x2, x3);
    return polint(x1a, ym, x1);
}

int nb_hkl_out_of_range(double h, double k, double l)
{
    nb_t *n = &NB;
    return (h - n->h_min + 3) > n->h_range || (h - 2) < n->h_min ||
           (k - n->k_min + 3) > n->k_range || (k - 2) < n->k_min ||
           (l - n->l_min + 3) > n->l_range || (l - 2) < n->l_min;
}

static int warned = 0;
/* F_cell for one term; may switch the global NB.interpolate off (Q8). mode: FMODE_* */
double nb_F_cell(double h, double k, double l, int h0, int k0, int l0, int *mode, int check_only)
{
    nb_t *n = &NB;
    double F_cell = n->default_F;
    *mode = FMODE_DEFAULT;
    if (n->interpolate == 1) {
        if (nb_hkl_out_of_range(h, k, l)) {
            if (!warned && !n->quiet) {
                printf("WARNING: out of range for three point interpolation: h,k,l,h0,k0,l0: %g,%g,%g,%d,%d,%d \n", h, k, l, h0, k0, l0);
                printf("WARNING: further warnings will not be printed! \n");
            }
            warned = 1;
            F_cell = n->default_F;
            n->interpolate = 0;
        } else {
            int hf = (int)floor(h), kf = (int)floor(k), lf = (int)floor(l), i1, i2, i3;
            double hn[4], kn[4], ln[4], sub[4][4][4];
            if (check_only) return 0.0;
            for (i1 = 0; i1 < 4; i1++) { hn[i1] = hf - 1 + i1; kn[i1] = kf - 1 + i1; ln[i1] = lf - 1 + i1; }
            for (i1 = 0; i1 < 4; i1++) for (i2 = 0; i2 < 4; i2++) for (i3 = 0; i3 < 4; i3++)
                sub[i1][i2][i3] = FHKL(hf - 1 + i1 - n->h_min, kf - 1 + i2 - n->k_min, lf - 1 + i3 - n->l_min);
            *mode = FMODE_TRICUBIC;
            return polin3(hn, kn, ln, sub, h, k, l);
        }
    }
    if (n->interpolate == 0) {
        if (n->hkls > 0 && h0 >= n->h_min && h0 <= n->h_max && k0 >= n->k_min && k0 <= n->k_max &&
            l0 >= n->l_min && l0 <= n->l_max) {
            F_cell = FHKL(h0 - n->h_min, k0 - n->k_min, l0 - n->l_min);
            *mode = FMODE_NEAREST;
        } else {
            F_cell = n->default_F;
            *mode = FMODE_DEFAULT;
        }
    }
    return F_cell;
}
