/* fmt-check.c - checks and times nbtrace.h's number printing (nbt_fmt_num).
 *
 *   fmt-check check N [SEED]   N doubles, each printed text checked with printf %.Ne + strtod:
 *                              it reads back to the same bits (as %.17g does); no decimal with
 *                              one digit fewer reads back (shortest); of the decimals with as many
 *                              digits it is the nearest that reads back. JSON summary, exit 1 on
 *                              any failure. About 2 us a number: 10^7 in bench/cases/fmt.ts
 *   fmt-check ref N [SEED]     N doubles printed by nbt_fmt_num and by the reference below
 *                              (the formatter nbtrace.h had before) must be the same text
 *   fmt-check bench N [SEED]   ns per number: nbt_fmt_num, the reference, snprintf("%.17g")
 *   fmt-check print N [SEED]   "hexbits text" lines, for comparing with JavaScript's String(x)
 *
 * The doubles: random bit patterns (every exponent, subnormals included), subnormals drawn on
 * purpose, short decimals read with strtod (the values a simulator prints most), integers and
 * powers of two (exact decimal neighbours, ties). Built by test/c/fmt.test.ts and bench/cases/fmt.ts
 * in a temporary folder with the strict flags.
 *
 * The reference is the formatter nbtrace.h had before: for p = 1..17, the nearest p-digit
 * decimal (glibc's exact "%.*e") and its two neighbours, the first that strtod reads back to the
 * double. That is the definition of JavaScript's digits (fewest digits, then nearest), paid for
 * with up to 17 snprintf/strtod rounds per number.
 */
