/* rng.c - Numerical Recipes style ran1 with one shared table, the float-precision poidev /
 * gaussdev / gammln, the mosaic rotation matrices (powf) and umat2misset (docs/ts-engine.md#mosaic-domains-and-random-numbers). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"
#include "nbtrace.h"

#define IA 16807
#define IM 2147483647
#define AM (1.0/IM)
#define IQ 127773
#define IR 2836
#define NTAB 32
#define NDIV (1+(IM-1)/NTAB)
#define EPS 1.2e-7
#define RNMX (1.0-EPS)

static long iy = 0;
static long iv[NTAB];

float nb_ran1(long *idum)
{
    int j; long k; float temp;
    if (*idum <= 0 || !iy) {
        if (-(*idum) < 1) *idum = 1; else *idum = -(*idum);
        for (j = NTAB + 7; j >= 0; j--) {
            k = (*idum)/IQ;
            *idum = IA*(*idum - k*IQ) - IR*k;
            if (*idum < 0) *idum += IM;
            if (j < NTAB) iv[j] = *idum;
        }
        iy = iv[0];
    }
    k = (*idum)/IQ;
    *idum = IA*(*idum - k*IQ) - IR*k;
    if (*idum < 0) *idum += IM;
    j = (int)(iy/NDIV);
    iy = iv[j];
    iv[j] = *idum;
    temp = (float)(AM*iy);
    if (temp > RNMX) return (float)RNMX;
    return temp;
}

static float gammln(float xx)
{
    static const double cof[6] = {76.18009172947146, -86.50532032941677, 24.01409824083091,
                                   -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5};
    double x, y, tmp, ser; int j;
    y = x = xx;
    tmp = x + 5.5;
    tmp -= (x + 0.5)*log(tmp);
    ser = 1.000000000190015;
    for (j = 0; j <= 5; j++) ser += cof[j]/++y;
    return (float)(-tmp + log(2.5066282746310005*ser/x));
}

float nb_gaussdev(long *idum)
{
    static int iset = 0; static float gset;
    float fac, rsq, v1, v2;
    if (iset == 0) {
        do {
            v1 = (float)(2.0*nb_ran1(idum) - 1.0);
            v2 = (float)(2.0*nb_ran1(idum) - 1.0);
            rsq = v1*v1 + v2*v2;
        } while (rsq >= 1.0 || rsq == 0.0);
        fac = (float)sqrt(-2.0*log(rsq)/rsq);
        gset = v1*fac;
        iset = 1;
        return v2*fac;
    }
    iset = 0;
    return gset;
}

float nb_poidev(float xm, long *idum)
{
    static float sq, alxm, g, oldm = -1.0f;
    float em, t, y;
    if (xm > 1.0e6) return (float)((double)xm + sqrt((double)xm)*(double)nb_gaussdev(idum));
    if (xm < 12.0) {
        if (xm != oldm) { oldm = xm; g = (float)exp(-(double)xm); }
        em = -1; t = 1.0f;
        do { em += 1; t = t*nb_ran1(idum); } while (t > g);
    } else {
        if (xm != oldm) {
            oldm = xm;
            sq = (float)sqrt(2.0*xm);
            alxm = (float)log(xm);
            g = (float)(xm*alxm) - gammln((float)(xm + 1.0));
        }
        do {
            do {
                y = (float)tan(M_PI*nb_ran1(idum));
                em = (float)(sq*y) + xm;
            } while (em < 0.0);
            em = (float)floor(em);
            t = (float)(0.9*(1.0 + (float)(y*y))*exp((float)((float)(em*alxm) - gammln((float)(em + 1.0)) - g)));
        } while (nb_ran1(idum) > t);
    }
    return em;
}

void nb_mosaic_rotation_umat(float mosaicity, double umat[9], long *idum, double draws[3], double *angle)
{
    double r1, r2, r3, xyrad, rot, v1, v2, v3;
    double t1, t2, t3, t6, t7, t8, t9, t11, t12, t15, t19, t20, t24;
    float d1 = nb_ran1(idum), d2 = nb_ran1(idum), d3 = nb_ran1(idum);
    r1 = 2.0*d1 - 1.0; r2 = 2.0*d2 - 1.0; r3 = 2.0*d3 - 1.0;
    if (draws) { draws[0] = d1; draws[1] = d2; draws[2] = d3; }
    xyrad = sqrt(1.0 - r2*r2);
    rot = (double)(mosaicity*powf((float)(1.0 - r3*r3), (float)(1.0/3.0)));
    if (angle) *angle = rot;
    v1 = xyrad*sin(M_PI*r1);
    v2 = xyrad*cos(M_PI*r1);
    v3 = r2;
    t1 = cos(rot); t2 = 1.0 - t1; t3 = v1*v1; t6 = t2*v1; t7 = t6*v2; t8 = sin(rot); t9 = t8*v3;
    t11 = t6*v3; t12 = t8*v2; t15 = v2*v2; t19 = t2*v2*v3; t20 = t8*v1; t24 = v3*v3;
    umat[0] = t1 + t2*t3; umat[1] = t7 - t9;       umat[2] = t11 + t12;
    umat[3] = t7 + t9;    umat[4] = t1 + t2*t15;   umat[5] = t19 - t20;
    umat[6] = t11 - t12;  umat[7] = t19 + t20;     umat[8] = t1 + t2*t24;
}

void nb_umat2misset(const double umat[9], double *missets)
{
    double u[9]; int r;
    for (r = 0; r < 3; r++) nb_unitize(umat + 3*r, u + 3*r);
    /* rows: x = (uxx uxy uxz), y = (uyx uyy uyz), z = (uzx uzy uzz) */
    if (u[6]*u[6] < 1.0) {
        missets[0] = atan2(u[7], u[8]);
        missets[1] = atan2(-u[6], sqrt(u[7]*u[7] + u[8]*u[8]));
        missets[2] = atan2(u[3], u[0]);
    } else {
        missets[0] = atan2(1, 1)*4;
        missets[1] = atan2(1, 1)*2;
        missets[2] = atan2(u[1], -u[4]);
    }
}

