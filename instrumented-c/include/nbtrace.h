/* nbtrace.h - drop-in C99 emitter for nbtrace contract traces (JSON Lines).
 *
 * Single header. In exactly ONE .c file of your program write
 *     #define NBTRACE_IMPLEMENTATION
 *     #include "nbtrace.h"
 * and compile everything with -DNBTRACE_ENABLE. Without NBTRACE_ENABLE every NBT_* macro expands
 * to nothing (arguments are not evaluated) and no code or data of the emitter is linked in.
 *
 * Typical use (docs/instrumenting-nanobragg.md applies it to upstream nanoBragg.c):
 *     nbt_take_args(&argc, argv);        // takes -trace_pixel S F -trace_out FILE out of argv, opens
 *     nbt_set_producer("mynanobragg", "1.0", NULL, "{\"cc\":\"gcc\",\"opt\":\"-O2\"}");
 *     nbt_cfg_bool("nopolar", nopolar); ...   // the configuration you know (any subset of keys)
 *     nbt_add_input("hkl", "P1.hkl");
 *     nbt_begin();                       // writes the header
 *     NBT_SETUP_BEGIN(); NBT_INT("fpixels", NBT_L0, fpixels); ... NBT_SETUP_END();
 *     in the pixel loop:  NBT_PIXEL(spixel, fpixel);  ... NBT_SCALAR("airpath", NBT_LSUB(t,s,f), airpath);
 *                         after the pixel: NBT_PIXEL_END();
 *     nbt_close();                       // footer, then atomic rename; on EVERY return from main
 * (nbt_open(path, slow, fast) + nbt_set_args(argc, argv) do the same as nbt_take_args when your
 * program parses its own trace flags.) An exit without nbt_close() (exit(), a return that skips
 * it, a fatal signal) writes a footer with status "aborted" and a reason.
 *
 * Threads (OpenMP or pthreads over pixels). `nbt_on`, the flag every trace point tests, is
 * thread-local: NBT_PIXEL sets it in the thread that computes the pixel and only there, so only
 * that thread emits, and no other thread reads or writes any shared trace state. The macros
 * name no global variable (NBT_PIXEL calls an inline function), so a
 * `#pragma omp parallel for ... default(none)` region needs no extra names in its clauses:
 * thread-local variables are predetermined threadprivate. The traced pixel's records are then
 * the serial run's, byte for byte (apart from the header's timestamp), at any thread count.
 *
 * Cost with NBTRACE_ENABLE and no pixel selected: NBT_PIXEL is one branch per pixel (the
 * trace is not armed); each trace point executed is a test of the thread-local flag.
 *
 * Numbers are written exactly like JavaScript's String(x): shortest round-trip digits, exponent
 * form below 1e-6 and from 1e21 (1e-7, 1.5e+29, 0.000001), -0 as -0, and the strings "NaN",
 * "Infinity", "-Infinity" for non-finite values.
 */
#ifndef NBTRACE_H
#define NBTRACE_H

#include <stddef.h>

#define NBT_THICK  1u
#define NBT_SUBS   2u
#define NBT_SUBF   4u
#define NBT_SOURCE 8u
#define NBT_PHI    16u
#define NBT_MOSAIC 32u

/* thread-local storage class (the trace flag is per thread) */
#if defined(__GNUC__) || defined(__clang__) || defined(__INTEL_COMPILER)
#define NBT_THREAD_LOCAL __thread
#elif defined(_MSC_VER)
#define NBT_THREAD_LOCAL __declspec(thread)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__STDC_NO_THREADS__)
#define NBT_THREAD_LOCAL _Thread_local
#else
#define NBT_THREAD_LOCAL   /* no TLS: correct serially only */
#endif

/* Named loop coordinates of one value: bit i of mask set when coordinate i is present
 * (order thick, subS, subF, source, phi, mosaic). */
typedef struct { unsigned mask; int v[6]; } nbt_loop;

static inline nbt_loop nbt_mkloop(unsigned mask, int t, int s, int f, int src, int phi, int mos)
{
    nbt_loop l; l.mask = mask; l.v[0] = t; l.v[1] = s; l.v[2] = f; l.v[3] = src; l.v[4] = phi; l.v[5] = mos;
    return l;
}
#define NBT_L0                       nbt_mkloop(0u, 0, 0, 0, 0, 0, 0)
#define NBT_LTHICK(t)                nbt_mkloop(NBT_THICK, (t), 0, 0, 0, 0, 0)
#define NBT_LSUB(t, s, f)            nbt_mkloop(NBT_THICK|NBT_SUBS|NBT_SUBF, (t), (s), (f), 0, 0, 0)
#define NBT_LSRC(t, s, f, src)       nbt_mkloop(NBT_THICK|NBT_SUBS|NBT_SUBF|NBT_SOURCE, (t), (s), (f), (src), 0, 0)
#define NBT_LPHI(t, s, f, src, p)    nbt_mkloop(NBT_THICK|NBT_SUBS|NBT_SUBF|NBT_SOURCE|NBT_PHI, (t), (s), (f), (src), (p), 0)
#define NBT_LMOS(t, s, f, src, p, m) nbt_mkloop(63u, (t), (s), (f), (src), (p), (m))
#define NBT_LSOURCE(src)             nbt_mkloop(NBT_SOURCE, 0, 0, 0, (src), 0, 0)
#define NBT_LDOMAIN(m)               nbt_mkloop(NBT_MOSAIC, 0, 0, 0, 0, 0, (m))

