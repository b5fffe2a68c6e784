/* smv.c - SMV frames as nanoBragg reads them for -img and -mask (its own reader, quirks kept;
 * mirrors src/sim/smv.ts):
 *  - the file must start with "{\nHEADER_BYT" (12 characters) and hold 512 header bytes;
 *  - HEADER_BYTES other than 512 re-reads that many bytes as the header;
 *  - a keyword's value is the atof() after the first '=' following its LAST occurrence anywhere
 *    in the header, as a substring: DISTANCE reads CLOSE_DISTANCE's value when that comes later,
 *    ORGX matches XDS_ORGX; an absent keyword is NaN (not given), one with no '=' after it is 0;
 *  - SIZE1/SIZE2 are truncated to int (DETECTOR_DIMENSIONS when SIZE1 is 0);
 *  - pixel data are native uint16 from byte 2*floor(HEADER_BYTES/2); missing bytes read as 0. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"

/* C's (int) conversion as x86-64 does it: truncation, INT_MIN when out of range or NaN */
int nb_cint(double x)
{
    if (!(x >= -2147483648.0 && x < 2147483648.0)) return INT_MIN;
    return (int)x;
}

static double header_value(const char *header, const char *keyword)
{
    const char *at = NULL, *p = header, *eq;
    size_t kl = strlen(keyword);
    while ((p = strstr(p, keyword)) != NULL) { at = p; p += kl; }
    if (!at) return NAN;
    eq = strchr(at + kl, '=');
    if (!eq) return 0.0;
    return atof(eq + 1);
}

static unsigned char *slurp(const char *file, size_t *n)
{
    FILE *f = fopen(file, "rb"); unsigned char *buf = NULL; size_t cap = 0, len = 0, got;
    if (!f) nb_refuse("cannot read %s file '%s'", "SMV", file);
    do {
        if (len == cap) { cap = cap ? 2*cap : 65536; buf = realloc(buf, cap + 1); if (!buf) nb_die("out of memory reading %s", file); }
        got = fread(buf + len, 1, cap - len, f); len += got;
    } while (got > 0);
    fclose(f);
    *n = len;
    return buf;
}

static char *c_string(const unsigned char *b, size_t n, size_t avail)
{
    size_t i = 0, end = n < avail ? n : avail; char *s;
    while (i < end && b[i] != 0) i++;
    s = malloc(i + 1);
    if (!s) nb_die("out of memory");
    memcpy(s, b, i); s[i] = 0;
    return s;
}

/* The pre-pass: the frame's header sets the detector, distances, wavelength, beam centre, near
 * point and phi; a mask's pixels are kept for nb_mask_pixels(). */
void nb_ingest_smv(const char *file, int is_mask)
{
    nb_t *n = &NB; size_t size; unsigned char *buf = slurp(file, &size);
    char *header; int hs, width, height; double t;
    if (size < 512) nb_refuse("%s: SMV header needs 512 bytes, the file has %lu", file, (unsigned long)size);
    header = c_string(buf, 512, size);
    if (strncmp(header, "{\nHEADER_BYT", 12) != 0) nb_refuse("%s:1: not an SMV image (header must start with \"{\\nHEADER_BYT\")", file);
    hs = nb_cint(header_value(header, "HEADER_BYTES"));
    if (!(hs > 0) || (size_t)hs > size) nb_refuse("%s: HEADER_BYTES=%d does not fit the file (%lu bytes)", file, hs, (unsigned long)size);
    if (hs != 512) { free(header); header = c_string(buf, (size_t)hs, size); }
    width = nb_cint(header_value(header, "SIZE1"));
    height = nb_cint(header_value(header, "SIZE2"));
    if (width == 0) width = height = nb_cint(header_value(header, "DETECTOR_DIMENSIONS"));
    n->fpixels = width; n->spixels = height;
    t = header_value(header, "PIXEL_SIZE"); if (!isnan(t)) n->pixel_size = t/1000.0;
    n->detsize_f = n->pixel_size*n->fpixels;
    n->detsize_s = n->pixel_size*n->spixels;
    t = header_value(header, "DISTANCE"); if (!isnan(t)) { n->distance = t/1000.0; n->given[NB_G_distance_m] = 1; }
    t = header_value(header, "CLOSE_DISTANCE"); if (!isnan(t)) { n->close_distance = t/1000.0; n->given[NB_G_close_distance_m] = 1; }
    t = header_value(header, "WAVELENGTH"); if (!isnan(t)) { n->lambda0 = t/1e10; n->given[NB_G_lambda0_m] = 1; }
    t = header_value(header, "BEAM_CENTER_X"); if (!isnan(t)) { n->Xbeam = t/1000.0; n->given[NB_G_Xbeam_m] = 1; }
    t = header_value(header, "BEAM_CENTER_Y");
    if (!isnan(t)) { n->Ybeam = is_mask ? n->detsize_s - t/1000.0 : t/1000.0; n->given[NB_G_Ybeam_m] = 1; }
    t = header_value(header, "ORGX"); if (!isnan(t)) { n->ORGX = t; n->given[NB_G_ORGX] = 1; }
    t = header_value(header, "ORGY"); if (!isnan(t)) { n->ORGY = t; n->given[NB_G_ORGY] = 1; }
    t = header_value(header, "PHI"); if (!isnan(t)) { n->phi0 = t/RTD; n->given[NB_G_phi0_rad] = 1; }
    t = header_value(header, "OSC_RANGE"); if (!isnan(t)) { n->osc = t/RTD; n->given[NB_G_osc_rad] = 1; }
    free(header);
    if (is_mask) {
        free(n->mask_bytes);
        n->mask_bytes = buf; n->mask_nbytes = size; n->mask_header_size = hs;
        n->mask_width = width; n->mask_height = height;
    } else free(buf);
}

/* The mask of the final detector (non-zero = use); a mask of another size is refused. */
void nb_mask_pixels(void)
{
    nb_t *n = &NB; size_t npix, i, base, o;
    if (!n->mask_bytes) return;
    if (n->mask_width != n->fpixels || n->mask_height != n->spixels)
        nb_refuse("%s: mask is %dx%d pixels but the detector is %dx%d (nanoBragg would read past the mask)",
                  n->maskfile, n->mask_width, n->mask_height, n->fpixels, n->spixels);
    npix = (size_t)n->fpixels*n->spixels;
    n->maskimage = malloc(npix ? npix : 1);
    if (!n->maskimage) nb_die("out of memory for the mask");
    base = 2*(size_t)(n->mask_header_size/2);
    for (i = 0; i < npix; i++) {
        unsigned v = 0;
        o = base + 2*i;
        if (o + 1 < n->mask_nbytes) v = n->mask_bytes[o] | (n->mask_bytes[o+1] << 8);
        else if (o < n->mask_nbytes) v = n->mask_bytes[o];
        n->maskimage[i] = v != 0;
    }
}
