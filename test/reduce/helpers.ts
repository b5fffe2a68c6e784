// Shared by the reduce tests: the maximal configuration of issue #17, its source list, the
// needs check, and running CLI jobs two at a time (the machine has two cores).
export const MAXIMAL = [
  ...'-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -detpixels 64 -N 5'.split(' '),
  // 4 x 3 divergence points, 8 inside the ellipse, x 3 wavelengths: 24 sources
  ...'-hdivrange 2 -vdivrange 1.5 -hdivsteps 4 -vdivsteps 3 -dispersion 2 -dispsteps 3'.split(' '),
  ...'-mosaic 0.5 -mosaic_domains 10 -mosaic_seed 777 -phi 10 -osc 3 -phisteps 3 -oversample 3'.split(' '),
  ...'-detector_thick 100 -detector_thicksteps 3 -detector_abs 300'.split(' '),
]
export const MAXIMAL_LOOPS = {n_sources: 24, mosaic_domains: 10, oversample: 3, phisteps: 3, detector_thicksteps: 3}

/** 24 sources of unequal weights and wavelengths (the source-file entries use it instead of the grid). */
export function sourceList(): string {
  const lines: string[] = []
  for (let i = 0; i < 24; i++) lines.push(`-10 ${(i % 5) * 0.001} ${Math.floor(i / 5) * -0.001} ${1 + (i % 3)} ${(1 + 0.01 * ((i % 4) - 1.5)) * 1e-10}`)
  return lines.join('\n') + '\n'
}

/** The minimal loops satisfy one alternative of `needs.loops`: at least its counts, every other loop at 1. */
export function meetsNeeds(loops: Record<string, number | null>, alternatives: Record<string, number>[]): boolean {
  const alts = alternatives.length ? alternatives : [{}]
  return alts.some((a) => Object.entries(loops).every(([k, v]) => (k in a ? (v ?? 0) >= a[k] : v === 1)))
}

/** Runs jobs two at a time (two cores), in order of submission. */
export async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      out[i] = await jobs[i]()
    }
  }
  await Promise.all([worker(), worker()])
  return out
}