#ifdef __cplusplus
extern "C" {
#endif

/* --- always available (useful for tests and for building config text) --- */
/* JS String(x) text of a double as a JSON token ("NaN" etc. quoted); buf needs 32 bytes. Returns buf. */
char *nbt_fmt_num(char *buf, double x);
/* SHA-256 of a buffer / a file, as 64 lowercase hex digits + NUL (hex needs 65 bytes). File: 0 on success. */
void nbt_sha256_hex(const void *data, size_t len, char *hex);
int nbt_sha256_file(const char *path, char *hex);

/* --- state --- */
extern NBT_THREAD_LOCAL int nbt_on;  /* this thread is tracing now (the selected pixel, or the set-up block) */
extern int nbt_armed;                /* 1 after a successful nbt_open(); read-only afterwards */
extern int nbt_sel_slow, nbt_sel_fast;
/* is (slow, fast) the traced pixel? A function, so that parallel regions name no global */
static inline int nbt_selected(int slow, int fast) { return nbt_armed && slow == nbt_sel_slow && fast == nbt_sel_fast; }
static inline int nbt_is_armed(void) { return nbt_armed; }

/* --- lifecycle --- */
/* Takes the trace flags out of argv before your parser sees them, and opens the trace:
 *     -trace_pixel S F   trace pixel (slow S, fast F)        -trace_out FILE   (default trace_C.jsonl)
 * anywhere on the command line, so they can neither be read as another option's values nor
 * change how the remaining arguments parse. The remaining arguments are recorded as the header's
 * `args`. Returns 1 when a trace was opened, 0 when none was asked for, -1 on a bad flag or an
 * unwritable file (the reason on stderr). */
int  nbt_take_args(int *argc, char **argv);
int  nbt_open(const char *path, int slow, int fast);   /* slow/fast < 0: no pixel (header pixel null). 0 on success */
void nbt_set_producer(const char *name, const char *version, const char *commit, const char *flags_json);
void nbt_set_args(int argc, char **argv);
void nbt_add_input(const char *role, const char *path); /* role: hkl sourcefile matrix fdump img mask log */
void nbt_begin(void);                                    /* writes the header (idempotent) */
void nbt_close(void);                                    /* footer "complete", rename into place */
void nbt_abort(const char *reason);                      /* footer "aborted", rename into place */

/* --- config object (keys are sorted on output; the canonical text is hashed into configHash).
 * Any subset of the keys of schemas/config.schema.json: a key you do not set is "not recorded"
 * and compared only where both sides state it. --- */
void nbt_cfg_null(const char *key);
void nbt_cfg_bool(const char *key, int v);
void nbt_cfg_int(const char *key, long long v);
void nbt_cfg_num(const char *key, double v);
void nbt_cfg_str(const char *key, const char *v);
void nbt_cfg_nums(const char *key, int n, const double *v);
void nbt_cfg_raw(const char *key, const char *json);      /* value given as JSON text (canonicalized) */
int  nbt_set_config_json(const char *json);              /* whole object as text; 0 on success */

/* --- value records --- */
void nbt_scalar(const char *name, nbt_loop l, double x);
void nbt_int(const char *name, nbt_loop l, long long x);
void nbt_vec3(const char *name, nbt_loop l, const double *v);
void nbt_vec3v(const char *name, nbt_loop l, double x, double y, double z);
void nbt_ivec3(const char *name, nbt_loop l, long long a, long long b, long long c);
void nbt_mat3(const char *name, nbt_loop l, const double *m);  /* row-major m[0..8] */
void nbt_enum(const char *name, nbt_loop l, const char *s);

#ifdef __cplusplus
}
#endif

#ifdef NBTRACE_ENABLE
#define NBT_SCALAR(name, l, x)        do { if (nbt_on) nbt_scalar((name), (l), (x)); } while (0)
#define NBT_INT(name, l, x)           do { if (nbt_on) nbt_int((name), (l), (x)); } while (0)
#define NBT_VEC3(name, l, v)          do { if (nbt_on) nbt_vec3((name), (l), (v)); } while (0)
#define NBT_VEC3V(name, l, x, y, z)   do { if (nbt_on) nbt_vec3v((name), (l), (x), (y), (z)); } while (0)
#define NBT_IVEC3(name, l, a, b, c)   do { if (nbt_on) nbt_ivec3((name), (l), (a), (b), (c)); } while (0)
#define NBT_MAT3(name, l, m)          do { if (nbt_on) nbt_mat3((name), (l), (m)); } while (0)
#define NBT_ENUM(name, l, s)          do { if (nbt_on) nbt_enum((name), (l), (s)); } while (0)
#define NBT_PIXEL(slow, fast)         (nbt_on = nbt_selected((slow), (fast)))
#define NBT_PIXEL_END()               (nbt_on = 0)
#define NBT_SETUP_BEGIN()             (nbt_on = nbt_is_armed())
#define NBT_SETUP_END()               (nbt_on = 0)
#define NBT_CLOSE()                   nbt_close()
#define NBT_IF_ON                     if (nbt_on)
#else
#define NBT_SCALAR(name, l, x)        ((void)0)
#define NBT_INT(name, l, x)           ((void)0)
#define NBT_VEC3(name, l, v)          ((void)0)
#define NBT_VEC3V(name, l, x, y, z)   ((void)0)
#define NBT_IVEC3(name, l, a, b, c)   ((void)0)
#define NBT_MAT3(name, l, m)          ((void)0)
#define NBT_ENUM(name, l, s)          ((void)0)
#define NBT_PIXEL(slow, fast)         ((void)0)
#define NBT_PIXEL_END()               ((void)0)
#define NBT_SETUP_BEGIN()             ((void)0)
#define NBT_SETUP_END()               ((void)0)
#define NBT_CLOSE()                   ((void)0)
#define NBT_IF_ON                     if (0)
/* inside NBT_IF_ON blocks the record functions vanish too, so no emitter code is needed at -O0 */
#ifndef NBTRACE_IMPLEMENTATION
#define nbt_scalar(...) ((void)0)
#define nbt_int(...)    ((void)0)
#define nbt_vec3(...)   ((void)0)
#define nbt_vec3v(...)  ((void)0)
#define nbt_ivec3(...)  ((void)0)
#define nbt_mat3(...)   ((void)0)
#define nbt_enum(...)   ((void)0)
#endif
#endif

/* ======================================================================================== */
#ifdef NBTRACE_IMPLEMENTATION
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

NBT_THREAD_LOCAL int nbt_on = 0;
int nbt_armed = 0;
int nbt_sel_slow = -1, nbt_sel_fast = -1;

/* ---------------- number formatting (JavaScript Number.prototype.toString) ----------------
 * Shortest round-trip decimal digits by the Ryu method (Adams, PLDI 2018): the rounding interval
 * of the double, scaled by a power of ten whose 125-bit approximation is exact enough that
 * removing digits from the scaled bounds gives the shortest digit string inside the interval,
 * and of those the one nearest the double (ties to even). JavaScript's Number#toString asks for
 * exactly that digit string; only the layout below (exponent form, "-0", ...) is JS's own.
 * The power-of-five tables are not stored: each entry is computed with exact big-integer
 * arithmetic the first time a number of that magnitude is printed (a few microseconds each;
 * a trace needs a few dozen). Only the thread that emits calls this, so the lazy tables need
 * no lock; call nbt_fmt_num from one thread at a time. */
typedef unsigned long long nbt__u64;
#define NBT__P5_BITS 125
#define NBT__P5_N 326      /* 5^i, i < 326: multipliers for binary exponents below 0 */
#define NBT__P5INV_N 342   /* 2^k / 5^q, q < 342: multipliers for binary exponents from 0 */
static nbt__u64 nbt__p5[NBT__P5_N][2], nbt__p5inv[NBT__P5INV_N][2];   /* [low, high] 64-bit words */
static unsigned char nbt__p5_ok[NBT__P5_N], nbt__p5inv_ok[NBT__P5INV_N];

