// Kahn polarization factor (docs/ts-engine.md#the-pixel-loop). The reference unitizes its three vector
// arguments in place; callers receive the unitized incident/diffracted back through `out`.

/**
 * out[0] = factor, out[1] = cos2theta, out[2..4] = unitized diffracted (the in-place effect).
 */
export function polarizationFactor(
  K: number,
  ix0: number,
  iy0: number,
  iz0: number,
  dx0: number,
  dy0: number,
  dz0: number,
  ax0: number,
  ay0: number,
  az0: number,
  out: Float64Array,
): void {
  let m = Math.sqrt(ix0 * ix0 + iy0 * iy0 + iz0 * iz0)
  const ix = m === 0 ? ix0 : ix0 / m
  const iy = m === 0 ? iy0 : iy0 / m
  const iz = m === 0 ? iz0 : iz0 / m
  m = Math.sqrt(dx0 * dx0 + dy0 * dy0 + dz0 * dz0)
  const dx = m === 0 ? dx0 : dx0 / m
  const dy = m === 0 ? dy0 : dy0 / m
  const dz = m === 0 ? dz0 : dz0 / m
  m = Math.sqrt(ax0 * ax0 + ay0 * ay0 + az0 * az0)
  const ax = m === 0 ? ax0 : ax0 / m
  const ay = m === 0 ? ay0 : ay0 / m
  const az = m === 0 ? az0 : az0 / m
  const cos2theta = ix * dx + iy * dy + iz * dz
  const c2 = cos2theta * cos2theta
  const s2 = 1 - c2
  let psi = 0
  if (K !== 0) {
    // B_in = unit(axis x incident)
    let bx = ay * iz - az * iy
    let by = az * ix - ax * iz
    let bz = ax * iy - ay * ix
    m = Math.sqrt(bx * bx + by * by + bz * bz)
    if (m !== 0) {
      bx /= m
      by /= m
      bz /= m
    }
    // E_in = unit(incident x B_in)
    let ex = iy * bz - iz * by
    let ey = iz * bx - ix * bz
    let ez = ix * by - iy * bx
    m = Math.sqrt(ex * ex + ey * ey + ez * ez)
    if (m !== 0) {
      ex /= m
      ey /= m
      ez /= m
    }
    const Eout = dx * ex + dy * ey + dz * ez
    const Bout = dx * bx + dy * by + dz * bz
    psi = -Math.atan2(Bout, Eout)
  }
  out[0] = 0.5 * (1.0 + c2 - K * Math.cos(2 * psi) * s2)
  out[1] = cos2theta
  out[2] = dx
  out[3] = dy
  out[4] = dz
}
