// Normalization constants: fluence, r_e², steps and the water background (docs/ts-engine.md).

/** Classical electron radius squared, m² (r_e² = σ_T/(8π/3)). */
export const R_E_SQR = 7.94079248018965e-30
export const AVOGADRO = 6.02214179e23
export const WATER_F = 2.57
export const WATER_MW = 18.0

export interface FluenceResult {
  fluence: number
  flux: number
  sampleY: number
  sampleZ: number
  warnings: string[]
}

/**
 * Fluence from flux*exposure/beamsize² when a flux is given; a crystal wider than the beam is
 * clipped to it whenever the beam size is not negative (with the default 0.1 mm beam too).
 */
export function fluenceFrom(fluenceIn: number, flux: number, exposure: number, beamsize: number, sampleY: number, sampleZ: number): FluenceResult {
  let fluence = fluenceIn
  let y = sampleY
  let z = sampleZ
  const warnings: string[] = []
  if (flux !== 0 && exposure > 0 && beamsize >= 0) fluence = (flux * exposure) / beamsize / beamsize
  if (beamsize >= 0) {
    if (beamsize < y) {
      warnings.push(`crystal clipped to the beam: ${y} m high, beam ${beamsize} m`)
      y = beamsize
    }
    if (beamsize < z) {
      warnings.push(`crystal clipped to the beam: ${z} m wide, beam ${beamsize} m`)
      z = beamsize
    }
  }
  return {fluence, flux, sampleY: y, sampleZ: z, warnings}
}

/** Water background seed of each pixel's accumulator (Q11: scaled again later). */
export function waterBackground(reSqr: number, fluence: number, waterSize: number): number {
  return (WATER_F * WATER_F * reSqr * fluence * waterSize * waterSize * waterSize * 1e6 * AVOGADRO) / WATER_MW
}

/** steps = sources x domains x phi steps x oversample² (layers not counted: Q4). */
export function stepsOf(sources: number, domains: number, phisteps: number, oversample: number, forgetOversample = false): number {
  return forgetOversample ? sources * domains * phisteps : sources * domains * phisteps * oversample * oversample
}
