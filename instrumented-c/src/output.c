/* output.c - float image, SMV int/noise images, PGM, statistics, SMV header ingestion
 * (docs/ts-engine.md#outputs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"

/* outputs are written to "<name>.part" and renamed into place when complete */
static char part_name[4096];
static FILE *open_part(const char *file)
{
    FILE *f;
    snprintf(part_name, sizeof part_name, "%s.part", file);
    f = fopen(part_name, "wb");
    if (!f) nb_die("cannot write %s", file);
    return f;
}
static void close_part(FILE *f, const char *file)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.part", file);
    if (fclose(f) != 0 || rename(tmp, file) != 0) { remove(tmp); nb_die("cannot write %s", file); }
    printf("NBTRACE_OUTPUT %s\n", file);
}

/* The statistics upstream prints and scales with: maximum, sum and mean over the rendered pixels
 * (ROI, mask zeros skipped); the rms deviation from that mean over every ROI pixel, masked ones
 * included; counts below 2 taken as 2 in the divisions (count - 1). Mirrors imageStats (image.ts). */
void nb_stats(void)
{
    nb_t *n = &NB; int s, f; double sum = 0, sumsq = 0, sumd = 0; long N = 0, N2 = 0;
    n->max_I = 0.0;
    for (s = 0; s < n->spixels; s++) {
        if (s < n->roi_ymin || s > n->roi_ymax) continue;
        for (f = 0; f < n->fpixels; f++) {
            size_t i = (size_t)s*n->fpixels + f; double p;
            if (f < n->roi_xmin || f > n->roi_xmax) continue;
            if (n->maskimage && n->maskimage[i] == 0) continue;
            p = n->floatimage[i];
            if (p > n->max_I) {
                n->max_I = p;
                n->max_I_x = n->subpixel_size*(f*n->oversample + n->oversample - 1) + n->subpixel_size/2.0;
                n->max_I_y = n->subpixel_size*(s*n->oversample + n->oversample - 1) + n->subpixel_size/2.0;
            }
            sum += p; sumsq += p*p; N++;
        }
    }
    n->stat_n = N;
    n->mean = sum/(N <= 0 ? 1 : N);
    n->rms = sqrt(sumsq/((N <= 1 ? 2 : N) - 1));
    for (s = 0; s < n->spixels; s++) {
        if (s < n->roi_ymin || s > n->roi_ymax) continue;
        for (f = 0; f < n->fpixels; f++) {
            double d;
            if (f < n->roi_xmin || f > n->roi_xmax) continue;
            d = n->floatimage[(size_t)s*n->fpixels + f] - n->mean; sumd += d*d; N2++;
        }
    }
    n->rmsd = sqrt(sumd/((N2 <= 1 ? 2 : N2) - 1));
    if (!n->quiet) {
        printf("solid angle subtended by detector = %g steradian\n", n->omega_sum/n->steps);
        printf("max_I = %g  at %g %g\n", n->max_I, n->max_I_x, n->max_I_y);
        printf("mean= %g rms= %g rmsd= %g\n", n->mean, n->rms, n->rmsd);
    }
}

/* The SMV header as upstream writes it: padded with spaces to 512 bytes, or longer when its
 * numbers need more room (upstream never truncates it, though it says HEADER_BYTES=512). */
static size_t smv_header(char *hdr, size_t cap)
{
    nb_t *n = &NB; int len;
    len = snprintf(hdr, cap,
        "{\nHEADER_BYTES=512;\nDIM=2;\nBYTE_ORDER=little_endian;\nTYPE=unsigned_short;\nSIZE1=%d;\nSIZE2=%d;\n"
        "PIXEL_SIZE=%g;\nDISTANCE=%g;\nWAVELENGTH=%g;\nBEAM_CENTER_X=%g;\nBEAM_CENTER_Y=%g;\n"
        "ADXV_CENTER_X=%g;\nADXV_CENTER_Y=%g;\nMOSFLM_CENTER_X=%g;\nMOSFLM_CENTER_Y=%g;\n"
        "DENZO_X_BEAM=%g;\nDENZO_Y_BEAM=%g;\nDIALS_ORIGIN=%g,%g,%g\nXDS_ORGX=%g;\nXDS_ORGY=%g;\n"
        "CLOSE_DISTANCE=%g;\nPHI=%g;\nOSC_START=%g;\nOSC_RANGE=%g;\nTWOTHETA=%g;\nDETECTOR_SN=000;\nBEAMLINE=fake;\n}\f",
        n->fpixels, n->spixels, n->pixel_size*1000.0, n->distance*1000.0, n->lambda0*1e10,
        n->Xbeam*1000.0, n->Ybeam*1000.0, n->Fbeam*1000.0, (n->detsize_s - n->Sbeam)*1000.0,
        (n->Sbeam - 0.5*n->pixel_size)*1000.0, (n->Fbeam - 0.5*n->pixel_size)*1000.0,
        n->Sbeam*1000.0, n->Fbeam*1000.0, n->dials_origin[0], n->dials_origin[1], n->dials_origin[2],
        n->ORGX, n->ORGY, n->close_distance*1000.0, n->phi0*RTD, n->phi0*RTD, n->osc*RTD, n->twotheta*RTD);
    if (len < 0 || (size_t)len >= cap) nb_die("SMV header too long");
    if (len < 512) { memset(hdr + len, ' ', (size_t)(512 - len)); len = 512; }
    return (size_t)len;
}

