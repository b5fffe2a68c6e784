/* nb.h - shared state of the nbtrace reference nanoBragg simulator (C99).
 * Written from /work/shared/physics.md (the spec); section numbers refer to it. */
#ifndef NB_H
#define NB_H
#include <stdio.h>
#include <stddef.h>

#define NB_VERSION "0.1.0"

typedef double vec3[3];

enum { CONV_MOSFLM = 0, CONV_DENZO, CONV_ADXV, CONV_XDS, CONV_DIALS, CONV_CUSTOM };
enum { PIVOT_BEAM = 0, PIVOT_SAMPLE = 1 };
enum { SHAPE_SQUARE = 0, SHAPE_ROUND, SHAPE_GAUSS, SHAPE_TOPHAT };
enum { FMODE_NEAREST = 0, FMODE_TRICUBIC, FMODE_DEFAULT };

extern const char *const nb_conv_names[];
extern const char *const nb_shape_names[];

/* What the user typed (for the config JSON): given flags are tracked separately from physics. */
typedef struct {
    int detsize_f, detsize_s, detpixels_f, detpixels_s, pixel, distance, close_distance;
    int Xbeam, Ybeam, Xclose, Yclose, ORGX, ORGY, rot, twotheta;
    int beam_vector, fdet_vector, sdet_vector, odet_vector, polar_vector, spindle_vector, twotheta_axis;
    int lambda, dispersion, dispsteps, hdivrange, vdivrange, hdivstep, vdivstep, hdivsteps, vdivsteps;
    int Na, Nb, Nc, sample, xtal_shape, fudge, mosaic, mosaic_domains, mosaic_seed, misset_seed, misset;
    int phi0, osc, phistep, phisteps, oversample, detector_thick, detector_thicksteps, detector_abs;
    int fluence, flux, exposure, beamsize, polar, interpolate, default_F, dmin, water, roi, seed;
    int pivot; /* -1 none, else PIVOT_* of the last pivot-setting flag */
    double detector_abs_m; /* as given (m), may be inf */
} nb_given;

typedef struct {
    /* ---- command line ---- */
    int argc; char **argv;
    nb_given given;
    char *hklfilename, *matfilename, *sourcefilename, *imginfile, *maskfile;
    char *floatfile, *intfile, *noisefile, *pgmfile;
    int write_pgm, calculate_noise, write_noise_file_given;
    double pgm_scale, intfile_scale, adc_offset;
    int user_cell;
    double cell_a, cell_b, cell_c, alpha, beta, gamma;  /* Å, rad */
    double misset[4];
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
    /* trace selection */
    int trace_slow, trace_fast, trace_only, trace_requested;
    char *trace_out;
    /* stats */
    double max_I, max_I_x, max_I_y, mean, rms, rmsd; long stat_n;
    int quiet;
} nb_t;

extern nb_t NB;

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
double nb_F_cell(double h, double k, double l, int h0, int k0, int l0, int *mode, int check_only);
int nb_hkl_out_of_range(double h, double k, double l);
/* sources.c */
void nb_sources(void);
/* rng.c */
float nb_ran1(long *idum);
float nb_poidev(float xm, long *idum);
float nb_gaussdev(long *idum);
void nb_mosaic_rotation_umat(float mosaicity, double umat[9], long *idum, double draws[3], double *angle);
void nb_umat2misset(const double umat[9], double *missets);
void nb_mosaic_domains(void);
/* lattice.c */
double nb_sincg(double x, double N);
double nb_F_latt(double h, double k, double l, int h0, int k0, int l0, double Fl_abc[3]);
/* polarization.c */
double nb_polarization_factor(double kahn, double *incident, double *diffracted, double *axis);
/* pixel.c */
void nb_render(void);
void nb_render_one(int spixel, int fpixel);
extern int nb_pixel_traced;
/* output.c */
int nb_read_smv_header(const char *file, int is_mask);
void nb_stats(void);
void nb_write_outputs(void);
/* trace hooks (pixel.c etc.) */
void nb_trace_setup(void);

void nb_warn(const char *fmt, ...);
void nb_die(const char *fmt, ...);
#endif
