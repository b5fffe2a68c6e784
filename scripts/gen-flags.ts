// Writes the C engine's command-line parser and config emitter from the flag table
// (src/sim/flags.ts), so the flag list exists once:
//   instrumented-c/src/flags_gen.h   given-mark ids and the size limits (src/sim/limits.ts)
//   instrumented-c/src/flags_gen.c   nb_flags_fire(): one block per table entry, in table order;
//                                    nb_trace_config(): one line per config key
//   docs/flags.md                    the table for users
// Usage: node --import tsx scripts/gen-flags.ts [--check]   (--check: exit 1 when a file is stale)
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CONFIG_KEYS, FLAGS, givenMarks, parseTest, UNITS, type FlagSpec} from '../src/sim/flags.js'
import {MAX_DOMAINS, MAX_HKL_NODES, MAX_PHISTEPS, MAX_PIXELS, MAX_SOURCES} from '../src/sim/limits.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..')

/** ParsedArgs field → the C engine's variable (NB.x), with how constants are spelled there. */
const FIELD: Record<string, {c: string | string[]; type: 'double' | 'int' | 'long' | 'str' | 'vec3' | 'enum'; enums?: Record<string, string>}> = {
  tracePixel: {c: ['trace_slow', 'trace_fast'], type: 'int'},
  traceRequested: {c: 'trace_requested', type: 'int'},
  traceOut: {c: 'trace_out', type: 'str'},
  traceOnly: {c: 'trace_only', type: 'int'},
  quiet: {c: 'quiet', type: 'int'},
  plantedFaults: {c: 'planted_faults', type: 'str'},
  Na: {c: 'Na', type: 'double'},
  Nb: {c: 'Nb', type: 'double'},
  Nc: {c: 'Nc', type: 'double'},
  sampleX: {c: 'sample_x', type: 'double'},
  sampleY: {c: 'sample_y', type: 'double'},
  sampleZ: {c: 'sample_z', type: 'double'},
  density: {c: 'density', type: 'double'},
  molecularWeight: {c: 'molecular_weight', type: 'double'},
  Xbeam: {c: 'Xbeam', type: 'double'},
  Ybeam: {c: 'Ybeam', type: 'double'},
  Xclose: {c: 'Xclose', type: 'double'},
  Yclose: {c: 'Yclose', type: 'double'},
  ORGX: {c: 'ORGX', type: 'double'},
  ORGY: {c: 'ORGY', type: 'double'},
  convention: {
    c: 'convention',
    type: 'enum',
    enums: {MOSFLM: 'CONV_MOSFLM', DENZO: 'CONV_DENZO', ADXV: 'CONV_ADXV', XDS: 'CONV_XDS', DIALS: 'CONV_DIALS', CUSTOM: 'CONV_CUSTOM'},
  },
  pivot: {c: 'pivot', type: 'enum', enums: {beam: 'PIVOT_BEAM', sample: 'PIVOT_SAMPLE'}},
  fdetVector: {c: 'fdet_vector', type: 'vec3'},
  sdetVector: {c: 'sdet_vector', type: 'vec3'},
  odetVector: {c: 'odet_vector', type: 'vec3'},
  beamVector: {c: 'beam_vector', type: 'vec3'},
  polarVector: {c: 'polar_vector', type: 'vec3'},
  spindleVector: {c: 'spindle_vector', type: 'vec3'},
  twothetaAxis: {c: 'twotheta_axis', type: 'vec3'},
  pix0Vector: {c: 'pix0_given', type: 'vec3'},
  distance: {c: 'distance', type: 'double'},
  closeDistance: {c: 'close_distance', type: 'double'},
  detectorThick: {c: 'detector_thick', type: 'double'},
  detectorThicksteps: {c: 'detector_thicksteps', type: 'int'},
  detectorTwotheta: {c: 'twotheta', type: 'double'},
  detectorRotx: {c: 'rotx', type: 'double'},
  detectorRoty: {c: 'roty', type: 'double'},
  detectorRotz: {c: 'rotz', type: 'double'},
  detectorAbs: {c: 'detector_abs_m', type: 'double'},
  detsizeF: {c: 'detsize_f', type: 'double'},
  detsizeS: {c: 'detsize_s', type: 'double'},
  fpixels: {c: 'fpixels', type: 'int'},
  spixels: {c: 'spixels', type: 'int'},
  curvedDetector: {c: 'curved_detector', type: 'int'},
  pixelSize: {c: 'pixel_size', type: 'double'},
  pointPixel: {c: 'point_pixel', type: 'int'},
  polarization: {c: 'polarization', type: 'double'},
  nopolar: {c: 'nopolar', type: 'int'},
  oversampleThick: {c: 'oversample_thick', type: 'int'},
  oversamplePolar: {c: 'oversample_polar', type: 'int'},
  oversampleOmega: {c: 'oversample_omega', type: 'int'},
  oversample: {c: 'oversample', type: 'int'},
  roi: {c: ['roi_xmin', 'roi_xmax', 'roi_ymin', 'roi_ymax'], type: 'int'},
  lambda0: {c: 'lambda0', type: 'double'},
  fluence: {c: 'fluence', type: 'double'},
  flux: {c: 'flux', type: 'double'},
  exposure: {c: 'exposure', type: 'double'},
  beamsize: {c: 'beamsize', type: 'double'},
  mosaicSpread: {c: 'mosaic_spread', type: 'double'},
  mosaicDomains: {c: 'mosaic_domains', type: 'int'},
  dispersion: {c: 'dispersion', type: 'double'},
  dispsteps: {c: 'dispsteps', type: 'int'},
  hdivrange: {c: 'hdivrange', type: 'double'},
  vdivrange: {c: 'vdivrange', type: 'double'},
  hdivstep: {c: 'hdivstep', type: 'double'},
  vdivstep: {c: 'vdivstep', type: 'double'},
  hdivsteps: {c: 'hdivsteps', type: 'int'},
  vdivsteps: {c: 'vdivsteps', type: 'int'},
  roundDiv: {c: 'round_div', type: 'int'},
  adcOffset: {c: 'adc_offset', type: 'double'},
  phi0: {c: 'phi0', type: 'double'},
  osc: {c: 'osc', type: 'double'},
  phistep: {c: 'phistep', type: 'double'},
  phisteps: {c: 'phisteps', type: 'int'},
  dmin: {c: 'dmin', type: 'double'},
  matfilename: {c: 'matfilename', type: 'str'},
  hklfilename: {c: 'hklfilename', type: 'str'},
  defaultF: {c: 'default_F', type: 'double'},
  dumpfilename: {c: 'dumpfilename', type: 'str'},
  imginfile: {c: 'imginfile', type: 'str'},
  maskfile: {c: 'maskfile', type: 'str'},
  stoloutfilename: {c: 'stoloutfilename', type: 'str'},
  stolfilename: {c: 'stolfilename', type: 'str'},
  stolFileMult: {c: 'stol_file_mult', type: 'double'},
  sourcefilename: {c: 'sourcefilename', type: 'str'},
  floatfilename: {c: 'floatfile', type: 'str'},
  intfilename: {c: 'intfile', type: 'str'},
  pgmfilename: {c: 'pgmfile', type: 'str'},
  noisefilename: {c: 'noisefile', type: 'str'},
  floatfileGiven: {c: 'floatfile_given', type: 'int'},
  intfileGiven: {c: 'intfile_given', type: 'int'},
  noisefileGiven: {c: 'noisefile_given', type: 'int'},
  calculateNoise: {c: 'calculate_noise', type: 'int'},
  writePgm: {c: 'write_pgm', type: 'int'},
  intfileScale: {c: 'intfile_scale', type: 'double'},
  pgmScale: {c: 'pgm_scale', type: 'double'},
  coherent: {c: 'coherent', type: 'int'},
  printout: {c: 'printout', type: 'int'},
  progress: {c: 'progress', type: 'int'},
  interpolate: {c: 'interpolate', type: 'int'},
  xtalShape: {c: 'xtal_shape', type: 'enum', enums: {square: 'SHAPE_SQUARE', round: 'SHAPE_ROUND', gauss: 'SHAPE_GAUSS', tophat: 'SHAPE_TOPHAT'}},
  fudge: {c: 'fudge', type: 'double'},
  printoutPixel: {c: ['printout_fpixel', 'printout_spixel'], type: 'int'},
  seed: {c: 'seed', type: 'long'},
  mosaicSeed: {c: 'mosaic_seed', type: 'long'},
  missetSeed: {c: 'misset_seed', type: 'long'},
  waterSize: {c: 'water_size', type: 'double'},
  pivotFlag: {c: 'pivot_flag', type: 'int'},
}