void nb_mosaic_domains(void)
{
    nb_t *n = &NB; int d;
    n->mosaic_umats = calloc((size_t)n->mosaic_domains*9, sizeof(double));
    n->mosaic_draws = calloc((size_t)n->mosaic_domains*3, sizeof(double));
    n->mosaic_angles = calloc((size_t)n->mosaic_domains, sizeof(double));
    if (!n->mosaic_umats || !n->mosaic_draws || !n->mosaic_angles) nb_die("out of memory");
    for (d = 0; d < n->mosaic_domains; d++)
        nb_mosaic_rotation_umat((float)n->mosaic_spread, n->mosaic_umats + 9*d, &n->mosaic_seed,
                                n->mosaic_draws + 3*d, n->mosaic_angles + d);
    /* domain 0 is the identity (its draws are consumed anyway: Q15) */
    for (d = 0; d < 9; d++) n->mosaic_umats[d] = (d % 4 == 0) ? 1.0 : 0.0;
    if (!n->quiet) printf("  created a total of %d mosaic domains\n", n->mosaic_domains);
}

/* NBTRACE_POWF=1: answer glibc's powf(x, (float)(1/3)) for the floats given on stdin (hex bits, one
 * a line), one result a line. The TypeScript engine asks here rather than copy glibc's algorithm:
 * that powf is not correctly rounded, and the mosaic and random-misset angles depend on it. */
int nb_powf_service(void)
{
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        unsigned long u = strtoul(line, NULL, 16);
        unsigned int bits = (unsigned int)u, out;
        float x, y;
        memcpy(&x, &bits, sizeof x);
        y = powf(x, (float)(1.0/3.0));
        memcpy(&out, &y, sizeof out);
        printf("%x\n", out);
    }
    return 0;
}