/* ceil(log2(5^e)) (1 for e = 0), floor(log10(2^e)), floor(log10(5^e)): exact for the ranges used */
static int nbt__pow5bits(int e) { return (int)(((unsigned long)e * 1217359UL) >> 19) + 1; }
static int nbt__log10pow2(int e) { return (int)(((unsigned long)e * 78913UL) >> 18); }
static int nbt__log10pow5(int e) { return (int)(((unsigned long)e * 732923UL) >> 20); }

/* little-endian 32-bit-limb big integers, enough for 2^(125 + 796) */
#define NBT__BIG 32
typedef struct { unsigned long w[NBT__BIG]; int n; } nbt__big;   /* w[i] < 2^32 */
static void nbt__big_pow5(nbt__big *b, int e)
{
    int i; b->w[0] = 1; b->n = 1;
    while (e > 0) {
        int s = e > 13 ? 13 : e; unsigned long long m = 1, carry = 0;   /* 5^13 < 2^32 */
        while (s-- > 0) { m *= 5; e--; }
        for (i = 0; i < b->n; i++) { carry += (unsigned long long)b->w[i] * m; b->w[i] = (unsigned long)(carry & 0xffffffffUL); carry >>= 32; }
        if (carry) b->w[b->n++] = (unsigned long)carry;
    }
}
static int nbt__big_bits(const nbt__big *b)
{
    int bits = 32 * (b->n - 1); unsigned long top = b->w[b->n - 1];
    while (top) { bits++; top >>= 1; }
    return bits;
}
static int nbt__big_bit(const nbt__big *b, int i) { return i / 32 < b->n ? (int)((b->w[i / 32] >> (i % 32)) & 1u) : 0; }
/* bits [lo, lo+125) of b (lo may be negative: zeros shifted in) as two 64-bit words */
static void nbt__big_window(const nbt__big *b, int lo, nbt__u64 *out)
{
    int i; out[0] = out[1] = 0;
    for (i = 0; i < NBT__P5_BITS; i++) if (lo + i >= 0 && nbt__big_bit(b, lo + i)) out[i / 64] |= 1ULL << (i % 64);
}
static const nbt__u64 *nbt__pow5(int i)
{   /* 5^i scaled to exactly 125 bits: floor(5^i / 2^(pow5bits(i) - 125)) */
    if (!nbt__p5_ok[i]) {
        nbt__big b; nbt__big_pow5(&b, i);
        nbt__big_window(&b, nbt__big_bits(&b) - NBT__P5_BITS, nbt__p5[i]);
        nbt__p5_ok[i] = 1;
    }
    return nbt__p5[i];
}
static const nbt__u64 *nbt__pow5inv(int q)
{   /* floor(2^(pow5bits(q) - 1 + 125) / 5^q) + 1, by long division one quotient bit at a time */
    if (!nbt__p5inv_ok[q]) {
        nbt__big d, r; int bits, step, i; nbt__u64 quo[2] = {0, 0};
        nbt__big_pow5(&d, q);
        bits = nbt__big_bits(&d);
        memset(&r, 0, sizeof r); r.n = d.n + 1;
        r.w[(bits - 1) / 32] = 1UL << ((bits - 1) % 32);     /* remainder after the leading bits: 2^(bits-1) < 5^q (or = 1 = 5^0) */
        for (step = 0; step < NBT__P5_BITS + (q == 0); step++) {
            int ge = 1; unsigned long carry = 0;
            if (step > 0 || q != 0) {   /* r = 2r (not before the first bit when q = 0) */
                for (i = 0; i < r.n; i++) { unsigned long v = r.w[i]; r.w[i] = ((v << 1) | carry) & 0xffffffffUL; carry = v >> 31; }
            }
            for (i = r.n - 1; i >= 0; i--) {   /* r >= d ? */
                unsigned long dv = i < d.n ? d.w[i] : 0;
                if (r.w[i] != dv) { ge = r.w[i] > dv; break; }
            }
            quo[1] = (quo[1] << 1) | (quo[0] >> 63); quo[0] <<= 1;
            if (ge) {
                long long borrow = 0;
                for (i = 0; i < r.n; i++) {
                    long long v = (long long)r.w[i] - (long long)(i < d.n ? d.w[i] : 0) - borrow;
                    borrow = v < 0; r.w[i] = (unsigned long)(v + (borrow << 32));
                }
                quo[0] |= 1;
            }
        }
        quo[0] += 1; if (quo[0] == 0) quo[1] += 1;
        nbt__p5inv[q][0] = quo[0]; nbt__p5inv[q][1] = quo[1];
        nbt__p5inv_ok[q] = 1;
    }
    return nbt__p5inv[q];
}

/* (m * mul) >> j for a 64-bit m and a 128-bit mul, j >= 64 */
static nbt__u64 nbt__mulshift(nbt__u64 m, const nbt__u64 *mul, int j)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 b0 = (u128)m * mul[0], b2 = (u128)m * mul[1];
    return (nbt__u64)(((b0 >> 64) + b2) >> (j - 64));
#else
    /* portable: 64x64 -> 128 from 32-bit halves */
    nbt__u64 lo0, hi0, lo2, hi2, s_lo, s_hi;
    {
        nbt__u64 a = m, b = mul[0], al = a & 0xffffffffULL, ah = a >> 32, bl = b & 0xffffffffULL, bh = b >> 32;
        nbt__u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
        nbt__u64 mid = (ll >> 32) + (lh & 0xffffffffULL) + (hl & 0xffffffffULL);
        lo0 = (mid << 32) | (ll & 0xffffffffULL); hi0 = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    }
    {
        nbt__u64 a = m, b = mul[1], al = a & 0xffffffffULL, ah = a >> 32, bl = b & 0xffffffffULL, bh = b >> 32;
        nbt__u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
        nbt__u64 mid = (ll >> 32) + (lh & 0xffffffffULL) + (hl & 0xffffffffULL);
        lo2 = (mid << 32) | (ll & 0xffffffffULL); hi2 = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    }
    (void)lo0;
    s_lo = hi0 + lo2; s_hi = hi2 + (s_lo < hi0);   /* (b0 >> 64) + b2 */
    j -= 64;
    return j == 0 ? s_lo : j >= 64 ? s_hi >> (j - 64) : (s_hi << (64 - j)) | (s_lo >> j);
#endif
}
static int nbt__pow5factor(nbt__u64 v) { int c = 0; while (v % 5 == 0) { v /= 5; c++; } return c; }

