// The compare group: false verdicts the compare pipeline gave, each turned into a case whose
// truth is known by construction (a known trace, one planted change). Written from the committed
// freeform source traces and two TS-engine traces this script simulates.
//
//   node --import tsx test/truth/generate/compare-cases.ts           write fixtures and cases
//   node --import tsx test/truth/generate/compare-cases.ts --check   exit 1 when a committed file differs
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {runCli} from '../../helpers/cli.js'
import {FIXTURES} from '../../helpers/fixtures.js'
import {CASES, caseText} from '../lib/cases.js'
import {fmtE, lines, readTrace, render, TRACE_C_NAMES, valueOf} from './render.js'

const DIR = 'truth/compare'
const check = process.argv.includes('--check')
let stale = 0

function write(path: string, text: string): void {
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
      console.error(`stale: ${path}`)
      stale++
    }
    return
  }
  mkdirSync(dirname(path), {recursive: true})
  writeFileSync(path, text)
}

const encode = (v: unknown): string => JSON.stringify(v)

// 1. A double-precision port with the classical electron radius rounded to 8 digits: r_e² is off
//    by 1.6e-8 relative, far beyond any double rounding. compare called it "precision" (anything
//    within one float32 ulp was) although both sides declare float64.
{
  const src = join(FIXTURES, 'truth/freeform/traces/cubic-43-33.jsonl')
  const recs = readFileSync(src, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  const reSqr = 2.8179412e-15 * 2.8179412e-15
  const ratio = reSqr / (valueOf(readTrace(src), 'r_e_sqr') as number)
  const out = recs.map((r) => {
    if (r.type === 'header') return {...r, producer: {...(r.producer as object), name: 'double-port', version: '1'}}
    if (r.name === 'r_e_sqr') return {...r, value: reSqr}
    if (r.name === 'I_pixel_final') return {...r, value: (r.value as number) * ratio}
    if (r.name === 'float_pixel') return {...r, value: Math.fround((recs.find((x) => x.name === 'I_pixel_final')!.value as number) * ratio)}
    return r
  })
  write(join(FIXTURES, DIR, 're-truncated.cand.jsonl'), out.map(encode).join('\n') + '\n')
  write(
    join(CASES, 'compare', 're-truncated-double-port.json'),
    caseText({
      group: 'compare',
      description:
        'cubic 100 Å cell, pixel (43, 33) (truth/freeform/traces/cubic-43-33.jsonl, TS engine) against the same trace from a double-precision port whose classical electron radius (nanoBragg: 2.81794117756025e-15 m) is rounded to 8 digits, 2.8179412e-15 m: r_e_sqr is off by 1.6e-8 relative and I_pixel_final and float_pixel by the same ratio. Both sides declare float64, so a difference of 10^8 double ulps is no rounding. compare called it precision ("≤ one float32 ulp"). Truth: normalization (a normalization constant), the final value only its cascade.',
      via: 'compare',
      ref: {file: 'truth/freeform/traces/cubic-43-33.jsonl'},
      cand: {file: `${DIR}/re-truncated.cand.jsonl`},
      expect: {
        status: 'diverged',
        first: {name: 'r_e_sqr', class: 'normalization', loop: {}},
        rootClasses: ['normalization'],
        notRoot: ['I_pixel_final', 'float_pixel'],
        verdict: ['final pixel value I_pixel_final differs'],
      },
    }),
  )
}

// 2. A port log that lists two sources where the reference has three. The log's gating prints
//    per-source lines for every source it has (TRACE_PY_SOURCE i), and it states its source
//    count: source 2 is absent from it, not unprinted. Exempting every unmatched record of the
//    other side (a log prints some iterations only) hid the loop-shape difference.
{
  const args = '-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -pixel 0.1 -N 5 -detpixels 64 -oversample 1 -dispersion 2 -dispsteps 3'.split(
    ' ',
  )
  const name = 'disp3-32-32.jsonl'
  const trace = join(FIXTURES, DIR, name)
  if (!check || !existsSync(trace)) {
    mkdirSync(join(FIXTURES, DIR), {recursive: true})
    const r = await runCli(['simulate', '--engine', 'ts', '--trace-pixel', '32,32', '--trace-out', name, '--', ...args], {cwd: join(FIXTURES, DIR)})
    if (r.code !== 0) throw new Error(`simulate: ${r.stderr}`)
  }
  const t = readTrace(trace)
  const ls = lines(t, TRACE_C_NAMES)
  const perSource: string[] = ['Loaded 2 sources']
  for (const s of [0, 1]) {
    const at = (n: string) => t.records.find((r) => r.name === n && (r.loop as Record<string, number>).source === s)!.value as number
    perSource.push(`TRACE_PY_SOURCE ${s}: wavelength_angstroms ${fmtE(at('source_lambda') * 1e10)}`)
    perSource.push(`TRACE_PY_SOURCE ${s}: source_weight ${fmtE(at('source_weight'))}`)
  }
  const log = render('trace-py', ls, {form: 'hash', slow: 32, fast: 32}).replace('# Trace complete', [...perSource, '# Trace complete'].join('\n'))
  write(
    join(CASES, 'compare', 'log-lists-fewer-sources.json'),
    caseText({
      group: 'compare',
      description:
        'cubic 100 Å cell, 2% dispersion in 3 wavelengths (3 sources), pixel (32, 32): the TS engine against a TRACE_PY log (rendered from that trace) that lists sources 0 and 1 only and says "Loaded 2 sources". A log prints some iterations only, but this one states its source count, so source 2 is missing from it, not unprinted. Truth: diverged, the source count (source-weighting), and a loop-shape difference on the source axis only (nbtrace said thick, subS, subF, phi and mosaic differ too, from the coordinates of the unmatched records).',
      via: 'compare',
      ref: {file: `${DIR}/${name}`},
      cand: {log: log, name: 'py.log'},
      expect: {
        status: 'diverged',
        first: {name: 'n_sources', class: 'source-weighting'},
        rootClassesInclude: ['source-weighting'],
        verdict: ['loop shape differs \\(source\\)'],
      },
    }),
  )
}

if (check && stale) process.exit(1)
