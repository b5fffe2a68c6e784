/* lattice.c - lattice (shape-transform) factor F_latt (docs/ts-engine.md#the-pixel-loop; quirk Q12). */
#include <math.h>
#include "nb.h"

double nb_sincg(double x, double N) { return (x == 0.0) ? N : sin(x*N)/sin(x); }
static double sinc3(double x) { return (x == 0.0) ? 1.0 : 3.0*(sin(x)/x - cos(x))/(x*x); }

/* Fl_abc receives the per-axis factors for the square shape (1 when N <= 1). */
double nb_F_latt(double h, double k, double l, int h0, int k0, int l0, double Fl_abc[3])
{
    nb_t *n = &NB;
    double F_latt = 1.0, Na = n->Na, Nb = n->Nb, Nc = n->Nc;
    if (n->xtal_shape == SHAPE_SQUARE) {
        Fl_abc[0] = Fl_abc[1] = Fl_abc[2] = 1.0;
        if (Na > 1) { Fl_abc[0] = nb_sincg(M_PI*h, Na); F_latt *= Fl_abc[0]; }
        if (Nb > 1) { Fl_abc[1] = nb_sincg(M_PI*k, Nb); F_latt *= Fl_abc[1]; }
        if (Nc > 1) { Fl_abc[2] = nb_sincg(M_PI*l, Nc); F_latt *= Fl_abc[2]; }
        return F_latt;
    }
    if (n->xtal_shape == SHAPE_ROUND) {
        double hrad_sqr = (h-h0)*(h-h0)*Na*Na + (k-k0)*(k-k0)*Nb*Nb + (l-l0)*(l-l0)*Nc*Nc;
        return Na*Nb*Nc*0.723601254558268*sinc3(M_PI*sqrt(hrad_sqr*n->fudge));
    }
    {
        double dx = (h-h0)*n->a_star[0] + (k-k0)*n->b_star[0] + (l-l0)*n->c_star[0];
        double dy = (h-h0)*n->a_star[1] + (k-k0)*n->b_star[1] + (l-l0)*n->c_star[1];
        double dz = (h-h0)*n->a_star[2] + (k-k0)*n->b_star[2] + (l-l0)*n->c_star[2];
        double rad_star_sqr = (dx*dx + dy*dy + dz*dz)*Na*Na*Nb*Nb*Nc*Nc;
        if (n->xtal_shape == SHAPE_GAUSS) return Na*Nb*Nc*exp(-(rad_star_sqr/0.63*n->fudge));
        return Na*Nb*Nc*(rad_star_sqr*n->fudge < 0.3969);
    }
}
