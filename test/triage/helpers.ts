// Shared by the triage tests: two configurations whose partial faults act on overlapping but
// distinct parts of the detector, their hkl tables, and `nbtrace triage --json` as a user runs it.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ROOT, runCli, validateAgainst, type CliResult} from '../helpers/cli.js'

export interface Config {
  name: string
  args: string[]
  /** the hkl table file the arguments name, and its index ranges */
  table: {file: string; h: number; k: number; l: number}
}

/**
 * A: cubic 20 Å cell at 20 mm: the corners lie beyond 2θ = 30°, the table ends at |l| = 7 (two
 * outer strips fall outside it), the right half is the second tile.
 * B: triclinic, misset, oversample 2, λ 1.2 Å at 18 mm: a table to |h|,|k|,|l| = 9 (an outer
 * ring outside it) overlapping the high-angle corners.
 */
export const CONFIGS: Config[] = [
  {
    name: 'A',
    args: '-cell 20 20 20 90 90 90 -hkl a.hkl -default_F 100 -lambda 1 -distance 20 -detpixels 96 -pixel 0.2 -N 5'.split(' '),
    table: {file: 'a.hkl', h: 9, k: 9, l: 7},
  },
  {
    name: 'B',
    args: '-cell 24 28 32 85 95 100 -misset 10 20 30 -hkl b.hkl -default_F 80 -lambda 1.2 -distance 18 -detpixels 96 -pixel 0.2 -N 4 -oversample 2'.split(' '),
    table: {file: 'b.hkl', h: 9, k: 9, l: 9},
  },
]

/** A table of every h, k, l in range with varied F (nanoBragg's four-column text). */
export function hklTable(h: number, k: number, l: number): string {
  const rows: string[] = []
  for (let a = -h; a <= h; a++)
    for (let b = -k; b <= k; b++) for (let c = -l; c <= l; c++) rows.push(`${a} ${b} ${c} ${20 + (Math.abs(a * 7 + b * 3 - c * 5) % 60)}`)
  return rows.join('\n') + '\n'
}

/** A fresh folder holding both configurations' tables. */
export function workDir(): string {
  const wd = mkdtempSync(join(tmpdir(), 'nbtrace-triage-'))
  for (const c of CONFIGS) writeFileSync(join(wd, c.table.file), hklTable(c.table.h, c.table.k, c.table.l))
  return wd
}

export interface PlantedFault {
  id: string
  class: string
  variable: string
}

export const FAULTS = (JSON.parse(readFileSync(join(ROOT, 'schemas', 'faults.json'), 'utf8')) as {faults: PlantedFault[]}).faults
export const fault = (id: string): PlantedFault => FAULTS.find((f) => f.id === id)!

export interface TriageJson {
  status: string
  verdict: string
  causes: {
    name: string
    variable: string
    class: string
    share: number
    sumDiffShare: number | null
    pixels: number
    region: {tiles: string[]; box: unknown}
    representative: {slow: number; fast: number; evidence: string}
    tracedPixels: number
  }[]
  unexplained: {share: number; sumDiffShare: number | null; pixels: number}
  groups: {pixels: number; share: number}[]
  traced: {slow: number; fast: number; status: string; evidence: string}[]
  discrepancy: {pixels: number} | null
  budget: {traced: number; maxPixels: number}
  map: {path: string; legend: {name: string; colour: string; share: number}[]; unexplainedColour: string} | null
  artifacts: string[]
  [k: string]: unknown
}

/** `nbtrace triage --json` in wd; the output checked against schemas/triage.schema.json. */
export async function triage(wd: string, flags: string[], args: string[]): Promise<{r: CliResult; json: TriageJson}> {
  const r = await runCli(['triage', '--json', ...flags, '--', ...args], {cwd: wd})
  let json: TriageJson
  try {
    json = JSON.parse(r.stdout) as TriageJson
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 400)} ${r.stderr.slice(-800)}`)
  }
  const bad = validateAgainst('triage.schema.json', json)
  assert.equal(bad, null, `--json output not valid against triage.schema.json: ${bad}`)
  return {r, json}
}