function field(name: string): (typeof FIELD)[string] {
  const f = FIELD[name]
  if (!f) throw new Error(`gen-flags: no C variable for ParsedArgs.${name}: add it to FIELD`)
  return f
}
const one = (name: string): string => {
  const f = field(name)
  if (Array.isArray(f.c)) throw new Error(`gen-flags: ${name} is several C variables`)
  return `NB.${f.c}`
}
const cstr = (s: string): string => JSON.stringify(s)
const gid = (mark: string): string => `NB_G_${mark.replace(/\W/g, '_')}`

function constOf(name: string, v: number | boolean | string): string {
  const f = field(name)
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'string') {
    if (!f.enums?.[v]) throw new Error(`gen-flags: no C spelling of ${name}=${v}`)
    return f.enums[v]
  }
  return Number.isInteger(v) ? String(v) : v.toPrecision(17)
}

function testC(t: string): string {
  const p = parseTest(t)
  if (p.exact) return `!strcmp(a, ${cstr(p.flag)})`
  if (p.len !== null) return `(nb_has(a, ${cstr(p.flag)}) && len == ${p.len})`
  if (p.longer !== null) return `(nb_has(a, ${cstr(p.flag)}) && len > ${p.longer})`
  return `nb_has(a, ${cstr(p.flag)})`
}

