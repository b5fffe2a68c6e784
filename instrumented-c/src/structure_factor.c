/* structure_factor.c - HKL grid, nearest-neighbour and tricubic lookup with the sticky
 * out-of-range fallback (docs/ts-engine.md#structure-factors; quirks Q8, Q10, Q16). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"

#define FHKL(h, k, l) NB.Fhkl[((size_t)(h)*(NB.k_range + 1) + (size_t)(k))*(NB.l_range + 1) + (size_t)(l)]

/* Refuses a grid too large to allocate ((range+1)^3 doubles, as upstream allocates it). */
static void check_grid(const char *file, const char *flag)
{
    nb_t *n = &NB;
    double nodes = ((double)n->h_range + 1)*((double)n->k_range + 1)*((double)n->l_range + 1);
    if (!(nodes <= (double)NB_MAX_HKL_NODES))
        nb_refuse("%s: %s: structure-factor grid of %dx%dx%d indices: %.15g nodes is too many (limit %ld)",
                  file, flag, n->h_range, n->k_range, n->l_range, nodes, NB_MAX_HKL_NODES);
}

static void alloc_grid(void)
{
    nb_t *n = &NB;
    n->Fhkl = calloc((size_t)(n->h_range + 1)*(n->k_range + 1)*(n->l_range + 1), sizeof(double));
    if (!n->Fhkl) nb_die("out of memory for the hkl grid");
}

/* -dump without -hkl: six integers (scanf "%d%d%d%d%d%d\n\f": every whitespace byte after them is
 * skipped, even the first bytes of the data), then rows of l_range+1 doubles; every node counts */
static void read_dump(const char *file)
{
    nb_t *n = &NB; FILE *f = fopen(file, "rb"); int h, k;
    if (!f) nb_refuse("cannot read fdump file '%s'", file);
    if (fscanf(f, "%d%d%d%d%d%d\n\f", &n->h_min, &n->h_max, &n->k_min, &n->k_max, &n->l_min, &n->l_max) != 6)
        nb_refuse("%s:1: not a structure-factor dump: it must start with six integers h_min h_max k_min k_max l_min l_max", file);
    n->h_range = n->h_max - n->h_min + 1; n->k_range = n->k_max - n->k_min + 1; n->l_range = n->l_max - n->l_min + 1;
    if (n->h_range < 0 || n->k_range < 0 || n->l_range < 0) nb_refuse("%s:1: structure-factor dump with an empty index range", file);
    check_grid(file, "-dump");
    alloc_grid();
    for (h = 0; h <= n->h_range; h++)
        for (k = 0; k <= n->k_range; k++)
            if (fread(&FHKL(h, k, 0), sizeof(double), (size_t)n->l_range + 1, f) != (size_t)n->l_range + 1) break;
    fclose(f);
    n->hkls = n->h_range*n->k_range*n->l_range;
}

/* The structure-factor cache upstream writes after reading an hkl file: the six ranges as text,
 * then (range+1)^3 native doubles (written with the images, -dump only: quirk Q10). */
void nb_write_dump(void)
{
    nb_t *n = &NB; FILE *f; char part[4096]; int h, k;
    if (!n->dumpfilename || !n->hklfilename || !n->Fhkl) return;
    snprintf(part, sizeof part, "%s.part", n->dumpfilename);
    f = fopen(part, "wb");
    if (!f) nb_die("cannot write %s", n->dumpfilename);
    fprintf(f, "%d %d %d %d %d %d\n\f", n->h_min, n->h_max, n->k_min, n->k_max, n->l_min, n->l_max);
    for (h = 0; h <= n->h_range; h++)
        for (k = 0; k <= n->k_range; k++)
            fwrite(&FHKL(h, k, 0), sizeof(double), (size_t)n->l_range + 1, f);
    if (fclose(f) != 0 || rename(part, n->dumpfilename) != 0) { remove(part); nb_die("cannot write %s", n->dumpfilename); }
    printf("NBTRACE_OUTPUT %s\n", n->dumpfilename);
}

/* The hkl table as upstream reads it (quirk Q16): a first pass of records of four numbers (%lg:
 * a record that is not four numbers ends the file) for the ranges, kept in int variables assigned
 * from the doubles; a second pass reading h k l as integers (%d%d%d%lg) onto a grid pre-filled
 * with default_F. Without -hkl: the -dump file when it exists, else default_F alone. */
