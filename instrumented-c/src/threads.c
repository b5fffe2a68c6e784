/* threads.c - the image over threads (pthreads over chunks of rows), bit-identical to the serial
 * loop; the C mirror of src/sim/threads.ts.
 *
 * What the serial loop carries from one pixel to the next is set at the start of each chunk to the
 * value serial execution has there (nb_order_scan, nb_chunk_start in pixel.c):
 *  - phi carry-over (quirk Q3): the phi-rotated cell is a0/b0/c0 until a pixel evaluates a
 *    source, then the rotation by the last non-zero phi step;
 *  - the sticky interpolation fallback (quirk Q8): the pixel where it fires is found once by a
 *    serial scan; chunks after it start with interpolation off, the chunk holding it fires it;
 *  - the polarization axis, unitized in place by every call: unit after the first evaluated pixel.
 * Each thread has its own NB (nb.h), copied from the main thread's after set-up. Every pixel is
 * written by one thread only. The solid-angle sum printed with the statistics is the one sum that
 * depends on order: each chunk keeps its pixels' omega values and they are added in serial order
 * as chunks complete (a chunk waits when it would run more than WINDOW chunks ahead of the sum).
 *
 * Threads: NBTRACE_THREADS, else OMP_NUM_THREADS (as upstream's OpenMP build reads it), else
 * every online CPU. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nb.h"

#define MAX_THREADS 256
#define CHUNK_PIXELS 65536   /* at most this many pixels per chunk (their omega values: 512 KiB) */

/* a positive integer at the start of s (OMP_NUM_THREADS may be a list), or 0 */
static long leading_count(const char *s, int whole)
{
    char *end; long v;
    if (!s || !*s) return 0;
    v = strtol(s, &end, 10);
    if (end == s || v < 1 || (whole && *end != '\0')) return 0;
    return v;
}

/* The thread count (read once: main() asks before any output is opened, so a bad value is refused
 * before anything is written). */
int nb_thread_count(void)
{
    static int known = 0;
    const char *e = getenv("NBTRACE_THREADS");
    long t;
    if (known) return known;
    if (e && *e) {
        t = leading_count(e, 1);
        if (t == 0) nb_refuse("NBTRACE_THREADS=%s: expected a positive integer (threads over detector rows)", e);
    } else {
        t = leading_count(getenv("OMP_NUM_THREADS"), 0);
        if (t == 0) t = sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (t < 1) t = 1;
    if (t > MAX_THREADS) t = MAX_THREADS;
    return known = (int)t;
}

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const nb_t *snapshot;          /* NB after set-up: every thread starts from it */
    const nb_order_state *order;
    int rows_per, nchunks, window;
    int next;                      /* next chunk to hand out */
    int folded;                    /* chunks whose omega values are in the sum */
    double **omega; long *nomega; unsigned char *done;
    double omega_sum;
    const char *progress; int every, last_report;
} pool_t;

/* Adds the completed chunks' omega values to the sum in serial order (lock held). */
static void fold(pool_t *p)
{
    nb_t *n = &NB;
    while (p->folded < p->nchunks && p->done[p->folded]) {
        int c = p->folded; long i; int rows;
        for (i = 0; i < p->nomega[c]; i++) p->omega_sum += p->omega[c][i];
        free(p->omega[c]); p->omega[c] = NULL;
        p->folded++;
        rows = p->folded*p->rows_per < n->spixels ? p->folded*p->rows_per : n->spixels;
        if (p->progress && rows < n->spixels && rows/p->every > p->last_report) {
            p->last_report = rows/p->every;
            printf("NBTRACE_PROGRESS %.4f\n", (double)(p->last_report*p->every)/n->spixels); fflush(stdout);
        }
    }
}

static void *worker(void *arg)
{
    pool_t *p = arg;
    nb_t *n = &NB;
    size_t cap = (size_t)p->rows_per*(size_t)p->snapshot->fpixels;
    if (n != p->snapshot) *n = *p->snapshot;
    for (;;) {
        int c, row0, row1; long k = 0;
        double *buf;
        pthread_mutex_lock(&p->mu);
        while (p->next < p->nchunks && p->next >= p->folded + p->window) pthread_cond_wait(&p->cv, &p->mu);
        if (p->next >= p->nchunks) { pthread_mutex_unlock(&p->mu); break; }
        c = p->next++;
        pthread_mutex_unlock(&p->mu);
        buf = malloc((cap ? cap : 1)*sizeof(double));
        if (!buf) nb_die("out of memory for the solid angles of a chunk of rows");
        row0 = c*p->rows_per;
        row1 = row0 + p->rows_per < n->spixels ? row0 + p->rows_per : n->spixels;
        nb_chunk_start(p->order, (long)row0*n->fpixels);
        nb_render_rows(row0, row1, buf, &k);
        pthread_mutex_lock(&p->mu);
        p->omega[c] = buf; p->nomega[c] = k; p->done[c] = 1;
        fold(p);
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* Renders the image with `threads` threads (the calling one included). Returns 0, having done
 * nothing, when only the serial loop can reproduce the image (see nb_order_scan). */
int nb_render_threaded(int threads)
{
    nb_t *n = &NB;
    nb_order_state order;
    nb_t *snapshot;
    pool_t p;
    pthread_t tid[MAX_THREADS];
    int started = 0, i, c;
    long npix = (long)n->fpixels*n->spixels;
    if (!nb_order_scan(&order)) return 0;
    snapshot = malloc(sizeof *snapshot);
    if (!snapshot) nb_die("out of memory");
    *snapshot = *n;
    memset(&p, 0, sizeof p);
    p.snapshot = snapshot;
    p.order = &order;
    /* small chunks: the load stays balanced when a core is busy with something else */
    p.rows_per = n->spixels/(threads*8);
    if (p.rows_per < 1) p.rows_per = 1;
    if ((long)p.rows_per*n->fpixels > CHUNK_PIXELS) p.rows_per = n->fpixels >= CHUNK_PIXELS ? 1 : CHUNK_PIXELS/n->fpixels;
    p.nchunks = (n->spixels + p.rows_per - 1)/p.rows_per;
    p.window = 4*threads;
    p.omega = calloc((size_t)p.nchunks, sizeof *p.omega);
    p.nomega = calloc((size_t)p.nchunks, sizeof *p.nomega);
    p.done = calloc((size_t)p.nchunks, 1);
    if (!p.omega || !p.nomega || !p.done) nb_die("out of memory");
    p.omega_sum = n->omega_sum;
    p.progress = getenv("NBTRACE_PROGRESS");
    p.every = n->spixels/20 > 0 ? n->spixels/20 : 1;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    for (i = 1; i < threads; i++) {
        if (pthread_create(&tid[started], NULL, worker, &p) != 0) break;
        started++;
    }
    worker(&p);   /* the calling thread works on its own NB, restored below */
    for (i = 0; i < started; i++) pthread_join(tid[i], NULL);
    for (c = 0; c < p.nchunks; c++) if (!p.done[c]) nb_die("internal error: chunk %d of rows not rendered", c);
    /* NB as the serial loop leaves it */
    {
        float *img = n->floatimage;
        *n = *snapshot;
        n->floatimage = img;
        n->omega_sum = p.omega_sum;
        nb_chunk_start(&order, npix);
    }
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    free(p.omega); free(p.nomega); free(p.done); free(snapshot);
    return 1;
}