function entryC(f: FlagSpec): string {
  const cond = f.tests.map(testC).join(' || ')
  const body: string[] = []
  const a = f.action
  const v1 = 'argv[i+1]'
  switch (a.do) {
    case 'num':
      for (const t of a.to) body.push(`${one(t)} = ${UNITS[a.unit].c.replace('%s', `atof(${v1})`)};`)
      break
    case 'int':
      for (const t of a.to) body.push(`${one(t)} = atoi(${v1});`)
      break
    case 'negint':
      for (const t of a.to) body.push(`${one(t)} = -atoi(${v1});`)
      break
    case 'str':
      for (const t of a.to) body.push(`${one(t)} = ${v1};`)
      break
    case 'const':
      for (const t of a.to) body.push(`${one(t)} = ${constOf(t, a.value)};`)
      break
    case 'vec3':
      body.push(`${one(a.to)}[0] = atof(argv[i+1]); ${one(a.to)}[1] = atof(argv[i+2]); ${one(a.to)}[2] = atof(argv[i+3]);`)
      break
    case 'ints': {
      const cs = field(a.to).c as string[]
      body.push(cs.map((c, k) => `NB.${c} = atoi(argv[i+${k + 1}]);`).join(' '))
      break
    }
    case 'special':
      body.push(`r = nb_flag_${a.name}(argc, argv, i);`)
      break
    case 'refuse':
      body.push(`nb_refuse("%s: %s", a, ${cstr(a.why)});`)
      break
    case 'none':
      break
  }
  const effects: string[] = []
  for (const g of f.given ?? []) effects.push(`NB.given[${gid(g)}] = 1;`)
  if (f.pivot) effects.push(`NB.pivot = NB.pivot_flag = ${constOf('pivot', f.pivot)};`)
  if (f.convention) effects.push(`NB.convention = ${constOf('convention', f.convention)};`)
  for (const [name, v] of f.also ?? []) effects.push(`${one(name)} = ${constOf(name, v)};`)
  if (f.warn) effects.push(`nb_note(${cstr(f.warn)});`)
  if (a.do === 'special') {
    if (effects.length) body.push(`if (r & NB_FIRED) { ${effects.join(' ')} }`)
  } else body.push(...effects)
  if (!f.upstream && f.need) body.push(`*ip += ${f.need};`)
  if (f.stop) body.push('return 1;')
  else if (a.do === 'special') body.push('if (r & NB_STOP) return 1;')
  const names = f.tests.join(' ')
  return `    /* ${names}: ${f.doc.replace(/\*\//g, '* /').slice(0, 90)} */\n    if ((${cond}) && argc > i+${f.need}) {\n        ${body.join('\n        ')}\n    }`
}