void nb_read_hkl(void)
{
    nb_t *n = &NB; FILE *f; double h, k, l, F; int i;
    n->hkls = 0;
    if (!n->hklfilename) {
        FILE *fd;
        if (n->dumpfilename && (fd = fopen(n->dumpfilename, "rb")) != NULL) { fclose(fd); read_dump(n->dumpfilename); return; }
        if (!n->dumpfilename && (fd = fopen("Fdump.bin", "rb")) != NULL) {
            fclose(fd);
            nb_warn("WARNING: Fdump.bin exists in the working directory: the reference nanoBragg would silently load it "
                    "(no -hkl); it is ignored here (name it with -dump to use it)");
        }
        if (n->default_F == 0.0) nb_refuse("no structure factors: give -hkl file or -default_F F");
        return;
    }
    f = fopen(n->hklfilename, "r");
    if (!f) nb_refuse("cannot read hkl file '%s'", n->hklfilename);
    if (!n->quiet) printf("counting entries in %s\n", n->hklfilename);
    n->h_min = n->k_min = n->l_min = 1000000000;
    n->h_max = n->k_max = n->l_max = -1000000000;
    while (fscanf(f, "%lg%lg%lg%lg", &h, &k, &l, &F) == 4) {
        if (h != ceil(h - 0.4) || k != ceil(k - 0.4) || l != ceil(l - 0.4)) nb_warn("WARNING: non-integer value for h k l");
        if (n->h_min > h) n->h_min = nb_cint(h);
        if (n->k_min > k) n->k_min = nb_cint(k);
        if (n->l_min > l) n->l_min = nb_cint(l);
        if (n->h_max < h) n->h_max = nb_cint(h);
        if (n->k_max < k) n->k_max = nb_cint(k);
        if (n->l_max < l) n->l_max = nb_cint(l);
        n->hkls++;
    }
    n->h_range = n->h_max - n->h_min + 1; n->k_range = n->k_max - n->k_min + 1; n->l_range = n->l_max - n->l_min + 1;
    if (n->hkls == 0 || n->h_range < 0 || n->k_range < 0 || n->l_range < 0)
        nb_refuse("%s: no reflections: an hkl file needs records of four numbers h k l F (nanoBragg exits on this file)", n->hklfilename);
    check_grid(n->hklfilename, "-hkl");
    alloc_grid();
    if (n->default_F != 0.0) {
        int a, b, c;
        for (a = 0; a < n->h_range; a++) for (b = 0; b < n->k_range; b++) for (c = 0; c < n->l_range; c++) FHKL(a, b, c) = n->default_F;
    }
    rewind(f);
    if (!n->quiet) printf("re-reading %s\n", n->hklfilename);
    for (i = 0; ; i++) {
        int hh, kk, ll; double FF;
        if (fscanf(f, "%d%d%d%lg", &hh, &kk, &ll, &FF) != 4) break;
        if (hh < n->h_min || hh > n->h_max || kk < n->k_min || kk > n->k_max || ll < n->l_min || ll > n->l_max) continue;
        FHKL(hh - n->h_min, kk - n->k_min, ll - n->l_min) = FF;
    }
    fclose(f);
    if (!n->quiet) printf("  %d initialized hkls (all others =%g)\n", n->hkls, n->default_F);
}

/* -stol/-4stol/-Q: upstream reads the table (two columns) and exits when it has no line; nothing
 * it computes uses it. A line is any line that is not only delimiters. */
void nb_check_stol_table(void)
{
    nb_t *n = &NB; FILE *f; char line[10240]; double v[2]; int lines = 0;
    if (!n->stolfilename) return;
    f = fopen(n->stolfilename, "r");
    if (!f) nb_refuse("cannot read stol file '%s'", n->stolfilename);
    while (fgets(line, sizeof line, f) != NULL) lines += nb_text_columns(line, 2, v);
    fclose(f);
    if (lines == 0) nb_refuse("%s: no data in the table (nanoBragg exits on it)", n->stolfilename);
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
/* A NaN Miller index passes the interpolation range test (every comparison with NaN is false), and
 * upstream then reads the table at (int)floor(NaN): it crashes. The engines refuse at that term
 * instead (a source of wavelength 0, from a source file's CR or missing newline, makes it). */
void nb_check_interpolation_index(double h, double k, double l)
{
    if (isnan(h) || isnan(k) || isnan(l))
        nb_refuse("interpolation at a NaN Miller index (a source of wavelength 0?): upstream nanoBragg crashes here");
}

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
            int hf, kf, lf, i1, i2, i3;
            double hn[4], kn[4], ln[4], sub[4][4][4];
            nb_check_interpolation_index(h, k, l);
            if (check_only) return 0.0;
            hf = (int)floor(h); kf = (int)floor(k); lf = (int)floor(l);
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
