/* vec.c - vector helpers with the reference's exact operation order (docs/ts-engine.md#arithmetic). */
#include <math.h>
#include "nb.h"

double nb_dot(const double *x, const double *y) { return x[0]*y[0] + x[1]*y[1] + x[2]*y[2]; }

void nb_cross(const double *x, const double *y, double *out)
{
    double r0 = x[1]*y[2] - x[2]*y[1];
    double r1 = x[2]*y[0] - x[0]*y[2];
    double r2 = x[0]*y[1] - x[1]*y[0];
    out[0] = r0; out[1] = r1; out[2] = r2;
}

double nb_magnitude(const double *v) { return sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2]); }

/* divide by the magnitude (a zero vector stays zero); returns the original magnitude */
double nb_unitize(const double *v, double *out)
{
    double m = nb_magnitude(v);
    if (m != 0.0) { out[0] = v[0]/m; out[1] = v[1]/m; out[2] = v[2]/m; }
    else { out[0] = v[0]; out[1] = v[1]; out[2] = v[2]; }
    return m;
}

void nb_vector_scale(const double *v, double s, double *out)
{
    out[0] = s*v[0]; out[1] = s*v[1]; out[2] = s*v[2];
}

void nb_vector_rescale(const double *v, double m, double *out)
{
    double n = nb_magnitude(v);
    if (n <= 0.0) n = 1.0;
    out[0] = (m/n)*v[0]; out[1] = (m/n)*v[1]; out[2] = (m/n)*v[2];
}

/* extrinsic rotations about lab x, then y, then z; each only when its angle is non-zero */
void nb_rotate(const double *v, double *out, double rx, double ry, double rz)
{
    double x = v[0], y = v[1], z = v[2], nx, ny, nz;
    if (rx != 0.0) {
        ny = y*cos(rx) + z*(-sin(rx));
        nz = y*sin(rx) + z*cos(rx);
        y = ny; z = nz;
    }
    if (ry != 0.0) {
        nx = x*cos(ry) + y*0 + z*sin(ry);
        nz = x*(-sin(ry)) + y*0 + z*cos(ry);
        x = nx; z = nz;
    }
    if (rz != 0.0) {
        nx = x*cos(rz) + y*(-sin(rz));
        ny = x*sin(rz) + y*cos(rz);
        x = nx; y = ny;
    }
    out[0] = x; out[1] = y; out[2] = z;
}

/* Rodrigues rotation of v about the unit axis u by phi */
void nb_rotate_axis(const double *v, double *out, const double *u, double phi)
{
    double s = sin(phi), c = cos(phi);
    double d = (u[0]*v[0] + u[1]*v[1] + u[2]*v[2])*(1 - c);
    double x = u[0]*d + v[0]*c + (-u[2]*v[1] + u[1]*v[2])*s;
    double y = u[1]*d + v[1]*c + (u[2]*v[0] - u[0]*v[2])*s;
    double z = u[2]*d + v[2]*c + (-u[1]*v[0] + u[0]*v[1])*s;
    out[0] = x; out[1] = y; out[2] = z;
}
