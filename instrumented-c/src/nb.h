/* nb.h - shared state of the nbtrace reference nanoBragg simulator (C99).
 * What it computes: docs/ts-engine.md; quirk ids: schemas/faults.json (docs/quirks.md). */
#ifndef NB_H
#define NB_H
#include <stdio.h>
#include <stddef.h>
#include "flags_gen.h"

#define NB_VERSION "0.1.0"

typedef double vec3[3];

enum { CONV_MOSFLM = 0, CONV_DENZO, CONV_ADXV, CONV_XDS, CONV_DIALS, CONV_CUSTOM };
enum { PIVOT_BEAM = 0, PIVOT_SAMPLE = 1 };
enum { SHAPE_SQUARE = 0, SHAPE_ROUND, SHAPE_GAUSS, SHAPE_TOPHAT };
enum { FMODE_NEAREST = 0, FMODE_TRICUBIC, FMODE_DEFAULT };

extern const char *const nb_conv_names[];
extern const char *const nb_shape_names[];

typedef struct {
    /* ---- command line ---- */
    int argc; char **argv;
    unsigned char given[NB_NGIVEN];   /* config given-marks (flags_gen.h) */
    int pivot_flag;                   /* -1 none, else PIVOT_* of the last pivot-setting flag */
    char *hklfilename, *matfilename, *sourcefilename, *imginfile, *maskfile, *dumpfilename;
    char *stolfilename, *stoloutfilename; double stol_file_mult;
    char *floatfile, *intfile, *noisefile, *pgmfile;
    int write_pgm, calculate_noise, floatfile_given, intfile_given, noisefile_given;
    double pgm_scale, intfile_scale, adc_offset;
    int user_cell;
    double cell[6];                   /* a b c (Å) alpha beta gamma (rad) as given, 0 = not given */
    double cell_a, cell_b, cell_c, alpha, beta, gamma;  /* with the defaults applied (set-up) */
    double misset[4]; int misset_random;
    double density, molecular_weight; int coherent;
    int printout, printout_fpixel, printout_spixel, progress;
    double detector_abs_m;            /* -detector_abs as given (m; inf), for the config */
    vec3 pix0_given;                  /* -pix0_vector: read, never used (recomputed) */
    char **notes; int nnotes;         /* warnings of the flags themselves (no-op flags) */
    double default_F;
    double Na, Nb, Nc;
    double sample_x, sample_y, sample_z;
    double lambda0, dispersion, dispstep; int dispsteps;
    double hdivrange, vdivrange, hdivstep, vdivstep; int hdivsteps, vdivsteps; int round_div;
    double fluence, flux, exposure, beamsize;
    double polarization; int nopolar;
    double distance, close_distance;
    double detsize_f, detsize_s; int fpixels, spixels; double pixel_size;
    double Xbeam, Ybeam, Xclose, Yclose, ORGX, ORGY;
    double Fbeam, Sbeam, Fclose, Sclose;
    int pivot, convention;
    vec3 beam_vector, fdet_vector, sdet_vector, odet_vector, twotheta_axis, polar_vector, spindle_vector, vert_vector;
    vec3 pix0_vector;
    double rotx, roty, rotz, twotheta;
    double detector_mu, detector_thick, detector_thickstep; int detector_thicksteps;
    int curved_detector, point_pixel;
    int oversample, oversample_thick, oversample_polar, oversample_omega;
    int roi_xmin, roi_xmax, roi_ymin, roi_ymax;
    double mosaic_spread; int mosaic_domains;
    double phi0, osc, phistep; int phisteps;
    double dmin;
    int xtal_shape; double fudge;
    int interpolate;      /* 0,1; 2 = auto (resolved in setup). Global, sticky fallback (Q8) */
    int interpolate_initial;
    double water_size;
    long seed, mosaic_seed, misset_seed;
    long mosaic_seed_initial, misset_seed_initial;
    /* ---- derived / set-up ---- */
    double pivot_F, pivot_S, pivot_distance;  /* inputs to pix0 (trace) */
    double dials_origin[3];
    double ratio;
    double V_cell, V_star;
    vec3 a_star, b_star, c_star;   /* Å^-1, final (regenerated) */
    vec3 a0, b0, c0;              /* m */
    double misset_draws[3];
    double cell_abc[3], cell_angles[3];
    /* structure factors */
    int hkls, h_min, h_max, k_min, k_max, l_min, l_max, h_range, k_range, l_range;
    double *Fhkl;  /* (h_range+1)*(k_range+1)*(l_range+1) */
    /* sources */
    int sources;
    double *source_X, *source_Y, *source_Z, *source_I, *source_lambda; /* unit dirs after set-up */
    /* mosaic */
    double *mosaic_umats; /* 9 per domain */
    double *mosaic_draws; /* 3 per domain */
    double *mosaic_angles;
    int steps;
    double subpixel_size;
    double r_e_sqr, I_bg;
    double omega_sum;
    /* images */
    float *floatimage;
    unsigned char *maskimage; /* nonzero = use */
    unsigned char *mask_bytes; size_t mask_nbytes; int mask_header_size, mask_width, mask_height;
    /* trace selection */
    int trace_slow, trace_fast, trace_only, trace_requested;
    char *trace_out;
    /* planted faults (-nbtrace_faults, faults.c): what each one changes, chosen once at set-up */
    char *planted_faults;
    double outside_F;          /* F of an hkl outside the table (hkl-outside-zero: 0) */
    int fast_shift_from;       /* fast >= this uses the position of fast+1 (tile-fast-offset; INT_MAX: none) */
    double obliquity_drop_cos; /* cos 2theta below this: no obliquity factor (high-angle-obliquity; -INFINITY: none) */
    /* stats */
    double max_I, max_I_x, max_I_y, mean, rms, rmsd; long stat_n;
    int quiet;
} nb_t;

