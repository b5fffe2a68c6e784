// repro.sh of a reduction: `nbtrace trace` of the minimal configuration, with the same sides and
// pixel, run from the evidence folder (which holds the minimal run's input files), writing its
// own evidence into a new folder. The CLI is called as the one that made the reduction
// (workflow/repro.ts currentCli), never through `npx`.
import type {PixelIndex} from '../util/parse.js'
import {shellQuote, type SideSpec} from './ports.js'

/** The `trace`/`reduce` flags that select a side. */
export function sideFlags(s: SideSpec): string[] {
  const r = s.role
  if (s.engine === 'cmd') return [`--${r}-cmd`, s.template ?? '']
  const f = [`--${r}-engine`, s.engine]
  if (s.fixes.length) f.push(`--${r}-fix`, s.fixes.join(','))
  if (s.faults.length) f.push(`--${r}-inject`, s.faults.join(','))
  return f
}

export function reduceRepro(o: {
  cli: string[]
  pixel: PixelIndex
  ref: SideSpec
  cand: SideSpec
  compareFlags: string[]
  args: string[]
  verdict: string
}): string {
  const q = (xs: string[]) => xs.map(shellQuote).join(' ')
  const flags = ['--pixel', `${o.pixel.slow},${o.pixel.fast}`, ...sideFlags(o.ref), ...sideFlags(o.cand), ...o.compareFlags]
  return [
    '#!/bin/sh',
    '# Reproduces the minimal configuration nbtrace reduce found: the same sides and pixel, the',
    '# minimal nanoBragg arguments (their input files are in this folder).',
    `# Expected: ${o.verdict.replace(/\n/g, ' ')}`,
    '# Usage: repro.sh [OUT]  (OUT: a new evidence folder for the trace; default ./nbtrace-repro)',
    'set -e',
    'out=${1:-nbtrace-repro}',
    'case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac',
    'cd "$(dirname "$0")"',
    `exec ${q(o.cli)} trace ${q(flags)} --out "$out" -- ${q(o.args)}`,
    '',
  ].join('\n')
}
