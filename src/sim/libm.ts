// Math functions whose JavaScript versions could differ from glibc. V8's sin/cos/exp/log are
// within 1 ulp of glibc; in this simulator a 1-ulp double difference reaches the float32 image
// only with probability ~1e-9 per pixel, so the plain Math functions are used (measured: see
// test/sim/golden.test.ts). powf is the exception: it is computed in single precision by
// glibc, so a 1-float-ulp difference changes a mosaic domain's angle by ~6e-8 relative.
export function powf(x: number, y: number): number {
  return Math.fround(Math.pow(Math.fround(x), Math.fround(y)))
}