/* Thread-local storage class. NB is one per thread: a render thread starts from a copy of the
 * main thread's NB after set-up, so what the pixel loop writes into it (the sticky interpolation
 * switch, the polarization axis unitized in place, the solid-angle sum) stays in that thread
 * (threads.c). */
#if defined(__GNUC__) || defined(__clang__)
#define NB_THREAD_LOCAL __thread
#else
#define NB_THREAD_LOCAL _Thread_local
#endif
extern NB_THREAD_LOCAL nb_t NB;

/* vec.c */
double nb_dot(const double *x, const double *y);
void nb_cross(const double *x, const double *y, double *out);
double nb_magnitude(const double *v);
double nb_unitize(const double *v, double *out);
void nb_vector_scale(const double *v, double s, double *out);
void nb_vector_rescale(const double *v, double m, double *out);
void nb_rotate(const double *v, double *out, double rx, double ry, double rz);
void nb_rotate_axis(const double *v, double *out, const double *axis, double phi);
#define RTD (180.0*M_1_PI)

/* cli.c */
int nb_parse(int argc, char **argv);
void nb_note(const char *text);  /* a warning a flag itself gives (printed once, stderr) */
void nb_refuse(const char *fmt, ...);  /* a refused input: one line on stderr, exit 2 */

/* faults.c */
void nb_setup_faults(void);
double nb_obliquity(double airpath, const double *diffracted);
int nb_flag_cell(int argc, char **argv, int i);
int nb_flag_misset_random(int argc, char **argv, int i);
int nb_flag_misset_angles(int argc, char **argv, int i);
int nb_flag_detector_abs(int argc, char **argv, int i);
int nb_flag_pivot(int argc, char **argv, int i);
void nb_cfg_num(const char *k, int given, double v);
void nb_cfg_int(const char *k, int given, long long v);
void nb_cfg_vec(const char *k, int given, const double *v);
void nb_cfg_ints(const char *k, int given, int n, const long long *v);
void nb_cfg_pair(const char *k, int gf, double vf, int gs, double vs, int as_int);
void nb_cfg_triple(const char *k, int ga, double a, int gb, double b, int gc, double c);
void nb_cfg_cell(const char *k, int given);
void nb_cfg_misset(const char *k, int given);
/* flags_gen.c (generated from src/sim/flags.ts) */
void nb_trace_config(void);      /* emits the config JSON into the trace header */
/* setup.c */
void nb_setup_steps(void);
void nb_setup(void);
/* geometry.c */
void nb_conventions(void);
void nb_detector_geometry(void);
/* crystal.c */
void nb_crystal(void);
void nb_crystal_size(void);
/* structure_factor.c */
void nb_read_hkl(void);
void nb_write_dump(void);
void nb_check_stol_table(void);
double nb_F_cell(double h, double k, double l, int h0, int k0, int l0, int *mode, int check_only);
int nb_hkl_out_of_range(double h, double k, double l);
void nb_check_interpolation_index(double h, double k, double l);
/* sources.c */
void nb_sources(void);
int nb_text_columns(const char *line, int ncols, double *v);
/* rng.c */
float nb_ran1(long *idum);
float nb_poidev(float xm, long *idum);
float nb_gaussdev(long *idum);
void nb_mosaic_rotation_umat(float mosaicity, double umat[9], long *idum, double draws[3], double *angle);
void nb_umat2misset(const double umat[9], double *missets);
void nb_mosaic_domains(void);
int nb_powf_service(void);
/* lattice.c */
double nb_sincg(double x, double N);
double nb_F_latt(double h, double k, double l, int h0, int k0, int l0, double Fl_abc[3]);
/* polarization.c */
double nb_polarization_factor(double kahn, double *incident, double *diffracted, double *axis);
/* pixel.c */
void nb_render(void);
void nb_render_one(int spixel, int fpixel);
extern int nb_pixel_traced;
/* the order-dependent state of the serial loop (Q3, Q8, the polarization axis), for chunks of rows */
typedef struct {
    long first_eval;      /* first pixel (slow*fpixels + fast) that evaluates a source; -1: none */
    long fallback_at;     /* pixel where the interpolation fallback fires (Q8); -1: never */
    int interpolate0;     /* NB.interpolate before the loop */
    int polar_called;     /* an evaluated source calls the polarization factor */
    vec3 polar0, polar_unit;
} nb_order_state;
int nb_order_scan(nb_order_state *o);
void nb_chunk_start(const nb_order_state *o, long first_pixel);
void nb_render_rows(int row0, int row1, double *omega, long *nomega);
/* threads.c */
int nb_thread_count(void);
int nb_render_threaded(int threads);
/* smv.c */
int nb_cint(double x);
void nb_ingest_smv(const char *file, int is_mask);
void nb_mask_pixels(void);
/* output.c */
void nb_stats(void);
void nb_write_outputs(void);
/* trace hooks (pixel.c etc.) */
void nb_trace_setup(void);

void nb_warn(const char *fmt, ...);
void nb_die(const char *fmt, ...);
#endif
