// Shrinks a failing configuration to a small one that still fails the same way (the idea of
// `nbtrace reduce`): drop flags one at a time, make the detector smaller, lower the counts, and
// keep every change after which upstream and the engine still disagree with the same signature.
import {compareRuns, signature} from './compare.js'
import {runAll, type Program} from './programs.js'
import type {FuzzConfig, Group} from './space.js'

const COUNTS = new Set([
  '-oversample',
  '-mosaic_domains',
  '-divsteps',
  '-hdivsteps',
  '-vdivsteps',
  '-dispsteps',
  '-phisteps',
  '-detector_thicksteps',
  '-thicksteps',
])
const SIZES = new Set(['detpixels', 'detpixels_f', 'detpixels_s'])

export async function failsLike(c: FuzzConfig, program: Program, want: string): Promise<boolean> {
  const r = await runAll(c, ['upstream', program])
  return signature(compareRuns(r.get('upstream')!, r.get(program)!)) === want
}

function withGroups(c: FuzzConfig, groups: Group[]): FuzzConfig {
  const used = new Set(groups.flatMap((g) => g.files ?? []))
  const named = new Set(c.groups.flatMap((g) => g.files ?? []))
  const files = Object.fromEntries(Object.entries(c.files).filter(([k]) => used.has(k) || !named.has(k)))
  return {...c, groups, files}
}

/** Candidate simplifications of one configuration, smallest first. */
function* candidates(c: FuzzConfig): Generator<FuzzConfig> {
  const g = c.groups
  for (let i = g.length - 1; i >= 0; i--)
    if (!g[i].essential)
      yield withGroups(
        c,
        g.filter((_, j) => j !== i),
      )
  const hasFrames = g.some((x) => x.tag === 'mask' || x.tag === 'img' || x.tag === 'roi')
  if (!hasFrames) {
    for (let i = 0; i < g.length; i++) {
      if (!SIZES.has(g[i].tag)) continue
      const n = Number(g[i].args[1])
      if (n <= 2) continue
      yield withGroups(
        c,
        g.map((x, j) => (j === i ? {...x, args: [x.args[0], String(Math.max(2, Math.floor(n / 2)))]} : x)),
      )
    }
  }
  for (let i = 0; i < g.length; i++) {
    if (!COUNTS.has(g[i].args[0])) continue
    const n = Number(g[i].args[1])
    if (n <= 1) continue
    yield withGroups(
      c,
      g.map((x, j) => (j === i ? {...x, args: [x.args[0], String(n - 1)]} : x)),
    )
  }
}

export async function shrink(c: FuzzConfig, program: Program, want: string, maxTrials = 120, log?: (s: string) => void): Promise<FuzzConfig> {
  let best = c
  let trials = 0
  for (let changed = true; changed && trials < maxTrials;) {
    changed = false
    for (const cand of candidates(best)) {
      if (++trials > maxTrials) break
      if (await failsLike(cand, program, want)) {
        best = cand
        changed = true
        log?.(`  shrunk to ${best.groups.length} flags`)
        break
      }
    }
  }
  return best
}
