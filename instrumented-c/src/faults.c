/* faults.c - planted porting faults of the C engine (-nbtrace_faults ID,ID; ids and classes in
 * schemas/faults.json, mirrored by src/sim/model.ts). The faithful engine has none; these are the
 * partial-image faults, each acting on part of an image only, so that `nbtrace triage` can be
 * checked against causes confined to a region with either engine as the candidate. Each fault is
 * turned into a number once, here; the pixel loop only compares against it. */
#include <limits.h>
#include <math.h>
#include <string.h>
#include "nb.h"

void nb_setup_faults(void)
{
    nb_t *n = &NB;
    char list[256], *tok, *save = NULL;
    n->outside_F = n->default_F;
    n->fast_shift_from = INT_MAX;
    n->obliquity_drop_cos = -INFINITY;
    if (!n->planted_faults) return;
    if (strlen(n->planted_faults) >= sizeof list) nb_refuse("-nbtrace_faults: list too long");
    strcpy(list, n->planted_faults);
    for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "hkl-outside-zero")) {
            /* an hkl outside the table's range gets F = 0 instead of -default_F */
            if (n->hkls > 0) n->outside_F = 0.0;
        } else if (!strcmp(tok, "tile-fast-offset")) {
            /* the second tile (fast >= fpixels/2) is computed at the position of fast+1 */
            n->fast_shift_from = n->fpixels/2;
        } else if (!strcmp(tok, "high-angle-obliquity")) {
            /* the solid angle drops its obliquity factor where 2theta exceeds 30 degrees */
            n->obliquity_drop_cos = cos(M_PI/6);
        } else {
            nb_refuse("-nbtrace_faults: the C engine has no planted fault '%s' (it has hkl-outside-zero, tile-fast-offset, high-angle-obliquity)", tok);
        }
    }
}

/* close_distance/airpath, or 1 where high-angle-obliquity drops it (cos 2theta to the beam below its threshold) */
double nb_obliquity(double airpath, const double *diffracted)
{
    nb_t *n = &NB;
    if (nb_dot(diffracted, n->beam_vector) < n->obliquity_drop_cos) return 1.0;
    return n->close_distance/airpath;
}