function configC(): string {
  const lines: string[] = []
  for (const k of CONFIG_KEYS) {
    const d = k.def
    const g = (m: string): string => `NB.given[${gid(m)}]`
    const key = cstr(k.key)
    switch (d.kind) {
      case 'num':
        lines.push(`nb_cfg_num(${key}, ${g(k.key)}, ${one(d.from)});`)
        break
      case 'int':
        lines.push(`nb_cfg_int(${key}, ${g(k.key)}, (long long)${one(d.from)});`)
        break
      case 'str': {
        const f = field(d.from)
        if (d.from !== 'xtalShape') throw new Error(`gen-flags: str config ${k.key}`)
        lines.push(`if (${g(k.key)}) nbt_cfg_str(${key}, nb_shape_names[${`NB.${f.c}`}]); else nbt_cfg_null(${key});`)
        break
      }
      case 'always':
        if (d.from !== 'convention') throw new Error(`gen-flags: always config ${k.key}`)
        lines.push(`nbt_cfg_str(${key}, nb_conv_names[NB.convention]);`)
        break
      case 'vec3':
        lines.push(`nb_cfg_vec(${key}, ${g(k.key)}, ${one(d.from)});`)
        break
      case 'bool':
        lines.push(`nbt_cfg_bool(${key}, ${one(d.from)} != 0);`)
        break
      case 'notnull':
        lines.push(`nbt_cfg_bool(${key}, ${one(d.from)} != NULL);`)
        break
      case 'pair': {
        const [m0, m1] = givenMarks(k)
        lines.push(`nb_cfg_pair(${key}, ${g(m0)}, ${one(d.from[0])}, ${g(m1)}, ${one(d.from[1])}, ${d.int ? 1 : 0});`)
        break
      }
      case 'triple': {
        const m = givenMarks(k)
        lines.push(`nb_cfg_triple(${key}, ${g(m[0])}, ${one(d.from[0])}, ${g(m[1])}, ${one(d.from[1])}, ${g(m[2])}, ${one(d.from[2])});`)
        break
      }
      case 'allof':
        lines.push(`{ double v[3]; v[0] = ${one(d.from[0])}; v[1] = ${one(d.from[1])}; v[2] = ${one(d.from[2])}; nb_cfg_vec(${key}, ${g(k.key)}, v); }`)
        break
      case 'ints': {
        const cs = field(d.from).c as string[]
        lines.push(`{ long long v[${cs.length}]; ${cs.map((c, j) => `v[${j}] = NB.${c};`).join(' ')} nb_cfg_ints(${key}, ${g(k.key)}, ${cs.length}, v); }`)
        break
      }
      case 'cell':
        lines.push(`nb_cfg_cell(${key}, ${g(k.key)});`)
        break
      case 'misset':
        lines.push(`nb_cfg_misset(${key}, ${g(k.key)});`)
        break
      case 'pivot':
        lines.push(`if (NB.pivot_flag < 0) nbt_cfg_null(${key}); else nbt_cfg_str(${key}, NB.pivot_flag == PIVOT_SAMPLE ? "sample" : "beam");`)
        break
      case 'interpolate':
        lines.push(`if (${g(k.key)}) nbt_cfg_bool(${key}, NB.interpolate == 1); else nbt_cfg_null(${key});`)
        break
    }
  }
  return lines.map((l) => `    ${l}`).join('\n')
}

const HEAD =
  '/* GENERATED by scripts/gen-flags.ts from the flag table in src/sim/flags.ts: do not edit.\n * Regenerate with: node --import tsx scripts/gen-flags.ts */\n'

function header(): string {
  const marks = CONFIG_KEYS.flatMap(givenMarks)
  return `${HEAD}#ifndef NB_FLAGS_GEN_H
#define NB_FLAGS_GEN_H
/* config given-marks: set when a flag (or an -img/-mask header) gave the value */
enum {
${marks.map((m) => `    ${gid(m)},`).join('\n')}
    NB_NGIVEN
};
/* sizes checked before allocating (src/sim/limits.ts) */
#define NB_MAX_PIXELS ${MAX_PIXELS}L
#define NB_MAX_HKL_NODES ${MAX_HKL_NODES}L
#define NB_MAX_DOMAINS ${MAX_DOMAINS}L
#define NB_MAX_SOURCES ${MAX_SOURCES}L
#define NB_MAX_PHISTEPS ${MAX_PHISTEPS}L
/* returned by the special handlers (cli.c) */
#define NB_STOP 1
#define NB_FIRED 2
int nb_flags_fire(int argc, char **argv, int *ip);
int nb_flag_known(const char *a);
#endif
`
}

