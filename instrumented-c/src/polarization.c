/* polarization.c - Kahn polarization factor (docs/ts-engine.md#the-pixel-loop). The three inputs are unitized
 * in place, as the reference does (the caller's diffracted vector is rewritten). */
#include <math.h>
#include "nb.h"

double nb_polarization_factor(double kahn, double *incident, double *diffracted, double *axis)
{
    double cos2theta, c2, s2, psi = 0.0, E_out, B_out;
    vec3 B_in, E_in;
    nb_unitize(incident, incident);
    nb_unitize(diffracted, diffracted);
    nb_unitize(axis, axis);
    cos2theta = nb_dot(incident, diffracted);
    c2 = cos2theta*cos2theta;
    s2 = 1 - c2;
    if (kahn != 0.0) {
        nb_cross(axis, incident, B_in);  nb_unitize(B_in, B_in);
        nb_cross(incident, B_in, E_in);  nb_unitize(E_in, E_in);
        E_out = nb_dot(diffracted, E_in);
        B_out = nb_dot(diffracted, B_in);
        psi = -atan2(B_out, E_out);
    }
    return 0.5*(1.0 + c2 - kahn*cos(2*psi)*s2);
}
