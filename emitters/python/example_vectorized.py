"""Instrumenting a vectorized computation with nbtrace_emit (toy example, pure Python lists).

A vectorized port (numpy/PyTorch) computes a whole loop axis at once: all phi steps in one array,
all mosaic domains in another. The trace contract wants one record per loop iteration, so the
emitter's emit_axis() unrolls an array along its axis; with numpy/torch arrays pass them as they are
(anything with .tolist() works; the emitter never imports numpy or torch).

    python3 example_vectorized.py OUT.jsonl

writes a trace of a toy traced pixel: set-up values, the spindle rotation of the cell axes for every
phi step (vectorized over phi), the mosaic rotation and a lattice term for every (phi, mosaic) pair
(vectorized over mosaic), and the final pixel value. The numbers are a toy, the trace is a valid one.
"""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nbtrace_emit import TraceEmitter  # noqa: E402


def rotate_x(v, angle):
    """Rotates vector v about the x axis (the spindle) by angle."""
    c, s = math.cos(angle), math.sin(angle)
    return [v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]]


def matvec(m, v):
    return [m[3 * r] * v[0] + m[3 * r + 1] * v[1] + m[3 * r + 2] * v[2] for r in range(3)]


def small_rotation_z(eps):
    c, s = math.cos(eps), math.sin(eps)
    return [c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0]


def main(out):
    # set-up (scalars)
    fpixels, spixels, pixel_size = 64, 64, 1e-4
    a0, b0, c0 = [1e-8, 0.0, 0.0], [0.0, 1e-8, 0.0], [0.0, 0.0, 1e-8]
    phisteps, mosaic_domains = 4, 3
    phi0, phistep = 0.0, math.radians(0.25)
    umats = [small_rotation_z(1e-3 * (d - 1)) for d in range(mosaic_domains)]  # domain 1: identity

    pixel_loop = dict(thick=0, subS=0, subF=0, source=0)
    with TraceEmitter(out, producer="toy-vectorized", version="0.1.0", pixel=(31, 40),
                      args=["-cell", "100", "100", "100", "90", "90", "90", "-phisteps", str(phisteps)],
                      precision="float64") as tr:
        tr.emit("fpixels", fpixels)
        tr.emit("spixels", spixels)
        tr.emit("pixel_size", pixel_size)
        tr.emit("phisteps", phisteps)
        tr.emit("mosaic_domains", mosaic_domains)
        tr.emit_axis("mosaic_umat", umats, axis="mosaic")

        # vectorized over phi: one "array" per quantity
        phis = [phi0 + i * phistep for i in range(phisteps)]
        aps = [rotate_x(a0, p) for p in phis]
        bps = [rotate_x(b0, p) for p in phis]
        cps = [rotate_x(c0, p) for p in phis]

        i_sum = 0.0
        for i in range(phisteps):
            # the contract's order is per phi step: phi, ap, bp, cp, then the mosaic domains
            loop = dict(pixel_loop, phi=i)
            tr.emit("phi", phis[i], **loop)
            tr.emit("ap", aps[i], **loop)
            tr.emit("bp", bps[i], **loop)
            tr.emit("cp", cps[i], **loop)
            # vectorized over mosaic domains for this phi
            rot_a = [matvec(u, aps[i]) for u in umats]
            f_latt = [math.sin(5 * math.pi * (1 + 1e6 * ra[1])) / math.sin(math.pi * (1 + 1e6 * ra[1])) if abs(math.sin(math.pi * (1 + 1e6 * ra[1]))) > 1e-12 else 5.0 for ra in rot_a]
            i_term = [(100.0 * f) ** 2 for f in f_latt]
            i_sums = []
            for t in i_term:
                i_sum += t
                i_sums.append(i_sum)
            tr.emit_axis("rot_a", rot_a, axis="mosaic", **loop)
            tr.emit_axis("F_latt", f_latt, axis="mosaic", **loop)
            tr.emit_axis("I_term", i_term, axis="mosaic", **loop)
            tr.emit_axis("I_sum", i_sums, axis="mosaic", **loop)

        final = i_sum * 1e-12
        tr.emit("I_pixel_final", final)
        tr.emit("float_pixel", float(struct_f32(final)))
    return out


def struct_f32(x):
    """Rounds a double to float32 as the float image stores it."""
    import struct

    return struct.unpack("<f", struct.pack("<f", x))[0]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python3 example_vectorized.py OUT.jsonl\n")
        sys.exit(2)
    print(main(sys.argv[1]))
