// The hkl table cut to the neighbourhood of the reflections the pixel visits. The table is read
// as nanoBragg reads it (sim's readHkl: ranges from a first pass, a grid pre-filled with
// default_F), and the cut is written cell by cell over a box around the visited fractional
// indices, its corners included, so that every lookup the pixel makes sees the same value:
//  * nearest neighbour: h0 = ceil(h - 0.5) lies within [floor(h), ceil(h)], inside the box, or
//    outside the table's range both before and after (default_F either way);
//  * tricubic: the nodes floor(h)-1 .. floor(h)+2 and the range test (h-2, h+3) stay inside a box
//    reaching 3 beyond the visited range; a box clipped by the table's own edge keeps that edge,
//    so a lookup out of range before is out of range after.
// Earlier pixels' lookups (the sticky interpolation fallback, quirk Q8) are not covered: the
// trial run decides, like every other reduction.
import {readHkl} from './ports.js'

/** Cells of margin around the visited fractional indices (the tricubic stencil and range test). */
export const HKL_MARGIN = 3

export type HklCut = {ok: true; text: string; box: [number, number][]; cells: number; records: number} | {ok: false; reason: string}

export function cutHkl(text: string, defaultF: number, visited: [number, number][], file: string): HklCut {
  let g
  try {
    g = readHkl(text, defaultF, file)
  } catch (e) {
    return {ok: false, reason: `the hkl table cannot be read as nanoBragg reads it: ${(e as Error).message}`}
  }
  const grid: [number, number][] = [
    [g.hMin, g.hMax],
    [g.kMin, g.kMax],
    [g.lMin, g.lMax],
  ]
  const clamp = (x: number, [lo, hi]: [number, number]): number => Math.min(hi, Math.max(lo, x))
  const box = visited.map(([lo, hi], i) => [clamp(Math.floor(lo) - HKL_MARGIN, grid[i]), clamp(Math.ceil(hi) + HKL_MARGIN, grid[i])] as [number, number])
  const cells = box.reduce((n, [lo, hi]) => n * (hi - lo + 1), 1)
  if (box.every(([lo, hi], i) => lo === grid[i][0] && hi === grid[i][1])) {
    return {
      ok: false,
      reason: `the table (h ${g.hMin}..${g.hMax}, k ${g.kMin}..${g.kMax}, l ${g.lMin}..${g.lMax}) is already within the neighbourhood of the visited reflections`,
    }
  }
  const lines: string[] = []
  for (let h = box[0][0]; h <= box[0][1]; h++) {
    for (let k = box[1][0]; k <= box[1][1]; k++) {
      for (let l = box[2][0]; l <= box[2][1]; l++) {
        const f = g.F[((h - g.hMin) * g.kRange + (k - g.kMin)) * g.lRange + (l - g.lMin)]
        lines.push(`${h} ${k} ${l} ${String(f)}`)
      }
    }
  }
  return {ok: true, text: lines.join('\n') + '\n', box, cells, records: g.hkls}
}