/* shortest digits of a finite positive double: *digits (at most 17 of them) x 10^*exp10 */
static void nbt__shortest(double x, nbt__u64 *digits, int *exp10)
{
    nbt__u64 bits, ieee_m, m2, mv, vr, vp, vm, out;
    int ieee_e, e2, e10, mm_shift, accept, vm_tz = 0, vr_tz = 0, removed = 0, last = 0;
    memcpy(&bits, &x, sizeof bits);
    ieee_m = bits & ((1ULL << 52) - 1); ieee_e = (int)((bits >> 52) & 0x7ff);
    if (ieee_e == 0) { e2 = 1 - 1023 - 52 - 2; m2 = ieee_m; }
    else { e2 = ieee_e - 1023 - 52 - 2; m2 = (1ULL << 52) | ieee_m; }
    accept = (m2 & 1) == 0;                 /* even significand: the interval bounds read back to x */
    mv = 4 * m2;
    mm_shift = ieee_m != 0 || ieee_e <= 1;  /* the gap below is half as wide at a power of two */
    if (e2 >= 0) {
        int q = nbt__log10pow2(e2) - (e2 > 3), k = NBT__P5_BITS + nbt__pow5bits(q) - 1, i = -e2 + q + k;
        const nbt__u64 *mul = nbt__pow5inv(q);
        e10 = q;
        vr = nbt__mulshift(mv, mul, i); vp = nbt__mulshift(mv + 2, mul, i); vm = nbt__mulshift(mv - 1 - mm_shift, mul, i);
        if (q <= 21) {   /* the scaled values may be exact: find out whether dropped digits are all zero */
            if (mv % 5 == 0) vr_tz = nbt__pow5factor(mv) >= q;
            else if (accept) vm_tz = nbt__pow5factor(mv - 1 - mm_shift) >= q;
            else vp -= nbt__pow5factor(mv + 2) >= q;
        }
    } else {
        int q = nbt__log10pow5(-e2) - (-e2 > 1), i = -e2 - q, k = nbt__pow5bits(i) - NBT__P5_BITS, j = q - k;
        const nbt__u64 *mul = nbt__pow5(i);
        e10 = q + e2;
        vr = nbt__mulshift(mv, mul, j); vp = nbt__mulshift(mv + 2, mul, j); vm = nbt__mulshift(mv - 1 - mm_shift, mul, j);
        if (q <= 1) {
            vr_tz = 1;
            if (accept) vm_tz = mm_shift == 1; else --vp;
        } else if (q < 63) {
            vr_tz = (mv & ((1ULL << q) - 1)) == 0;
        }
    }
    if (vm_tz || vr_tz) {   /* rare: exact decimal neighbours, round half to even */
        for (;;) {
            nbt__u64 vp10 = vp / 10, vm10 = vm / 10;
            if (vp10 <= vm10) break;
            vm_tz &= vm % 10 == 0; vr_tz &= last == 0;
            last = (int)(vr % 10); vr /= 10; vp = vp10; vm = vm10; removed++;
        }
        if (vm_tz) for (;;) {
            if (vm % 10 != 0) break;
            vr_tz &= last == 0;
            last = (int)(vr % 10); vr /= 10; vp /= 10; vm /= 10; removed++;
        }
        if (vr_tz && last == 5 && vr % 2 == 0) last = 4;
        out = vr + ((vr == vm && (!accept || !vm_tz)) || last >= 5);
    } else {
        int up = 0;
        if (vp / 100 > vm / 100) { up = vr % 100 >= 50; vr /= 100; vp /= 100; vm /= 100; removed += 2; }
        for (;;) {
            nbt__u64 vp10 = vp / 10, vm10 = vm / 10;
            if (vp10 <= vm10) break;
            up = vr % 10 >= 5; vr /= 10; vp = vp10; vm = vm10; removed++;
        }
        out = vr + (vr == vm || up);
    }
    *digits = out; *exp10 = e10 + removed;
}

char *nbt_fmt_num(char *buf, double x)
{
    char best[24]; nbt__u64 d; int e, k = 0, n, i, pos = 0;
    if (x != x) { memcpy(buf, "\"NaN\"", 6); return buf; }
    if (x == HUGE_VAL) { memcpy(buf, "\"Infinity\"", 11); return buf; }
    if (x == -HUGE_VAL) { memcpy(buf, "\"-Infinity\"", 12); return buf; }
    if (x == 0.0) { strcpy(buf, signbit(x) ? "-0" : "0"); return buf; }
    nbt__shortest(fabs(x), &d, &e);
    { char rev[24]; while (d) { rev[k++] = (char)('0' + d % 10); d /= 10; } for (i = 0; i < k; i++) best[i] = rev[k - 1 - i]; }
    while (k > 1 && best[k - 1] == '0') { k--; e++; }
    n = e + k;   /* value = 0.best x 10^n */
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
        int ex = n - 1, ea = ex < 0 ? -ex : ex;
        buf[pos++] = best[0];
        if (k > 1) { buf[pos++] = '.'; memcpy(buf + pos, best + 1, (size_t)(k - 1)); pos += k - 1; }
        buf[pos++] = 'e'; buf[pos++] = ex < 0 ? '-' : '+';
        if (ea >= 100) buf[pos++] = (char)('0' + ea / 100);
        if (ea >= 10) buf[pos++] = (char)('0' + ea / 10 % 10);
        buf[pos++] = (char)('0' + ea % 10);
    }
    buf[pos] = 0;
    return buf;
}

/* ---------------- SHA-256 (FIPS 180-4) ---------------- */
typedef struct { unsigned long h[8]; unsigned char buf[64]; size_t nbuf; unsigned long long bits; } nbt__sha;
static const unsigned long nbt__K[64] = {
    0x428a2f98UL,0x71374491UL,0xb5c0fbcfUL,0xe9b5dba5UL,0x3956c25bUL,0x59f111f1UL,0x923f82a4UL,0xab1c5ed5UL,
    0xd807aa98UL,0x12835b01UL,0x243185beUL,0x550c7dc3UL,0x72be5d74UL,0x80deb1feUL,0x9bdc06a7UL,0xc19bf174UL,
    0xe49b69c1UL,0xefbe4786UL,0x0fc19dc6UL,0x240ca1ccUL,0x2de92c6fUL,0x4a7484aaUL,0x5cb0a9dcUL,0x76f988daUL,
    0x983e5152UL,0xa831c66dUL,0xb00327c8UL,0xbf597fc7UL,0xc6e00bf3UL,0xd5a79147UL,0x06ca6351UL,0x14292967UL,
    0x27b70a85UL,0x2e1b2138UL,0x4d2c6dfcUL,0x53380d13UL,0x650a7354UL,0x766a0abbUL,0x81c2c92eUL,0x92722c85UL,
    0xa2bfe8a1UL,0xa81a664bUL,0xc24b8b70UL,0xc76c51a3UL,0xd192e819UL,0xd6990624UL,0xf40e3585UL,0x106aa070UL,
    0x19a4c116UL,0x1e376c08UL,0x2748774cUL,0x34b0bcb5UL,0x391c0cb3UL,0x4ed8aa4aUL,0x5b9cca4fUL,0x682e6ff3UL,
    0x748f82eeUL,0x78a5636fUL,0x84c87814UL,0x8cc70208UL,0x90befffaUL,0xa4506cebUL,0xbef9a3f7UL,0xc67178f2UL};