#define NBTRACE_IMPLEMENTATION
#include "nbtrace.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state;
static uint64_t rnd64(void)
{   /* xorshift64* */
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static double from_bits(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t to_bits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }

/* the i-th test double */
static double sample(void)
{
    uint64_t r = rnd64(), kind = r % 16;
    for (;;) {
        double x;
        if (kind < 9) x = from_bits(rnd64());                                          /* any bits */
        else if (kind < 11) x = from_bits(rnd64() & 0x800fffffffffffffULL);             /* subnormal */
        else if (kind < 14) {                                                           /* short decimal */
            char t[64]; int digits = 1 + (int)(rnd64() % 17), e = (int)(rnd64() % 60) - 30;
            uint64_t m = rnd64() % 100000000000000000ULL; int i;
            for (i = 17; i > digits; i--) m /= 10;
            snprintf(t, sizeof t, "%llue%d", (unsigned long long)m, e);
            x = strtod(t, NULL);
        } else if (kind < 15) x = (double)(int64_t)(rnd64() >> (rnd64() % 64));          /* integer */
        else x = ldexp(1.0 + (double)(rnd64() % 8) / 8.0, (int)(rnd64() % 2098) - 1074); /* near 2^k */
        if (isfinite(x)) return (rnd64() & 1) ? -x : x;
        kind = 0;
    }
}

/* ---- reference: fewest digits by printf %.*e + strtod search ---- */
static int ref_digits(double ax, int p, char *digits, int *exp10)
{
    char tmp[64]; char *e; int i, k = 0;
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, ax);
    for (i = 0; tmp[i] && tmp[i] != 'e'; i++) if (tmp[i] >= '0' && tmp[i] <= '9') digits[k++] = tmp[i];
    digits[k] = 0;
    e = strchr(tmp, 'e');
    *exp10 = e ? atoi(e + 1) : 0;
    return k;
}
static double ref_value(const char *digits, int exp10)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%c.%se%d", digits[0], digits + 1, exp10);
    return strtod(tmp, NULL);
}
static int ref_bump(char *d, int delta)
{
    int i = (int)strlen(d) - 1;
    if (delta > 0) {
        while (i >= 0 && d[i] == '9') d[i--] = '0';
        if (i < 0) return 0;
        d[i]++;
    } else {
        while (i >= 0 && d[i] == '0') d[i--] = '9';
        if (i < 0) return 0;
        d[i]--;
        if (d[0] == '0') return 0;
    }
    return 1;
}
static char *ref_fmt(char *buf, double x)
{
    char d[32], best[32]; int p, e = 0, k, n, i, pos = 0, found = 0;
    double ax;
    if (x != x) { strcpy(buf, "\"NaN\""); return buf; }
    if (x == HUGE_VAL) { strcpy(buf, "\"Infinity\""); return buf; }
    if (x == -HUGE_VAL) { strcpy(buf, "\"-Infinity\""); return buf; }
    if (x == 0.0) { strcpy(buf, signbit(x) ? "-0" : "0"); return buf; }
    ax = fabs(x);
    for (p = 1; p <= 17 && !found; p++) {
        double v;
        ref_digits(ax, p, d, &e);
        v = ref_value(d, e);
        if (v == ax) { strcpy(best, d); found = 1; break; }
        {
            char c1[32], c2[32]; int d1 = (v < ax) ? 1 : -1;
            strcpy(c1, d); strcpy(c2, d);
            if (ref_bump(c1, d1) && ref_value(c1, e) == ax) { strcpy(best, c1); found = 1; break; }
            if (ref_bump(c2, -d1) && ref_value(c2, e) == ax) { strcpy(best, c2); found = 1; break; }
        }
    }
    if (!found) ref_digits(ax, 17, best, &e);
    k = (int)strlen(best);
    while (k > 1 && best[k - 1] == '0') best[--k] = 0;
    n = e + 1;
    if (x < 0) buf[pos++] = '-';
    if (k <= n && n <= 21) {
        memcpy(buf + pos, best, (size_t)k); pos += k;
        for (i = 0; i < n - k; i++) buf[pos++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(buf + pos, best, (size_t)n); pos += n;
        buf[pos++] = '.';
        memcpy(buf + pos, best + n, (size_t)(k - n)); pos += k - n;
    } else if (-6 < n && n <= 0) {
        buf[pos++] = '0'; buf[pos++] = '.';
        for (i = 0; i < -n; i++) buf[pos++] = '0';
        memcpy(buf + pos, best, (size_t)k); pos += k;
    } else {
        buf[pos++] = best[0];
        if (k > 1) { buf[pos++] = '.'; memcpy(buf + pos, best + 1, (size_t)(k - 1)); pos += k - 1; }
        pos += sprintf(buf + pos, "e%c%d", (n - 1) < 0 ? '-' : '+', abs(n - 1));
    }
    buf[pos] = 0;
    return buf;
}

static double now_s(void)
{
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "check";
    long n = argc > 2 ? atol(argv[2]) : 1000000, i;
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 88172645463325252ULL;
    if (!rng_state) rng_state = 1;
    if (!strcmp(mode, "check")) {
        long bad_rt = 0, bad_short = 0, bad_near = 0, bad_17g = 0, subnormal = 0;
        char a[32], t[64], d[32];
        for (i = 0; i < n; i++) {
            double x = sample(), ax = fabs(x), y; int k = 0, e, p; const char *c;
            if (x != 0 && ax < 2.2250738585072014e-308) subnormal++;
            nbt_fmt_num(a, x);
            y = strtod(a, NULL);
            if (to_bits(y) != to_bits(x)) { if (bad_rt++ < 5) fprintf(stderr, "round trip: %016llx -> %s\n", (unsigned long long)to_bits(x), a); continue; }
            snprintf(t, sizeof t, "%.17g", x);
            if (to_bits(strtod(t, NULL)) != to_bits(x)) bad_17g++;
            /* significant digits of the printed text */
            for (c = a; *c && *c != 'e'; c++) if (*c >= '0' && *c <= '9' && (k || *c != '0')) d[k++] = *c;
            while (k > 1 && d[k - 1] == '0') k--;
            d[k] = 0;
            if (x == 0) continue;
            if (k > 17) { bad_short++; continue; }
            if (k > 1) {   /* shortest: no (k-1)-digit decimal near x reads back */
                char c1[32], c2[32]; int d1;
                ref_digits(ax, k - 1, t, &e);
                d1 = ref_value(t, e) < ax ? 1 : -1;
                strcpy(c1, t); strcpy(c2, t);
                if (ref_value(t, e) == ax || (ref_bump(c1, d1) && ref_value(c1, e) == ax) || (ref_bump(c2, -d1) && ref_value(c2, e) == ax)) {
                    if (bad_short++ < 5) fprintf(stderr, "not shortest: %016llx -> %s\n", (unsigned long long)to_bits(x), a);
                    continue;
                }
            }
            /* nearest: the correctly rounded k-digit decimal, when it reads back, is the one printed */
            p = k;
            ref_digits(ax, p, t, &e);
            if (ref_value(t, e) == ax && strncmp(t, d, (size_t)k)) { if (bad_near++ < 5) fprintf(stderr, "not nearest: %016llx -> %s (nearest %s)\n", (unsigned long long)to_bits(x), a, t); }
        }
        printf("{\"count\":%ld,\"subnormal\":%ld,\"roundTripFailures\":%ld,\"notShortest\":%ld,\"notNearest\":%ld,\"printf17gFailures\":%ld}\n",
               n, subnormal, bad_rt, bad_short, bad_near, bad_17g);
        return bad_rt || bad_short || bad_near || bad_17g ? 1 : 0;
    }
    if (!strcmp(mode, "ref")) {
        long bad_ref = 0; char a[32], b[32];
        for (i = 0; i < n; i++) {
            double x = sample();
            if (strcmp(nbt_fmt_num(a, x), ref_fmt(b, x))) { if (bad_ref++ < 5) fprintf(stderr, "differs from the reference: %016llx: %s vs %s\n", (unsigned long long)to_bits(x), a, b); }
        }
        printf("{\"count\":%ld,\"referenceDifferences\":%ld}\n", n, bad_ref);
        return bad_ref ? 1 : 0;
    }
    if (!strcmp(mode, "bench")) {
        double *xs = (double *)malloc((size_t)n * sizeof *xs), t0, t_new, t_ref, t_g17; char b[32]; unsigned long sink = 0;
        if (!xs) return 2;
        for (i = 0; i < n; i++) xs[i] = sample();
        nbt_fmt_num(b, 1.0);
        t0 = now_s(); for (i = 0; i < n; i++) sink += (unsigned char)nbt_fmt_num(b, xs[i])[1]; t_new = now_s() - t0;
        t0 = now_s(); for (i = 0; i < n; i++) sink += (unsigned char)ref_fmt(b, xs[i])[1]; t_ref = now_s() - t0;
        t0 = now_s(); for (i = 0; i < n; i++) { snprintf(b, sizeof b, "%.17g", xs[i]); sink += (unsigned char)b[1]; } t_g17 = now_s() - t0;
        printf("{\"count\":%ld,\"nsNew\":%.1f,\"nsReference\":%.1f,\"nsPrintf17g\":%.1f,\"sink\":%lu}\n",
               n, 1e9 * t_new / n, 1e9 * t_ref / n, 1e9 * t_g17 / n, sink % 10);
        free(xs);
        return 0;
    }
    if (!strcmp(mode, "print")) {
        char a[32];
        for (i = 0; i < n; i++) { double x = sample(); printf("%016llx %s\n", (unsigned long long)to_bits(x), nbt_fmt_num(a, x)); }
        return 0;
    }
    fprintf(stderr, "usage: fmt-check check|ref|bench|print N [SEED]\n");
    return 2;
}