static void write_smv(const char *file, const unsigned short *img)
{
    nb_t *n = &NB; char hdr[4096]; size_t npix = (size_t)n->fpixels*n->spixels, hl;
    FILE *f = open_part(file);
    hl = smv_header(hdr, sizeof hdr);
    fwrite(hdr, 1, hl, f);
    fwrite(img, sizeof(unsigned short), npix, f);   /* native = little-endian on x86 */
    close_part(f, file);
}

void nb_write_outputs(void)
{
    nb_t *n = &NB; size_t npix = (size_t)n->fpixels*n->spixels; int s, f;
    FILE *fp;
    unsigned short *img;
    double scale;
    nb_write_dump();
    fp = open_part(n->floatfile);
    fwrite(n->floatimage, sizeof(float), npix, fp);
    close_part(fp, n->floatfile);
    if (!n->quiet) printf("writing %s as %lu 4-byte floats\n", n->floatfile, (unsigned long)npix);

    img = calloc(npix ? npix : 1, sizeof(unsigned short));
    if (!img) nb_die("out of memory");
    scale = n->intfile_scale > 0 ? n->intfile_scale : (n->max_I > 0 ? 55000.0/n->max_I : 1.0);
    if (!n->quiet) printf("intfile_scale = %g\n", scale);
    for (s = n->roi_ymin; s <= n->roi_ymax && s < n->spixels; s++)
        for (f = n->roi_xmin; f <= n->roi_xmax && f < n->fpixels; f++) {
            size_t i = (size_t)s*n->fpixels + f;
            double t = n->floatimage[i]*scale + n->adc_offset;
            if (t < 0.0) t = 0.0;
            if (t > 65535.0) t = 65535.0;
            img[i] = (unsigned short)floorf((float)(t + 0.5));
        }
    write_smv(n->intfile, img);
    if (!n->quiet) printf("writing %s as 2-byte integers\n", n->intfile);

    if (n->write_pgm) {
        double ps = n->pgm_scale > 0 ? n->pgm_scale : (n->rmsd > 0 ? 250.0/(5.0*n->rmsd) : scale);
        FILE *g = open_part(n->pgmfile); size_t i;
        fprintf(g, "P5\n%d %d\n# pixels scaled by %g\n255\n", n->fpixels, n->spixels, ps);
        for (i = 0; i < npix; i++) {
            double v = n->floatimage[i]*ps;
            unsigned char c = (unsigned char)(v > 255.0 ? 255 : (v < 0 ? 0 : v));
            fputc(c, g);
        }
        close_part(g, n->pgmfile);
        if (!n->quiet) printf("writing %s as 8-bit PGM\n", n->pgmfile);
    }

    if (n->calculate_noise) {
        long overloads = 0;
        memset(img, 0, npix*sizeof(unsigned short));
        for (s = n->roi_ymin; s <= n->roi_ymax && s < n->spixels; s++)
            for (f = n->roi_xmin; f <= n->roi_xmax && f < n->fpixels; f++) {
                size_t i = (size_t)s*n->fpixels + f;
                double t = nb_poidev(n->floatimage[i], &n->seed) + n->adc_offset;
                if (t > 65535.0) { t = 65535.0; overloads++; }
                img[i] = (unsigned short)t;
            }
        write_smv(n->noisefile, img);
        if (!n->quiet) printf("%ld overloads\nwriting %s as 2-byte integers\n", overloads, n->noisefile);
    }
    free(img);
}

/* -img / -mask: SMV header values (and, for -mask, the pixels: 0 = skip) */
