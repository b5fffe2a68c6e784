/* sources.c - beam sources: -sourcefile (with the reference tokenizer's quirks) or the
 * divergence x dispersion grid (docs/ts-engine.md#sources). Weights are kept but never used (quirk Q7). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"

static const char *DELIM = " \t,;:!";

static void add_source(int *cap, double x, double y, double z, double w, double lam)
{
    nb_t *n = &NB;
    if (n->sources >= *cap) {
        *cap = *cap ? 2 * *cap : 64;
        n->source_X = realloc(n->source_X, sizeof(double) * *cap);
        n->source_Y = realloc(n->source_Y, sizeof(double) * *cap);
        n->source_Z = realloc(n->source_Z, sizeof(double) * *cap);
        n->source_I = realloc(n->source_I, sizeof(double) * *cap);
        n->source_lambda = realloc(n->source_lambda, sizeof(double) * *cap);
        if (!n->source_X || !n->source_Y || !n->source_Z || !n->source_I || !n->source_lambda) nb_die("out of memory");
    }
    n->source_X[n->sources] = x; n->source_Y[n->sources] = y; n->source_Z[n->sources] = z;
    n->source_I[n->sources] = w; n->source_lambda[n->sources] = lam;
    n->sources++;
}

/* One line of upstream's generic column reader (read_text_file): leading delimiters skipped, a line
 * of delimiters and its newline skipped (returns 0); then per column atof(), skip the number
 * characters, and the line ends as soon as exactly its newline is left; else skip to and over the
 * next delimiters, and the line ends when its newline is left. Columns never read stay NaN; a CR
 * before the newline, or a last line without one, is never exactly the newline, so the remaining
 * columns are read from the empty end of the line as 0. Mirrors parseSourceText (sources.ts). */
int nb_text_columns(const char *line, int ncols, double *v)
{
    const char *p = line; int col;
    for (col = 0; col < ncols; col++) v[col] = NAN;
    p += strspn(p, DELIM);
    if (strcmp(p, "\n") == 0) return 0;
    for (col = 0; col < ncols; col++) {
        v[col] = atof(p);
        p += strspn(p, "0123456789-+.EGeg");
        if (strcmp(p, "\n") == 0) break;
        p += strcspn(p, DELIM);
        p += strspn(p, DELIM);
        if (strcmp(p, "\n") == 0) break;
    }
    return 1;
}

static void read_sourcefile(int *cap)
{
    nb_t *n = &NB; FILE *f = fopen(n->sourcefilename, "r");
    char line[10240];   /* upstream's line buffer: longer lines come in pieces */
    const double source_distance = 10.0;
    if (!f) nb_refuse("cannot read sourcefile file '%s'", n->sourcefilename);
    while (fgets(line, sizeof line, f) != NULL) {
        double v[5];
        if (!nb_text_columns(line, 5, v)) continue;
        if (isnan(v[0])) v[0] = -source_distance*n->beam_vector[0];
        if (isnan(v[1])) v[1] = -source_distance*n->beam_vector[1];
        if (isnan(v[2])) v[2] = -source_distance*n->beam_vector[2];
        if (isnan(v[3])) v[3] = 1.0;
        if (isnan(v[4])) v[4] = n->lambda0;
        add_source(cap, v[0], v[1], v[2], v[3], v[4]);
    }
    fclose(f);
}

void nb_sources(void)
{
    nb_t *n = &NB; int cap = 0, i;
    n->sources = 0;
    if (n->sourcefilename) {
        read_sourcefile(&cap);
        if (n->sources == 0) nb_refuse("%s: no sources in the file (nanoBragg exits on it)", n->sourcefilename);
    }
    if (n->sources == 0) {
        int hdiv_tic, vdiv_tic, disp_tic, pass, total = 0;
        for (pass = 0; pass < 2; pass++) {
            for (hdiv_tic = 0; hdiv_tic < n->hdivsteps; hdiv_tic++) {
                for (vdiv_tic = 0; vdiv_tic < n->vdivsteps; vdiv_tic++) {
                    double hdiv = n->hdivstep*hdiv_tic - n->hdivrange/2.0;
                    double vdiv = n->vdivstep*vdiv_tic - n->vdivrange/2.0;
                    double test = (hdiv*hdiv - n->hdivstep*n->hdivstep/4.0*(1 - n->hdivsteps % 2))/n->hdivrange/n->hdivrange;
                    vec3 v;
                    test += (vdiv*vdiv - n->vdivstep*n->vdivstep/4.0*(1 - n->vdivsteps % 2))/n->vdivrange/n->vdivrange;
                    if (n->round_div && test*4.0 > 1.1) continue;
                    if (pass == 0) { total += n->dispsteps; continue; }
                    v[0] = -10.0*n->beam_vector[0]; v[1] = -10.0*n->beam_vector[1]; v[2] = -10.0*n->beam_vector[2];
                    nb_rotate_axis(v, v, n->polar_vector, vdiv);
                    nb_rotate_axis(v, v, n->vert_vector, hdiv);
                    for (disp_tic = 0; disp_tic < n->dispsteps; disp_tic++) {
                        double lambda = n->lambda0*(1.0 + n->dispstep*disp_tic - n->dispersion/2.0);
                        add_source(&cap, v[0], v[1], v[2], 1.0/total, lambda);
                    }
                }
            }
        }
    }
    if (n->sources == 0) nb_warn("WARNING: no beam sources: -round_div trimmed every divergence point; steps is 0 and the image NaN, as nanoBragg computes it");
    if (!n->quiet) {
        printf("  created a total of %d sources:\n", n->sources);
        for (i = 0; i < n->sources; i++)
            printf("%g %g %g   %g %g\n", n->source_X[i], n->source_Y[i], n->source_Z[i], n->source_I[i], n->source_lambda[i]);
    }
    for (i = 0; i < n->sources; i++) {
        vec3 v; v[0] = n->source_X[i]; v[1] = n->source_Y[i]; v[2] = n->source_Z[i];
        nb_unitize(v, v);
        n->source_X[i] = v[0]; n->source_Y[i] = v[1]; n->source_Z[i] = v[2];
    }
}
