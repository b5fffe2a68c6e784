// Step auto-selection (docs/ts-engine.md, set-up): phi, divergence, dispersion, detector layers,
// mosaic, and the sizes both engines refuse before allocating (src/sim/limits.ts).
import type {ParsedArgs} from './cli.js'
import {checkCount, MAX_DOMAINS, MAX_PHISTEPS, MAX_SOURCES} from './limits.js'

export interface PhiSteps {
  phi0: number
  osc: number
  phistep: number
  phisteps: number
}

export function selectPhi(phi0: number, oscIn: number, phistepIn: number, phistepsIn: number): PhiSteps {
  let osc = oscIn
  let phistep = phistepIn
  let phisteps = phistepsIn
  if (phisteps < 0) {
    if (osc < 0) {
      if (phistep <= 0) {
        phisteps = 1
        osc = 0
        phistep = 0
      } else {
        osc = phistep
        phisteps = 2
      }
    } else if (phistep <= 0) {
      phisteps = 2
      phistep = osc / 2
    } else {
      phisteps = Math.ceil(osc / phistep)
    }
  } else {
    if (phisteps === 0) phisteps = 1
    if (osc < 0) {
      if (phistep <= 0) {
        osc = 1 / (180.0 * (1 / Math.PI))
        phistep = osc / phisteps
      } else {
        osc = phistep
        phisteps = 2
      }
    } else if (phistep < 0) {
      phistep = osc / phisteps
    }
  }
  return {phi0, osc, phistep, phisteps}
}

export interface RangeSteps {
  range: number
  step: number
  steps: number
}

/** The shared rule for hdiv, vdiv and dispersion (R=range, d=step, n=steps), with the sanity reset. */
export function selectRange(R0: number, d0: number, n0: number): RangeSteps {
  let R = R0
  let d = d0
  let n = n0
  if (n <= 0) {
    if (R < 0) {
      if (d <= 0) {
        n = 1
        R = 0
        d = 0
      } else {
        R = d
        n = 2
      }
    } else if (d <= 0) {
      d = R
      n = 2
    } else {
      n = Math.ceil(R / d)
    }
  } else if (R < 0) {
    if (d <= 0) {
      R = 1.0
      d = R / n
    } else {
      R = d
      n = 2
    }
  } else if (d <= 0) {
    if (n <= 1) n = 2
    d = R / (n - 1)
  }
  if (R <= 0 || d <= 0 || n <= 0) {
    n = 1
    R = 0
    d = 0
  }
  return {range: R, step: d, steps: n}
}

export interface ThickSteps {
  thick: number
  thickstep: number
  thicksteps: number
  mu: number
}

/** Detector layers (thickness, step, count) with the same rule as the other ranges, then the attenuation default. */
export function selectThick(thickIn: number, thickstepIn: number, stepsIn: number, muIn: number): ThickSteps {
  let thick = thickIn
  let thickstep = thickstepIn
  let steps = stepsIn
  let mu = muIn
  if (steps <= 0) {
    if (thick < 0) {
      if (thickstep <= 0) {
        steps = 1
        thick = 0
        thickstep = 0
      } else {
        thick = thickstep
        steps = 2
      }
    } else if (thickstep <= 0) {
      steps = 2
      thickstep = thick / steps
    } else {
      steps = Math.ceil(thick / thickstep)
    }
  } else if (thick < 0) {
    if (thickstep <= 0) {
      thick = 0.5e-6
      thickstep = thick / steps
    } else {
      thick = thickstep
      steps = 2
    }
  } else if (thickstep <= 0) {
    if (steps <= 1) steps = 2
    thickstep = thick / (steps - 1)
  }
  if (thick > 0 && mu < 0) mu = 1 / thick
  if (thick <= 0 || thickstep <= 0 || steps <= 0) {
    steps = 1
    thick = 0
    thickstep = 0
  }
  return {thick, thickstep, thicksteps: steps, mu}
}

export interface MosaicSel {
  spread: number
  domains: number
  warning: string | null
}

export function selectMosaic(spreadIn: number, domainsIn: number): MosaicSel {
  let spread = spreadIn
  let domains = domainsIn
  let warning: string | null = null
  if (domains <= 0) {
    if (spread < 0) {
      domains = 1
      spread = 0
    } else if (spread === 0) {
      domains = 1
    } else {
      domains = 10
      warning = 'mosaic spread given without -mosaic_domains: using 10 domains'
    }
  } else if (spread < 0) {
    spread = 0
    domains = 1
    warning = 'mosaic domains given without -mosaic: ignored'
  } else if (spread === 0) {
    domains = 1
    warning = 'zero mosaic spread: one domain'
  }
  return {spread, domains, warning}
}

export interface Sampling {
  phi: PhiSteps
  hdiv: RangeSteps
  vdiv: RangeSteps
  disp: RangeSteps
  thick: ThickSteps
  mosaic: MosaicSel
}

/**
 * Every sampling choice of the set-up from the parsed flags, with the counts checked before
 * anything is allocated: more mosaic domains, divergence x dispersion sources or phi steps than
 * memory holds are refused with one line.
 */
export function samplingSteps(p: ParsedArgs): Sampling {
  const s: Sampling = {
    phi: selectPhi(p.phi0, p.osc, p.phistep, p.phisteps),
    hdiv: selectRange(p.hdivrange, p.hdivstep, p.hdivsteps),
    vdiv: selectRange(p.vdivrange, p.vdivstep, p.vdivsteps),
    disp: selectRange(p.dispersion, -1, p.dispsteps),
    thick: selectThick(p.detectorThick, -1, p.detectorThicksteps, p.detectorMu),
    mosaic: selectMosaic(p.mosaicSpread, p.mosaicDomains),
  }
  checkCount(s.mosaic.domains, MAX_DOMAINS, 'mosaic domains', '-mosaic_domains', 9 * 8)
  checkCount(s.phi.phisteps, MAX_PHISTEPS, 'phi steps', '-phisteps', 9 * 8)
  if (p.sourcefilename === null) {
    checkCount(
      s.hdiv.steps * s.vdiv.steps * s.disp.steps,
      MAX_SOURCES,
      `beam sources (${s.hdiv.steps} x ${s.vdiv.steps} divergence points x ${s.disp.steps} wavelengths)`,
      s.disp.steps > s.hdiv.steps * s.vdiv.steps ? '-dispsteps' : '-divsteps',
      5 * 8,
    )
  }
  return s
}
