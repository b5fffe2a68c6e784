// Writes the golden-c and hoidn groups of the truth corpus from test/fixtures/golden (one case
// per configuration and engine). The cases are committed; this script is how they were made,
// and re-running it reproduces them byte for byte (corpus-files.test.ts checks that).
//
//   node --import tsx test/truth/generate/golden-cases.ts [--check]
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {GOLDEN} from '../../helpers/fixtures.js'
import {CASES, caseText} from '../lib/cases.js'

interface ManifestCase {
  name: string
  features: string[]
  quirks: string[]
  inputs: string[]
}

export interface GoldenConfig {
  name: string
  pixel: [number, number]
  /** nanoBragg arguments of the traced run, without the program name and -trace_pixel */
  args: string[]
  features: string[]
  hasInputs: boolean
}

/** The traced run of each golden case: trace_cmd.txt is `nanoBragg_golden -trace_pixel S F ARGS`. */
export function goldenConfigs(): GoldenConfig[] {
  const manifest = JSON.parse(readFileSync(join(GOLDEN, 'manifest.json'), 'utf8')) as {cases: ManifestCase[]}
  return manifest.cases.map((m) => {
    const toks = readFileSync(join(GOLDEN, m.name, 'trace_cmd.txt'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(1)
    const at = toks.indexOf('-trace_pixel')
    if (at < 0) throw new Error(`${m.name}/trace_cmd.txt has no -trace_pixel`)
    const pixel: [number, number] = [Number(toks[at + 1]), Number(toks[at + 2])]
    const args = [...toks.slice(0, at), ...toks.slice(at + 3)]
    // the image run (cmd.txt) and the traced run are the same configuration
    const image = readFileSync(join(GOLDEN, m.name, 'cmd.txt'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(1)
    if (image.join(' ') !== args.join(' ')) throw new Error(`${m.name}: cmd.txt and trace_cmd.txt differ beyond -trace_pixel`)
    return {name: m.name, pixel, args, features: [...m.features, ...m.quirks.map((q) => `quirk: ${q}`)], hasInputs: m.inputs.length > 0}
  })
}

const ENGINE = {c: 'the C engine (instrumented-c)', ts: 'the TypeScript engine (src/sim)'}
const GOLDEN_TEST = {c: 'test/c/golden.test.ts', ts: 'test/sim/golden.test.ts'}

function goldenC(g: GoldenConfig, engine: 'c' | 'ts'): object {
  const [s, f] = g.pixel
  return {
    group: 'golden-c',
    description:
      `${g.name} (${g.features.join('; ')}): the reference's own TRACE_C log of pixel (slow ${s}, fast ${f}), written by the ` +
      `instrumented nanoBragg whose float image is this case's float.bin, against ${ENGINE[engine]}'s trace of the same pixel. ` +
      `Truth: agree. The engine reproduces float.bin bit for bit (${GOLDEN_TEST[engine]}), the log's floatimage_accumulated ` +
      `equals float.bin at (${s}, ${f}) (corpus-files.test.ts), and the physics is identical, so every value both traces state ` +
      `is the same computation; the log states only some iterations (source 0, phi 0, mosaic 0; cos_2theta of the last ` +
      `sub-pixel; the scaling block once) and no configuration, neither of which is a divergence.`,
    via: 'compare',
    pixel: g.pixel,
    ...(g.hasInputs ? {inputs: `golden/${g.name}`} : {}),
    args: g.args,
    ref: {engine},
    cand: {file: `golden/${g.name}/trace_C.log`},
    image: {file: `golden/${g.name}/float.bin`},
    expect: {status: 'agree'},
  }
}

const HOIDN = "hoidn/nanoBragg.c (a port team's hand-instrumented C reference, built as is; -trace_pixel S F prints TRACE_C lines on stdout)"

function hoidn(g: GoldenConfig, engine: 'c' | 'ts'): object {
  const [s, f] = g.pixel
  // both directions of nbtrace trace: the program as candidate (--cand-cmd) against the C
  // engine, as reference (--ref-cmd) against the TypeScript engine
  const program = {program: 'hoidn'}
  return {
    group: 'hoidn',
    description:
      `${g.name} (${g.features.join('; ')}): ${HOIDN} as ${engine === 'c' ? 'candidate (--cand-cmd)' : 'reference (--ref-cmd)'} ` +
      `against ${ENGINE[engine]}, pixel (slow ${s}, fast ${f}), run by nbtrace trace. Truth: agree. hoidn's float image of this ` +
      `configuration equals the golden float.bin bit for bit (corpus-files.test.ts), and so does the engine's ` +
      `(${GOLDEN_TEST[engine]}): both compute the same pixel the same way; the log states only some iterations and no configuration.`,
    via: 'trace',
    pixel: g.pixel,
    ...(g.hasInputs ? {inputs: `golden/${g.name}`} : {}),
    args: g.args,
    ref: engine === 'c' ? {engine: 'c'} : program,
    cand: engine === 'c' ? program : {engine: 'ts'},
    image: {file: `golden/${g.name}/float.bin`},
    expect: {status: 'agree'},
  }
}

/** Every generated case file: path under cases/ → its text. */
export function goldenCaseFiles(): Map<string, string> {
  const out = new Map<string, string>()
  const put = (p: string, o: object) => out.set(p, caseText(o))
  for (const g of goldenConfigs()) {
    for (const e of ['c', 'ts'] as const) {
      put(`golden-c/${g.name}-${e}.json`, goldenC(g, e))
      put(`hoidn/${g.name}-${e}.json`, hoidn(g, e))
    }
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check')
  let stale = 0
  for (const [p, text] of goldenCaseFiles()) {
    const file = join(CASES, p)
    if (check) {
      let cur = ''
      try {
        cur = readFileSync(file, 'utf8')
      } catch {
        /* missing */
      }
      if (cur !== text) {
        stale++
        console.log(`stale: ${p}`)
      }
      continue
    }
    mkdirSync(join(file, '..'), {recursive: true})
    writeFileSync(file, text)
  }
  if (check && stale) process.exit(1)
}
