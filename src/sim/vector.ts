// 3-vectors as plain [x, y, z] arrays (0-based; nanoBragg's 1-based arrays with a cached
// magnitude are not modelled). Evaluation order follows the reference exactly (docs/ts-engine.md#arithmetic) (left to right,
// divisions not reciprocal multiplies) so results match the reference bit for bit.

export type Vec3 = [number, number, number]

export const RTD = 180.0 * (1 / Math.PI) // 180*M_1_PI; M_1_PI is the double nearest 1/pi
export const degToRad = (deg: number): number => deg / RTD

export function vec(x: number, y: number, z: number): Vec3 {
  return [x, y, z]
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

export function magnitude(v: readonly number[]): number {
  return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
}

/** Unit vector (component / magnitude); a zero vector stays zero. */
export function unitize(v: readonly number[]): Vec3 {
  const m = magnitude(v)
  if (m === 0) return [v[0], v[1], v[2]]
  return [v[0] / m, v[1] / m, v[2] / m]
}

export function scale(v: readonly number[], s: number): Vec3 {
  return [s * v[0], s * v[1], s * v[2]]
}

/** vector_rescale: (m/|v|)*v_i, with |v| taken as 1 when it is <= 0. */
export function rescale(v: readonly number[], m: number): Vec3 {
  let len = magnitude(v)
  if (len <= 0) len = 1
  const f = m / len
  return [f * v[0], f * v[1], f * v[2]]
}

/** rotate(v, rx, ry, rz): about x, then y, then z, each only when its angle is non-zero (docs/ts-engine.md#detector-geometry). */
export function rotate(v: readonly number[], rx: number, ry: number, rz: number): Vec3 {
  let x = v[0]
  let y = v[1]
  let z = v[2]
  if (rx !== 0) {
    const c = Math.cos(rx)
    const s = Math.sin(rx)
    const ny = y * c + z * -s
    const nz = y * s + z * c
    y = ny
    z = nz
  }
  if (ry !== 0) {
    const c = Math.cos(ry)
    const s = Math.sin(ry)
    const nx = x * c + y * 0 + z * s
    const nz = x * -s + y * 0 + z * c
    x = nx
    z = nz
  }
  if (rz !== 0) {
    const c = Math.cos(rz)
    const s = Math.sin(rz)
    const nx = x * c + y * -s
    const ny = x * s + y * c
    x = nx
    y = ny
  }
  return [x, y, z]
}

/** rotate_axis(v, u, phi): Rodrigues rotation about the unit axis u (docs/ts-engine.md#detector-geometry). */
export function rotateAxis(v: readonly number[], u: readonly number[], phi: number): Vec3 {
  const s = Math.sin(phi)
  const c = Math.cos(phi)
  const d = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) * (1 - c)
  return [
    u[0] * d + v[0] * c + (-u[2] * v[1] + u[1] * v[2]) * s,
    u[1] * d + v[1] * c + (u[2] * v[0] - u[0] * v[2]) * s,
    u[2] * d + v[2] * c + (-u[1] * v[0] + u[0] * v[1]) * s,
  ]
}

/** a = U·v with U row-major 3x3. */
export function matVec(u: readonly number[], v: readonly number[]): Vec3 {
  return [u[0] * v[0] + u[1] * v[1] + u[2] * v[2], u[3] * v[0] + u[4] * v[1] + u[5] * v[2], u[6] * v[0] + u[7] * v[1] + u[8] * v[2]]
}