#define NBT__ROR(x, n) ((((x) >> (n)) | ((x) << (32 - (n)))) & 0xffffffffUL)
static void nbt__sha_block(nbt__sha *s, const unsigned char *p)
{
    unsigned long w[64], a, b, c, d, e, f, g, h, t1, t2; int i;
    for (i = 0; i < 16; i++)
        w[i] = ((unsigned long)p[4*i] << 24) | ((unsigned long)p[4*i+1] << 16) | ((unsigned long)p[4*i+2] << 8) | p[4*i+3];
    for (i = 16; i < 64; i++) {
        unsigned long s0 = NBT__ROR(w[i-15], 7) ^ NBT__ROR(w[i-15], 18) ^ (w[i-15] >> 3);
        unsigned long s1 = NBT__ROR(w[i-2], 17) ^ NBT__ROR(w[i-2], 19) ^ (w[i-2] >> 10);
        w[i] = (w[i-16] + s0 + w[i-7] + s1) & 0xffffffffUL;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (i = 0; i < 64; i++) {
        unsigned long S1 = NBT__ROR(e, 6) ^ NBT__ROR(e, 11) ^ NBT__ROR(e, 25);
        unsigned long ch = (e & f) ^ ((~e) & g);
        unsigned long S0 = NBT__ROR(a, 2) ^ NBT__ROR(a, 13) ^ NBT__ROR(a, 22);
        unsigned long mj = (a & b) ^ (a & c) ^ (b & c);
        t1 = (h + S1 + ch + nbt__K[i] + w[i]) & 0xffffffffUL;
        t2 = (S0 + mj) & 0xffffffffUL;
        h = g; g = f; f = e; e = (d + t1) & 0xffffffffUL; d = c; c = b; b = a; a = (t1 + t2) & 0xffffffffUL;
    }
    s->h[0] = (s->h[0] + a) & 0xffffffffUL; s->h[1] = (s->h[1] + b) & 0xffffffffUL;
    s->h[2] = (s->h[2] + c) & 0xffffffffUL; s->h[3] = (s->h[3] + d) & 0xffffffffUL;
    s->h[4] = (s->h[4] + e) & 0xffffffffUL; s->h[5] = (s->h[5] + f) & 0xffffffffUL;
    s->h[6] = (s->h[6] + g) & 0xffffffffUL; s->h[7] = (s->h[7] + h) & 0xffffffffUL;
}
static void nbt__sha_init(nbt__sha *s)
{
    static const unsigned long iv[8] = {0x6a09e667UL,0xbb67ae85UL,0x3c6ef372UL,0xa54ff53aUL,
                                        0x510e527fUL,0x9b05688cUL,0x1f83d9abUL,0x5be0cd19UL};
    memcpy(s->h, iv, sizeof iv); s->nbuf = 0; s->bits = 0;
}
static void nbt__sha_update(nbt__sha *s, const void *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    s->bits += (unsigned long long)len * 8u;
    while (len > 0) {
        size_t take = 64 - s->nbuf; if (take > len) take = len;
        memcpy(s->buf + s->nbuf, p, take); s->nbuf += take; p += take; len -= take;
        if (s->nbuf == 64) { nbt__sha_block(s, s->buf); s->nbuf = 0; }
    }
}
static void nbt__sha_final(nbt__sha *s, char *hex)
{
    unsigned long long bits = s->bits; unsigned char pad = 0x80, z = 0, lenb[8]; int i;
    nbt__sha_update(s, &pad, 1);
    while (s->nbuf != 56) nbt__sha_update(s, &z, 1);
    for (i = 0; i < 8; i++) lenb[i] = (unsigned char)(bits >> (56 - 8*i));
    nbt__sha_update(s, lenb, 8);
    for (i = 0; i < 8; i++) sprintf(hex + 8*i, "%08lx", s->h[i]);
    hex[64] = 0;
}
void nbt_sha256_hex(const void *data, size_t len, char *hex)
{
    nbt__sha s; nbt__sha_init(&s); nbt__sha_update(&s, data, len); nbt__sha_final(&s, hex);
}
int nbt_sha256_file(const char *path, char *hex)
{
    unsigned char buf[65536]; size_t n; nbt__sha s; FILE *f = fopen(path, "rb");
    if (!f) return -1;
    nbt__sha_init(&s);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) nbt__sha_update(&s, buf, n);
    fclose(f);
    nbt__sha_final(&s, hex);
    return 0;
}

/* ---------------- small growable string ---------------- */
typedef struct { char *p; size_t n, cap; } nbt__str;
static void nbt__put(nbt__str *s, const char *t, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        size_t c = s->cap ? s->cap : 256; char *q;
        while (s->n + n + 1 > c) c *= 2;
        q = (char *)realloc(s->p, c); if (!q) return;
        s->p = q; s->cap = c;
    }
    memcpy(s->p + s->n, t, n); s->n += n; s->p[s->n] = 0;
}
static void nbt__puts(nbt__str *s, const char *t) { nbt__put(s, t, strlen(t)); }
static void nbt__putjstr(nbt__str *s, const char *t)
{   /* JSON.stringify of a (UTF-8) string */
    char esc[8];
    nbt__put(s, "\"", 1);
    for (; *t; t++) {
        unsigned char c = (unsigned char)*t;
        if (c == '"') nbt__puts(s, "\\\"");
        else if (c == '\\') nbt__puts(s, "\\\\");
        else if (c == '\b') nbt__puts(s, "\\b");
        else if (c == '\f') nbt__puts(s, "\\f");
        else if (c == '\n') nbt__puts(s, "\\n");
        else if (c == '\r') nbt__puts(s, "\\r");
        else if (c == '\t') nbt__puts(s, "\\t");
        else if (c < 0x20) { sprintf(esc, "\\u%04x", c); nbt__puts(s, esc); }
        else nbt__put(s, (const char *)&c, 1);
    }
    nbt__put(s, "\"", 1);
}