function source(): string {
  const names = [...new Set(FLAGS.flatMap((f) => f.tests.map((t) => t)))]
  return `${HEAD}#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nb.h"
#include "flags_gen.h"
#include "nbtrace.h"

static int nb_has(const char *a, const char *flag) { return strstr(a, flag) != NULL; }

/* Runs every table entry whose test matches argv[*ip], in table order, until one stops the
 * argument (upstream's \`continue\`); returns 1 when stopped. nbtrace's own flags consume their
 * values (*ip advances). */
int nb_flags_fire(int argc, char **argv, int *ip)
{
    const char *a = argv[*ip];
    const int i = *ip;
    const size_t len = strlen(a);
    int r = 0;
    (void)r;
${FLAGS.map(entryC).join('\n')}
    return 0;
}

/* Does any table entry name this argument? */
int nb_flag_known(const char *a)
{
    const size_t len = strlen(a);
    static const char *const tests[] = {${names.map(cstr).join(', ')}};
    size_t k;
    (void)len;
    for (k = 0; k < sizeof tests/sizeof tests[0]; k++) {
        const char *t = tests[k];
        if (t[0] == '=') { if (!strcmp(a, t + 1)) return 1; continue; }
        {
            char flag[64]; const char *cut = strpbrk(t, "/>"); size_t n = cut ? (size_t)(cut - t) : strlen(t);
            memcpy(flag, t, n); flag[n] = 0;
            if (!strstr(a, flag)) continue;
            if (cut && *cut == '/' && len != (size_t)atoi(cut + 1)) continue;
            if (cut && *cut == '>' && len <= (size_t)atoi(cut + 1)) continue;
            return 1;
        }
    }
    return 0;
}

#ifdef NBTRACE_ENABLE
/* The config object of schemas/config.schema.json, one line per key of CONFIG_KEYS. */
void nb_trace_config(void)
{
${configC()}
}
#else
void nb_trace_config(void) {}
#endif
`
}

function docs(): string {
  const rows = FLAGS.map((f) => {
    const names = f.tests.map((t) => {
      const p = parseTest(t)
      return `\`${p.flag}\`${p.exact ? ' (exact)' : p.len !== null ? ` (${p.len} chars)` : p.longer !== null ? ` (> ${p.longer} chars)` : ''}`
    })
    const vals = f.values === 'cell' ? '1–6 numbers' : f.values === 'misset' ? '`random` or 3 numbers' : f.values.join(' ') || '—'
    const unit = f.action.do === 'num' && f.action.unit !== 'one' ? UNITS[f.action.unit].user : ''
    return `| ${names.join(', ')} | ${vals}${unit ? ` (${unit})` : ''} | ${f.role}${f.upstream ? '' : ' (nbtrace)'} | ${f.doc.replace(/\|/g, '\\|')} |`
  })
  return `# nanoBragg flags (generated from src/sim/flags.ts)

Both engines parse the command line with this table, in this order (upstream nanoBragg's). For
each argument starting with \`-\`, every entry whose test matches fires, until one that stops the
argument; a test is a substring match unless marked exact or with a length, exactly as upstream
tests it, so one argument can fire several entries (\`-twotheta_axis\` also sets \`-twotheta\`;
\`-misset_seed S a b\` also sets the misset angles). Later arguments override earlier ones.
Numbers are read as C's atof/atoi do; \`nbtrace simulate\` and \`nbtrace trace\` refuse missing or
non-numeric values before running (exit 2).

Roles: **physics** changes the image · **input**/**output** name a file read/written ·
**console** changes only what is printed · **noop** upstream reads it but nothing it computes
uses it (the engines do the same and print a warning) · **refused** exit 2 · **nbtrace** ours.

| flag | values | role | what it does |
|---|---|---|---|
${rows.join('\n')}

Regenerate with \`node --import tsx scripts/gen-flags.ts\`; \`test/sim/flags.test.ts\` fails when this
page or the C parser is stale.
`
}

export const GENERATED: Record<string, () => string> = {
  'instrumented-c/src/flags_gen.h': header,
  'instrumented-c/src/flags_gen.c': source,
  'docs/flags.md': docs,
}

function main(): void {
  const check = process.argv.includes('--check')
  let stale = 0
  for (const [rel, make] of Object.entries(GENERATED)) {
    const path = join(ROOT, rel)
    const text = make()
    let old = ''
    try {
      old = readFileSync(path, 'utf8')
    } catch {
      /* new */
    }
    if (old === text) continue
    if (check) {
      process.stderr.write(`${rel} is stale: run node --import tsx scripts/gen-flags.ts\n`)
      stale++
    } else {
      writeFileSync(path, text)
      process.stderr.write(`wrote ${rel}\n`)
    }
  }
  if (stale) process.exit(1)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
