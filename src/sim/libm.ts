// Math functions whose JavaScript versions could differ from glibc.
// Measured: with plain Math.sin/cos/exp/log/atan2 all 24 golden float images and both noise
// images are bit-identical; traces differ from a glibc build by 1 ulp in a few values (F_latt,
// mosaic_umat), which reaches the float32 image only with probability ~1e-9 per pixel.
// powf is the exception: glibc computes it in (reduced-accuracy) single precision and
// fround(Math.pow(x, fround(1/3))) differs from glibc 2.36's powf by 1 float ulp in 6.4e-4 of
// inputs (200k random x in (0,1)); no golden case hits one. Matching it exactly would mean
// reproducing glibc's table-driven algorithm, which we do not copy.
export function powf(x: number, y: number): number {
  return Math.fround(Math.pow(Math.fround(x), Math.fround(y)))
}