/* ---------------- JSON canonicalizer (keys sorted, JS numbers, no whitespace) ---------------- */
static const char *nbt__ws(const char *p) { while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++; return p; }
static void nbt__utf8(nbt__str *s, unsigned long cp)
{
    char b[4]; size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) { b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 63)); b[2] = (char)(0x80 | (cp & 63)); n = 3; }
    else { b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 63)); b[2] = (char)(0x80 | ((cp >> 6) & 63)); b[3] = (char)(0x80 | (cp & 63)); n = 4; }
    nbt__put(s, b, n);
}
static const char *nbt__jstring(const char *p, nbt__str *raw)
{   /* p at the opening quote; decodes into raw (UTF-8). returns past the closing quote or NULL */
    p++;
    while (*p && *p != '"') {
        if (*p == '\\') {
            p++;
            switch (*p) {
            case '"': nbt__put(raw, "\"", 1); break; case '\\': nbt__put(raw, "\\", 1); break;
            case '/': nbt__put(raw, "/", 1); break; case 'b': nbt__put(raw, "\b", 1); break;
            case 'f': nbt__put(raw, "\f", 1); break; case 'n': nbt__put(raw, "\n", 1); break;
            case 'r': nbt__put(raw, "\r", 1); break; case 't': nbt__put(raw, "\t", 1); break;
            case 'u': {
                char hx[5]; unsigned long cp;
                if (!p[1] || !p[2] || !p[3] || !p[4]) return NULL;   /* \u needs four hex digits */
                memcpy(hx, p + 1, 4); hx[4] = 0; cp = strtoul(hx, NULL, 16);
                p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
                    unsigned long lo = 0;
                    if (p[3] && p[4] && p[5] && p[6]) { memcpy(hx, p + 3, 4); lo = strtoul(hx, NULL, 16); }
                    if (lo >= 0xDC00 && lo < 0xE000) { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00); p += 6; }
                }
                nbt__utf8(raw, cp);
                break;
            }
            default: return NULL;
            }
            p++;
        } else { nbt__put(raw, p, 1); p++; }
    }
    return *p == '"' ? p + 1 : NULL;
}
typedef struct { char *key; char *val; } nbt__kv;
static int nbt__kvcmp(const void *a, const void *b) { return strcmp(((const nbt__kv *)a)->key, ((const nbt__kv *)b)->key); }
static const char *nbt__canon(const char *p, nbt__str *out)
{
    p = nbt__ws(p);
    if (*p == '{') {
        nbt__kv *kv = NULL; size_t n = 0, i;
        p = nbt__ws(p + 1);
        if (*p == '}') { nbt__puts(out, "{}"); return p + 1; }
        for (;;) {
            nbt__str k = {0, 0, 0}, v = {0, 0, 0}; nbt__kv *q;
            p = nbt__ws(p);
            if (*p != '"' || !(p = nbt__jstring(p, &k))) return NULL;
            p = nbt__ws(p); if (*p != ':') return NULL;
            if (!(p = nbt__canon(p + 1, &v))) return NULL;
            q = (nbt__kv *)realloc(kv, (n + 1) * sizeof *kv); if (!q) return NULL; kv = q;
            kv[n].key = k.p ? k.p : (char *)calloc(1, 1); kv[n].val = v.p; n++;
            p = nbt__ws(p);
            if (*p == ',') { p++; continue; }
            if (*p == '}') { p++; break; }
            return NULL;
        }
        qsort(kv, n, sizeof *kv, nbt__kvcmp);
        nbt__puts(out, "{");
        for (i = 0; i < n; i++) {
            if (i) nbt__puts(out, ",");
            nbt__putjstr(out, kv[i].key); nbt__puts(out, ":"); nbt__puts(out, kv[i].val);
            free(kv[i].key); free(kv[i].val);
        }
        free(kv);
        nbt__puts(out, "}");
        return p;
    }
    if (*p == '[') {
        int first = 1;
        p = nbt__ws(p + 1);
        nbt__puts(out, "[");
        if (*p == ']') { nbt__puts(out, "]"); return p + 1; }
        for (;;) {
            if (!first) nbt__puts(out, ",");
            first = 0;
            if (!(p = nbt__canon(p, out))) return NULL;
            p = nbt__ws(p);
            if (*p == ',') { p++; continue; }
            if (*p == ']') { p++; break; }
            return NULL;
        }
        nbt__puts(out, "]");
        return p;
    }
    if (*p == '"') {
        nbt__str raw = {0, 0, 0};
        if (!(p = nbt__jstring(p, &raw))) return NULL;
        nbt__putjstr(out, raw.p ? raw.p : "");
        free(raw.p);
        return p;
    }
    if (!strncmp(p, "true", 4)) { nbt__puts(out, "true"); return p + 4; }
    if (!strncmp(p, "false", 5)) { nbt__puts(out, "false"); return p + 5; }
    if (!strncmp(p, "null", 4)) { nbt__puts(out, "null"); return p + 4; }
    {
        char *end; char b[32]; double v = strtod(p, &end);
        if (end == p) return NULL;
        nbt__puts(out, nbt_fmt_num(b, v));
        return end;
    }
}

/* ---------------- trace file state ---------------- */
static FILE *nbt__f = NULL;
static char *nbt__path = NULL, *nbt__tmp = NULL;
static long long nbt__seq = 0;
static int nbt__header_done = 0, nbt__closed = 0;
static nbt__str nbt__producer = {0, 0, 0}, nbt__args = {0, 0, 0}, nbt__inputs = {0, 0, 0};
static nbt__kv *nbt__cfg = NULL; static size_t nbt__ncfg = 0;
static char *nbt__cfg_whole = NULL;
static int nbt__cfg_bad = 0;

static void nbt__finish(const char *status, const char *reason);
static void nbt__atexit(void) { if (nbt__f && !nbt__closed) nbt__finish("aborted", "the program exited before the trace was closed"); }
static void nbt__signal(int sig)
{
    char reason[64];
    const char *nm = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGSEGV ? "SIGSEGV" :
                     sig == SIGABRT ? "SIGABRT" : sig == SIGFPE ? "SIGFPE" : "signal";
    sprintf(reason, "killed by %s (%d)", nm, sig);
    if (nbt__f && !nbt__closed) nbt__finish("aborted", reason);   /* best effort: stdio in a handler */
    signal(sig, SIG_DFL);
    raise(sig);
}

