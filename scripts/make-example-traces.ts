// Regenerates traces/: small example trace pairs a newcomer can run `nbtrace compare` on.
// Reference = the C engine (faithful); candidate = the TypeScript engine, faithful (agree/)
// or with one planted fault or quirk switch per divergence class. A test re-runs this script
// into a temporary folder and checks the committed pairs are what it produces.
//   node --import tsx scripts/make-example-traces.ts [OUTDIR]
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {cEngine} from '../src/engines/c.js'
import {tsEngine} from '../src/engines/ts.js'
import {DEMO_ARGS, DEMO_PIXEL} from '../src/workflow/demo.js'

export interface ExamplePair {
  dir: string
  /** what the candidate does differently */
  fix?: string
  inject?: string
  args?: string[]
  pixel?: {slow: number; fast: number}
  expectClass: string | null
  expectVariable: string | null
}

const Q3_ARGS = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -pixel 0.1 -N 5 -oversample 1 -phi 0 -osc 3 -phisteps 3'.split(
  ' ',
)

export const EXAMPLES: ExamplePair[] = [
  {dir: 'agree', expectClass: null, expectVariable: null},
  {dir: 'normalization', inject: 'steps-no-oversample2', expectClass: 'normalization', expectVariable: 'steps'},
  {dir: 'source-weighting', inject: 'source-lambda-ignored', expectClass: 'source-weighting', expectVariable: 'source_lambda'},
  {dir: 'rng', inject: 'mosaic-extra-draw', expectClass: 'rng', expectVariable: 'mosaic_rng_draws'},
  {dir: 'geometry', inject: 'beam-center-half-pixel', expectClass: 'geometry', expectVariable: 'pivot_F'},
  {dir: 'units', inject: 'scattering-per-m', expectClass: 'units', expectVariable: 'scattering'},
  {dir: 'lattice', inject: 'sincg-no-pi', expectClass: 'lattice', expectVariable: 'F_latt_a'},
  {dir: 'polarization', inject: 'kahn-default-one', expectClass: 'polarization', expectVariable: 'kahn_factor'},
  {dir: 'precision', inject: 'float32-accumulation', expectClass: 'precision', expectVariable: 'I_sum'},
  {dir: 'state-carry-over', fix: 'Q3', args: Q3_ARGS, pixel: {slow: 30, fast: 33}, expectClass: 'state-carry-over', expectVariable: 'ap'},
]

/** Pins the creation time, build commit, compiler name and output path so regenerated traces compare byte for byte. */
export function normalizeTrace(text: string): string {
  const nl = text.indexOf('\n')
  const head = text
    .slice(0, nl)
    .replace(/"created":"[^"]*"/, '"created":"2026-01-01T00:00:00.000Z"')
    .replace(/"commit":"[0-9a-f]*"/, '"commit":null')
    .replace(/"-trace_out","[^"]*?([^"/]+)"/, '"-trace_out","$1"')
    .replace(/"cc":"[^"]*"/, '"cc":"cc"')
  return head + text.slice(nl)
}

export async function makeExamples(outDir: string): Promise<void> {
  const why = cEngine.unavailableReason()
  if (why) throw new Error(why)
  for (const ex of EXAMPLES) {
    const dir = join(outDir, ex.dir)
    mkdirSync(dir, {recursive: true})
    const args = ex.args ?? DEMO_ARGS
    const pixel = ex.pixel ?? DEMO_PIXEL
    const ref = join(dir, 'ref.jsonl')
    const cand = join(dir, 'cand.jsonl')
    // relative output names: the recorded arguments must not depend on where the folder is
    await cEngine.run({args, cwd: dir, tracePixel: pixel, traceOut: 'ref.jsonl'})
    await tsEngine.run({args, cwd: dir, tracePixel: pixel, traceOut: 'cand.jsonl', fixes: ex.fix ? [ex.fix] : [], faults: ex.inject ? [ex.inject] : []})
    for (const f of [ref, cand]) writeFileSync(f, normalizeTrace(readFileSync(f, 'utf8')))
  }
  writeFileSync(join(outDir, 'examples.json'), JSON.stringify(EXAMPLES, null, 2) + '\n')
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('make-example-traces.ts')) {
  await makeExamples(resolve(process.argv[2] ?? 'traces'))
}
