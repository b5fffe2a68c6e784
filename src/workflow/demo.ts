// The built-in demonstration configuration of `nbtrace trace` (used when no nanoBragg arguments
// are given): small enough to run in a second, rich enough to exercise every loop of the trace
// (oversample 2, two sources of different wavelength, three mosaic domains, two phi steps).
export const DEMO_ARGS =
  '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -dispersion 1 -dispsteps 2 -distance 100 -detpixels 64 -pixel 0.1 -N 5 -oversample 2 -mosaic 0.5 -mosaic_domains 3 -mosaic_seed 7 -phi 0.1 -osc 0.2 -phisteps 2'.split(
    ' ',
  )

/** An on-peak pixel of the demonstration image (slow, fast). */
export const DEMO_PIXEL = {slow: 33, fast: 33}