int nbt_open(const char *path, int slow, int fast)
{
    size_t n = strlen(path);
    nbt__path = (char *)malloc(n + 1); nbt__tmp = (char *)malloc(n + 16);
    if (!nbt__path || !nbt__tmp) return -1;
    strcpy(nbt__path, path);
    sprintf(nbt__tmp, "%s.part", path);
    nbt__f = fopen(nbt__tmp, "wb");
    if (!nbt__f) return -1;
    nbt_sel_slow = slow; nbt_sel_fast = fast;
    nbt_armed = 1;
    atexit(nbt__atexit);
    signal(SIGINT, nbt__signal); signal(SIGTERM, nbt__signal); signal(SIGSEGV, nbt__signal);
    signal(SIGABRT, nbt__signal); signal(SIGFPE, nbt__signal);
    return 0;
}

static int nbt__int_arg(const char *s, int *v)
{
    char *end; long x = strtol(s, &end, 10);
    if (end == s || *end || x < 0 || x > 2147483647L) return -1;
    *v = (int)x;
    return 0;
}
int nbt_take_args(int *argc, char **argv)
{
    int i, j = 1, slow = -1, fast = -1, want = 0;
    const char *out = "trace_C.jsonl";
    for (i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "-trace_pixel")) {
            if (i + 2 >= *argc || nbt__int_arg(argv[i + 1], &slow) || nbt__int_arg(argv[i + 2], &fast)) {
                fprintf(stderr, "nbtrace: -trace_pixel needs two pixel indices, slow then fast (got %s %s)\n",
                        i + 1 < *argc ? argv[i + 1] : "nothing", i + 2 < *argc ? argv[i + 2] : "");
                return -1;
            }
            want = 1; i += 2;
        } else if (!strcmp(argv[i], "-trace_out")) {
            if (i + 1 >= *argc) { fprintf(stderr, "nbtrace: -trace_out needs a file name\n"); return -1; }
            out = argv[++i];
        } else argv[j++] = argv[i];
    }
    *argc = j; argv[j] = NULL;   /* argv[argc] is NULL, as for any main() */
    if (!want) return 0;
    if (nbt_open(out, slow, fast)) { fprintf(stderr, "nbtrace: cannot write %s.part\n", out); return -1; }
    nbt_set_args(*argc, argv);
    return 1;
}

void nbt_set_producer(const char *name, const char *version, const char *commit, const char *flags_json)
{
    nbt__producer.n = 0;
    nbt__puts(&nbt__producer, "{\"name\":"); nbt__putjstr(&nbt__producer, name);
    nbt__puts(&nbt__producer, ",\"version\":"); nbt__putjstr(&nbt__producer, version);
    nbt__puts(&nbt__producer, ",\"commit\":");
    if (commit && *commit) nbt__putjstr(&nbt__producer, commit); else nbt__puts(&nbt__producer, "null");
    nbt__puts(&nbt__producer, ",\"language\":\"c\",\"precision\":\"float64\"");
    if (flags_json) {
        nbt__str c = {0, 0, 0};
        if (nbt__canon(flags_json, &c) && c.p && c.p[0] == '{') { nbt__puts(&nbt__producer, ",\"flags\":"); nbt__puts(&nbt__producer, c.p); }
        free(c.p);
    }
    nbt__puts(&nbt__producer, "}");
}

void nbt_set_args(int argc, char **argv)
{
    int i;
    nbt__args.n = 0;
    nbt__puts(&nbt__args, "[");
    for (i = 1; i < argc; i++) { if (i > 1) nbt__puts(&nbt__args, ","); nbt__putjstr(&nbt__args, argv[i]); }
    nbt__puts(&nbt__args, "]");
}

void nbt_add_input(const char *role, const char *path)
{
    char hex[65];
    if (nbt_sha256_file(path, hex) != 0) return;
    nbt__puts(&nbt__inputs, nbt__inputs.n ? "," : "");
    nbt__puts(&nbt__inputs, "{\"role\":"); nbt__putjstr(&nbt__inputs, role);
    nbt__puts(&nbt__inputs, ",\"path\":"); nbt__putjstr(&nbt__inputs, path);
    nbt__puts(&nbt__inputs, ",\"sha256\":\""); nbt__puts(&nbt__inputs, hex); nbt__puts(&nbt__inputs, "\"}");
}

static void nbt__cfg_set(const char *key, const char *val)
{
    size_t i; nbt__kv *q;
    for (i = 0; i < nbt__ncfg; i++) if (!strcmp(nbt__cfg[i].key, key)) {   /* last one wins */
        free(nbt__cfg[i].val); nbt__cfg[i].val = (char *)malloc(strlen(val) + 1);
        if (nbt__cfg[i].val) strcpy(nbt__cfg[i].val, val);
        return;
    }
    q = (nbt__kv *)realloc(nbt__cfg, (nbt__ncfg + 1) * sizeof *q); if (!q) return; nbt__cfg = q;
    q[nbt__ncfg].key = (char *)malloc(strlen(key) + 1); q[nbt__ncfg].val = (char *)malloc(strlen(val) + 1);
    if (!q[nbt__ncfg].key || !q[nbt__ncfg].val) return;
    strcpy(q[nbt__ncfg].key, key); strcpy(q[nbt__ncfg].val, val); nbt__ncfg++;
}
void nbt_cfg_null(const char *key) { nbt__cfg_set(key, "null"); }
void nbt_cfg_bool(const char *key, int v) { nbt__cfg_set(key, v ? "true" : "false"); }
void nbt_cfg_int(const char *key, long long v) { char b[32]; sprintf(b, "%lld", v); nbt__cfg_set(key, b); }
void nbt_cfg_num(const char *key, double v) { char b[32]; nbt__cfg_set(key, nbt_fmt_num(b, v)); }
void nbt_cfg_str(const char *key, const char *v) { nbt__str s = {0, 0, 0}; nbt__putjstr(&s, v); nbt__cfg_set(key, s.p); free(s.p); }
void nbt_cfg_nums(const char *key, int n, const double *v)
{
    nbt__str s = {0, 0, 0}; char b[32]; int i;
    nbt__puts(&s, "[");
    for (i = 0; i < n; i++) { if (i) nbt__puts(&s, ","); nbt__puts(&s, nbt_fmt_num(b, v[i])); }
    nbt__puts(&s, "]");
    nbt__cfg_set(key, s.p); free(s.p);
}
void nbt_cfg_raw(const char *key, const char *json)
{
    nbt__str c = {0, 0, 0};
    if (nbt__canon(json, &c) && c.p) nbt__cfg_set(key, c.p); else nbt__cfg_bad = 1;
    free(c.p);
}
int nbt_set_config_json(const char *json)
{
    nbt__str c = {0, 0, 0}; const char *end = nbt__canon(json, &c);
    if (!end || !c.p || c.p[0] != '{' || *nbt__ws(end)) { free(c.p); return -1; }
    free(nbt__cfg_whole); nbt__cfg_whole = c.p;
    return 0;
}

static void nbt__iso_now(char *buf)
{
    time_t t = time(NULL); struct tm *g = gmtime(&t);
    if (g) strftime(buf, 40, "%Y-%m-%dT%H:%M:%S.000Z", g); else strcpy(buf, "1970-01-01T00:00:00.000Z");
}

void nbt_begin(void)
{
    nbt__str h = {0, 0, 0}, cfg = {0, 0, 0}; char b[64]; size_t i;
    if (!nbt__f || nbt__header_done) return;
    if (nbt__cfg_whole) nbt__puts(&cfg, nbt__cfg_whole);
    else if (nbt__ncfg && !nbt__cfg_bad) {
        qsort(nbt__cfg, nbt__ncfg, sizeof *nbt__cfg, nbt__kvcmp);
        nbt__puts(&cfg, "{");
        for (i = 0; i < nbt__ncfg; i++) {
            if (i) nbt__puts(&cfg, ",");
            nbt__putjstr(&cfg, nbt__cfg[i].key); nbt__puts(&cfg, ":"); nbt__puts(&cfg, nbt__cfg[i].val);
        }
        nbt__puts(&cfg, "}");
    }
    nbt__puts(&h, "{\"type\":\"header\",\"schema\":\"nbtrace-trace\",\"version\":1,\"format\":\"nbtrace\",\"producer\":");
    if (nbt__producer.n) nbt__puts(&h, nbt__producer.p);
    else nbt__puts(&h, "{\"name\":\"unknown\",\"version\":\"0\",\"commit\":null,\"language\":\"c\",\"precision\":\"float64\"}");
    nbt__puts(&h, ",\"pixel\":");
    if (nbt_sel_slow >= 0 && nbt_sel_fast >= 0) { sprintf(b, "{\"slow\":%d,\"fast\":%d}", nbt_sel_slow, nbt_sel_fast); nbt__puts(&h, b); }
    else nbt__puts(&h, "null");
    nbt__puts(&h, ",\"args\":"); nbt__puts(&h, nbt__args.n ? nbt__args.p : "[]");
    nbt__puts(&h, ",\"config\":");
    if (cfg.n) {
        char hex[65];
        nbt_sha256_hex(cfg.p, cfg.n, hex);
        nbt__puts(&h, cfg.p); nbt__puts(&h, ",\"configHash\":\""); nbt__puts(&h, hex); nbt__puts(&h, "\"");
    } else nbt__puts(&h, "null,\"configHash\":null");
    nbt__puts(&h, ",\"inputs\":["); if (nbt__inputs.n) nbt__puts(&h, nbt__inputs.p); nbt__puts(&h, "]");
    nbt__iso_now(b);
    nbt__puts(&h, ",\"created\":\""); nbt__puts(&h, b); nbt__puts(&h, "\",\"catalogue\":1}\n");
    fputs(h.p, nbt__f);
    free(h.p); free(cfg.p);
    nbt__header_done = 1;
}

static void nbt__finish(const char *status, const char *reason)
{
    nbt__str s = {0, 0, 0}; char b[64];
    if (!nbt__f || nbt__closed) return;
    nbt__closed = 1; nbt_on = 0; nbt_armed = 0;
    if (!nbt__header_done) nbt_begin();
    sprintf(b, "{\"type\":\"footer\",\"count\":%lld,\"status\":\"%s\"", nbt__seq, status);
    nbt__puts(&s, b);
    if (reason) { nbt__puts(&s, ",\"reason\":"); nbt__putjstr(&s, reason); }
    nbt__puts(&s, "}\n");
    fputs(s.p, nbt__f); free(s.p);
    fclose(nbt__f); nbt__f = NULL;
    rename(nbt__tmp, nbt__path);
}
void nbt_close(void) { nbt__finish("complete", NULL); }
void nbt_abort(const char *reason) { nbt__finish("aborted", reason && *reason ? reason : "aborted"); }

/* ---------------- value records ---------------- */
static const char *const nbt__loopnames[6] = {"thick", "subS", "subF", "source", "phi", "mosaic"};
static void nbt__rec_start(const char *name, nbt_loop l)
{
    int i, first = 1;
    if (!nbt__header_done) nbt_begin();
    fprintf(nbt__f, "{\"type\":\"value\",\"seq\":%lld,\"name\":\"%s\",\"loop\":{", nbt__seq++, name);
    for (i = 0; i < 6; i++) if (l.mask & (1u << i)) {
        fprintf(nbt__f, "%s\"%s\":%d", first ? "" : ",", nbt__loopnames[i], l.v[i]); first = 0;
    }
    fputs("},\"value\":", nbt__f);
}
void nbt_scalar(const char *name, nbt_loop l, double x)
{
    char b[32]; if (!nbt__f || nbt__closed) return;
    nbt__rec_start(name, l); fputs(nbt_fmt_num(b, x), nbt__f); fputs("}\n", nbt__f);
}
void nbt_int(const char *name, nbt_loop l, long long x)
{
    if (!nbt__f || nbt__closed) return;
    nbt__rec_start(name, l); fprintf(nbt__f, "%lld}\n", x);
}
void nbt_vec3v(const char *name, nbt_loop l, double x, double y, double z)
{
    char a[32], b[32], c[32]; if (!nbt__f || nbt__closed) return;
    nbt__rec_start(name, l);
    fprintf(nbt__f, "[%s,%s,%s]}\n", nbt_fmt_num(a, x), nbt_fmt_num(b, y), nbt_fmt_num(c, z));
}
void nbt_vec3(const char *name, nbt_loop l, const double *v) { nbt_vec3v(name, l, v[0], v[1], v[2]); }
void nbt_ivec3(const char *name, nbt_loop l, long long a, long long b, long long c)
{
    if (!nbt__f || nbt__closed) return;
    nbt__rec_start(name, l); fprintf(nbt__f, "[%lld,%lld,%lld]}\n", a, b, c);
}
void nbt_mat3(const char *name, nbt_loop l, const double *m)
{
    char b[32]; int i; if (!nbt__f || nbt__closed) return;
    nbt__rec_start(name, l); fputc('[', nbt__f);
    for (i = 0; i < 9; i++) { if (i) fputc(',', nbt__f); fputs(nbt_fmt_num(b, m[i]), nbt__f); }
    fputs("]}\n", nbt__f);
}
void nbt_enum(const char *name, nbt_loop l, const char *s)
{
    nbt__str t = {0, 0, 0}; if (!nbt__f || nbt__closed) return;
    nbt__putjstr(&t, s);
    nbt__rec_start(name, l); fputs(t.p, nbt__f); fputs("}\n", nbt__f); free(t.p);
}
#endif /* NBTRACE_IMPLEMENTATION */
#endif /* NBTRACE_H */
