// The fuzzer's configuration space: random valid nanoBragg command lines drawn from the whole
// flag table (src/sim/flags.ts), with the input files they name (hkl tables, matrices, source
// files, SMV masks and headers), kept small enough that the three programs run in well under a
// second each. A configuration is a list of groups (one flag and its values) so the shrinker can
// drop them one at a time.
import {Prng} from './prng.js'

export interface Group {
  /** the arguments, flag first */
  args: string[]
  /** groups the shrinker must keep (a cell, structure factors, the detector size) */
  essential?: boolean
  /** input files this group names */
  files?: string[]
  /** what it exercises, for the report */
  tag: string
}

export interface FuzzConfig {
  id: string
  groups: Group[]
  /** file name → content */
  files: Record<string, string | Uint8Array>
  /** worker threads for the TypeScript engine (its image must not depend on them) */
  threads?: number
}

export const argsOf = (c: FuzzConfig): string[] => c.groups.flatMap((g) => g.args)

const f = (x: number, d = 3): string => {
  const s = x.toFixed(d)
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
}

/** A rotation matrix (row-major) from three random angles. */
function rotation(r: Prng): number[] {
  const [x, y, z] = [r.float(-Math.PI, Math.PI), r.float(-Math.PI / 2, Math.PI / 2), r.float(-Math.PI, Math.PI)]
  const cx = Math.cos(x),
    sx = Math.sin(x),
    cy = Math.cos(y),
    sy = Math.sin(y),
    cz = Math.cos(z),
    sz = Math.sin(z)
  return [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx, sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx, -sy, cy * sx, cy * cx]
}
const mul = (m: number[], v: number[]): number[] => [0, 1, 2].map((i) => m[3 * i] * v[0] + m[3 * i + 1] * v[1] + m[3 * i + 2] * v[2])

function cellAngles(r: Prng): number[] {
  const kind = r.pick(['cubic', 'cubic', 'mono', 'hex', 'tric'])
  if (kind === 'cubic') return [90, 90, 90]
  if (kind === 'mono') return [90, r.float(95, 120), 90]
  if (kind === 'hex') return [90, 90, 120]
  // a valid triclinic cell: each angle below the sum of the others, all three below 360
  for (;;) {
    const a = [r.float(60, 120), r.float(60, 120), r.float(60, 120)]
    if (a[0] + a[1] + a[2] < 350 && a[0] < a[1] + a[2] - 10 && a[1] < a[0] + a[2] - 10 && a[2] < a[0] + a[1] - 10) return a.map((x) => Number(f(x, 2)))
  }
}

/** An hkl table: a block of indices (dense or sparse) with random F. */
function hklTable(r: Prng): string {
  const span = (): [number, number] => {
    const lo = r.int(-6, 0)
    return [lo, lo + r.int(2, 9)]
  }
  const [h0, h1] = span(),
    [k0, k1] = span(),
    [l0, l1] = span()
  const dense = r.chance(0.6)
  const lines: string[] = []
  for (let h = h0; h <= h1; h++)
    for (let k = k0; k <= k1; k++)
      for (let l = l0; l <= l1; l++) {
        if (!dense && !r.chance(0.3)) continue
        lines.push(`${h} ${k} ${l} ${f(r.float(0, 500), 2)}`)
      }
  if (lines.length === 0) lines.push(`${h0} ${k0} ${l0} 100`)
  // quirks of the reader: a header line, a fifth column, indices written as decimals, no final newline
  const v = r.next()
  if (v < 0.04) lines.unshift('# h k l F')
  else if (v < 0.07) lines[Math.floor(lines.length / 2)] += ' 1.0'
  else if (v < 0.09) lines[0] = lines[0].replace(/^(\S+)/, '$1.0')
  return lines.join('\n') + (r.chance(0.95) ? '\n' : '')
}

/** A structure-factor dump as upstream writes it (-dump read without -hkl). */
function dumpFile(r: Prng): Uint8Array {
  const lo = [r.int(-4, 0), r.int(-4, 0), r.int(-4, 0)]
  const hi = lo.map((x) => x + r.int(1, 6))
  const head = Buffer.from(`${lo[0]} ${hi[0]} ${lo[1]} ${hi[1]} ${lo[2]} ${hi[2]}\n\f`, 'latin1')
  const n = hi.map((x, i) => x - lo[i] + 2).reduce((a, b) => a * b, 1)
  const out = new Uint8Array(head.length + 8 * n)
  out.set(head)
  const dv = new DataView(out.buffer, head.length)
  for (let i = 0; i < n; i++) dv.setFloat64(8 * i, r.chance(0.7) ? Number(r.float(0, 400).toFixed(2)) : 0, true)
  return out
}

/** A MOSFLM A matrix: reciprocal vectors (columns) times the wavelength. */
function matrixFile(r: Prng, lambdaA: number): string {
  const a = r.float(30, 120),
    b = r.float(30, 120),
    c = r.float(30, 120)
  const U = rotation(r)
  const cols = [mul(U, [1 / a, 0, 0]), mul(U, [0, 1 / b, 0]), mul(U, [0, 0, 1 / c])].map((v) => v.map((x) => x * lambdaA))
  return [0, 1, 2].map((i) => cols.map((col) => col[i].toPrecision(9)).join(' ')).join('\n') + '\n'
}

/** A source file: 1 to 5 sources near the beam, some columns missing. */
function sourceFile(r: Prng, lambdaA: number, beam: number[]): string {
  const n = r.int(1, 5)
  const lines: string[] = []
  for (let i = 0; i < n; i++) {
    const d = [-10 * beam[0] + r.float(-0.02, 0.02), -10 * beam[1] + r.float(-0.02, 0.02), -10 * beam[2] + r.float(-0.02, 0.02)]
    const cols = [f(d[0], 5), f(d[1], 5), f(d[2], 5), f(r.float(0.2, 2), 2), (lambdaA * r.float(0.98, 1.02) * 1e-10).toPrecision(6)]
    const keep = r.chance(0.8) ? 5 : r.int(3, 4)
    lines.push(cols.slice(0, keep).join(r.pick([' ', '\t', ', '])))
  }
  // the reader's quirks: a comment line (read as a source of zeros), CRLF, no final newline
  const v = r.next()
  if (v < 0.03) lines.splice(r.int(0, lines.length), 0, '# X Y Z weight lambda')
  if (v > 0.97) return lines.join('\r\n') + '\r\n'
  return lines.join('\n') + (r.chance(0.93) ? '\n' : '')
}

/** An SMV frame: the header nanoBragg writes (some keywords dropped), pixels 0/1 (masks) or counts. */
export function smvFile(r: Prng, fpixels: number, spixels: number, opts: {mask: boolean; header: Record<string, string>}): Uint8Array {
  const keys = Object.entries(opts.header).filter(() => r.chance(0.8))
  let h = `{\nHEADER_BYTES=512;\nDIM=2;\nBYTE_ORDER=little_endian;\nTYPE=unsigned_short;\nSIZE1=${fpixels};\nSIZE2=${spixels};\n`
  for (const [k, v] of keys) h += `${k}=${v};\n`
  h += '}\f'
  const out = new Uint8Array(512 + 2 * fpixels * spixels)
  out.fill(32, 0, 512)
  out.set(Buffer.from(h, 'latin1').subarray(0, 512))
  for (let i = 0; i < fpixels * spixels; i++) {
    const v = opts.mask ? (r.chance(0.85) ? 1 : 0) : r.int(0, 200)
    out[512 + 2 * i] = v & 255
    out[513 + 2 * i] = v >> 8
  }
  return out
}

const CONVENTIONS = ['-mosflm', '-xds', '-adxv', '-denzo', '-dials']

/** Draws one configuration. */
export function drawConfig(r: Prng, id: string): FuzzConfig {
  const g: Group[] = []
  const files: Record<string, string | Uint8Array> = {}
  const add = (tag: string, ...args: string[]): Group => {
    const x = {tag, args}
    g.push(x)
    return x
  }
  const lambdaA = r.chance(0.8) ? r.float(0.6, 2.0) : 1
  // wavelength
  const wave = r.pick(['lambda', 'lambda', 'energy', 'none'])
  if (wave === 'lambda') add('lambda', r.pick(['-lambda', '-wave']), f(lambdaA, 4))
  else if (wave === 'energy') add('energy', '-energy', f(12398.42 / lambdaA, 1))

  // crystal: cell and/or matrix
  const useMat = r.chance(0.15)
  if (useMat) {
    files['A.mat'] = matrixFile(r, wave === 'none' ? 1 : wave === 'energy' ? 12398.42 / Number(f(12398.42 / lambdaA, 1)) : Number(f(lambdaA, 4)))
    Object.assign(add('mat', '-mat', 'A.mat'), {essential: true, files: ['A.mat']})
  }
  if (!useMat || r.chance(0.3)) {
    const ang = cellAngles(r)
    const len = [r.float(20, 120), r.float(20, 120), r.float(20, 120)].map((x) => f(x, 2))
    const n = r.pick([1, 3, 3, 6, 6, 6])
    const vals = [...len, ...ang.map((x) => f(x, 2))].slice(0, n)
    Object.assign(add('cell', '-cell', ...vals), {essential: true})
  }
  const misset = r.pick(['none', 'none', 'angles', 'random'])
  if (misset === 'angles') add('misset', '-misset', f(r.float(-180, 180), 2), f(r.float(-90, 90), 2), f(r.float(-180, 180), 2))
  if (misset === 'random') {
    add('misset random', '-misset', 'random')
    // the random misset's default seed is the clock too
    add('misset seed', '-misset_seed', String(r.int(1, 99999))).essential = true
  }

  // crystal size
  const size = r.pick(['N', 'N', 'Nabc', 'xtal', 'sample', 'none'])
  if (size === 'N') add('N', '-N', String(r.int(0, 12)))
  else if (size === 'Nabc') {
    for (const a of ['-Na', '-Nb', '-Nc']) if (r.chance(0.7)) add('Nabc', a, String(r.int(1, 12)))
  } else if (size === 'xtal') {
    add('xtalsize', r.pick(['-xtalsize', '-xtal_size', '-samplesize', '-sample_size']), f(r.float(0.00005, 0.0005), 5))
  } else if (size === 'sample') {
    for (const names of [
      ['-xtal_thick', '-xtal_x', '-sample_thick', '-sample_x'],
      ['-xtal_width', '-xtal_y', '-sample_width', '-sample_y', '-width'],
      ['-xtal_heigh', '-xtal_z', '-sample_heigh', '-sample_z', '-heigh'],
    ]) {
      if (r.chance(0.7)) add('sample size', r.pick(names), f(r.float(0.00005, 0.0005), 5))
    }
  }
  const shape = r.pick(['square', 'square', 'square', 'round', 'gauss', 'tophat'])
  const shapeFlag: Record<string, string> = {
    square: '-square_xtal',
    round: '-round_xtal',
    gauss: '-gauss_xtal',
    tophat: r.pick(['-tophat_spots', '-binary_spots']),
  }
  if (shape !== 'square' || r.chance(0.1)) add('shape', shapeFlag[shape])
  if (shape !== 'square' && r.chance(0.4)) add('fudge', '-fudge', f(r.float(0.3, 2), 2))

  // structure factors
  const sf = r.pick(['default', 'hkl', 'hkl', 'both', 'dump'])
  if (sf === 'dump') {
    files['F.dump'] = dumpFile(r)
    Object.assign(add('dump in', '-dump', 'F.dump'), {essential: true, files: ['F.dump']})
    if (r.chance(0.3)) add('interp', r.pick(['-interpolate', '-nointerpolate']))
  } else if (sf !== 'default') {
    files['F.hkl'] = hklTable(r)
    Object.assign(add('hkl', '-hkl', 'F.hkl'), {essential: true, files: ['F.hkl']})
    if (r.chance(0.3)) add('interp', r.pick(['-interpolate', '-nointerpolate']))
    if (r.chance(0.15)) add('dump', '-dump', 'F.dump')
  }
  if (sf !== 'hkl' && sf !== 'dump') Object.assign(add('default_F', '-default_F', f(r.float(1, 300), 1)), {essential: sf === 'default'})
  else if (r.chance(0.2)) add('default_F', '-default_F', f(r.float(0, 50), 1))

  // beam: sources from a file, or divergence and dispersion
  const beamKind = r.pick(['plain', 'plain', 'div', 'disp', 'divdisp', 'file'])
  const conv = r.chance(0.5) ? 'mosflm' : r.pick(['conv', 'conv', 'custom'])
  let beam = [1, 0, 0]
  if (beamKind === 'file') {
    files['src.txt'] = sourceFile(r, lambdaA, beam)
    add('sourcefile', '-sourcefile', 'src.txt').files = ['src.txt']
  }
  if (beamKind === 'div' || beamKind === 'divdisp') {
    const how = r.pick(['divergence', 'ranges', 'steps'])
    if (how === 'divergence') add('divergence', '-divergence', f(r.float(0.1, 3), 2))
    else {
      if (r.chance(0.8)) add('hdivrange', '-hdivrange', f(r.float(0.1, 3), 2))
      if (r.chance(0.8)) add('vdivrange', '-vdivrange', f(r.float(0.1, 3), 2))
    }
    if (how === 'steps' || r.chance(0.5)) {
      if (r.chance(0.5)) add('divsteps', '-divsteps', String(r.int(1, 5)))
      else {
        if (r.chance(0.7)) add('hdivsteps', '-hdivsteps', String(r.int(1, 5)))
        if (r.chance(0.7)) add('vdivsteps', '-vdivsteps', String(r.int(1, 5)))
      }
    } else if (r.chance(0.5)) {
      add('hdivstep', '-hdivstep', f(r.float(0.2, 1.5), 2))
      if (r.chance(0.5)) add('vdivstep', '-vdivstep', f(r.float(0.2, 1.5), 2))
    }
    if (r.chance(0.3)) add('div shape', r.pick(['-round_div', '-square_div']))
  }
  if (beamKind === 'disp' || beamKind === 'divdisp') {
    add('dispersion', '-dispersion', f(r.float(0.05, 3), 2))
    if (r.chance(0.7)) add('dispsteps', '-dispsteps', String(r.int(1, 5)))
  }
  // fluence
  const fl = r.pick(['none', 'none', 'fluence', 'flux'])
  if (fl === 'fluence') add('fluence', '-fluence', r.float(1e22, 1e26).toPrecision(3))
  if (fl === 'flux') {
    add('flux', '-flux', r.float(1e10, 1e13).toPrecision(3))
    if (r.chance(0.7)) add('exposure', '-exposure', f(r.float(0.1, 10), 2))
    if (r.chance(0.7)) add('beamsize', '-beamsize', f(r.float(0.01, 0.2), 3))
  } else if (r.chance(0.15)) add('beamsize', '-beamsize', f(r.float(0.0005, 0.2), 4))
  // polarization
  const pol = r.pick(['none', 'none', 'polar', 'nopolar'])
  if (pol === 'polar') add('polar', '-polar', f(r.float(-1, 1), 2))
  if (pol === 'nopolar') add('nopolar', '-nopolar')

  // mosaic
  if (r.chance(0.35)) {
    add('mosaic', r.pick(['-mosaic', '-mosaic_spread', '-mosaicity']), f(r.float(0, 2), 3))
    if (r.chance(0.8)) add('mosaic_domains', '-mosaic_domains', String(r.int(1, 10)))
    if (r.chance(0.5)) add('mosaic_seed', '-mosaic_seed', String(r.chance(0.1) ? -r.int(1, 99999) : r.int(1, 99999)))
  }
  // phi
  if (r.chance(0.35)) {
    if (r.chance(0.6)) add('phi', '-phi', f(r.pick([0, 0, r.float(-30, 30)]), 2))
    if (r.chance(0.7)) add('osc', '-osc', f(r.float(0.05, 3), 2))
    if (r.chance(0.5)) add('phistep', '-phistep', f(r.float(0.05, 1), 3))
    if (r.chance(0.5)) add('phisteps', '-phisteps', String(r.int(0, 4)))
  }

  // detector geometry
  const px = Number(f(r.pick([0.1, 0.1, 0.172, r.float(0.05, 0.3)]), 3))
  const big = r.chance(0.2) ? 80 : 40
  const fp = r.int(4, big)
  const sp = r.chance(0.6) ? fp : r.int(4, big)
  const dist = Number(f(r.float(40, 250), 1))
  if (r.chance(0.2)) {
    Object.assign(add('detsize', '-detsize', f(fp * px, 3)), {essential: true})
  } else if (fp === sp && r.chance(0.6)) {
    Object.assign(add('detpixels', '-detpixels', String(fp)), {essential: true})
  } else {
    Object.assign(add('detpixels_f', r.pick(['-detpixels_f', '-detpixels_x']), String(fp)), {essential: true})
    Object.assign(add('detpixels_s', r.pick(['-detpixels_s', '-detpixels_y']), String(sp)), {essential: true})
  }
  add('pixel', '-pixel', f(px, 3))
  if (conv === 'conv') add('convention', r.pick(CONVENTIONS))
  if (conv === 'custom') {
    const U = rotation(r)
    const small = (v: number[]): number[] => (r.chance(0.5) ? v : mul(U, v))
    const fd = small([0, 0, 1]),
      sd = small([0, -1, 0])
    add('fdet', '-fdet_vector', ...fd.map((x) => f(x, 5)))
    add('sdet', '-sdet_vector', ...sd.map((x) => f(x, 5)))
    if (r.chance(0.5))
      add('odet', '-odet_vector', ...[fd[1] * sd[2] - fd[2] * sd[1], fd[2] * sd[0] - fd[0] * sd[2], fd[0] * sd[1] - fd[1] * sd[0]].map((x) => f(x, 5)))
    if (r.chance(0.3)) add('beam_vector', '-beam_vector', '1', f(r.float(-0.05, 0.05), 4), f(r.float(-0.05, 0.05), 4))
    if (r.chance(0.3)) add('polar_vector', '-polar_vector', f(r.float(-0.1, 0.1), 3), f(r.float(-0.2, 0.2), 3), '1')
    if (r.chance(0.3)) add('spindle', '-spindle_axis', f(r.float(-0.2, 0.2), 3), f(r.float(-0.2, 0.2), 3), '1')
    if (r.chance(0.2)) add('twotheta_axis', '-twotheta_axis', '0', '1', '0')
    if (r.chance(0.1)) add('pix0', '-pix0_vector', '0.1', '0.01', '0.01')
    beam = [1, 0, 0]
  }
  const pos = r.pick(['distance', 'distance', 'close', 'none'])
  if (pos === 'distance') add('distance', '-distance', f(dist, 1))
  if (pos === 'close') add('close_distance', '-close_distance', f(dist, 1))
  const centre = r.pick(['none', 'none', 'beam', 'close', 'org'])
  const fmm = fp * px,
    smm = sp * px
  if (centre === 'beam') {
    if (r.chance(0.8)) add('Xbeam', '-Xbeam', f(r.float(0.2, 0.8) * smm, 3))
    if (r.chance(0.8)) add('Ybeam', '-Ybeam', f(r.float(0.2, 0.8) * fmm, 3))
  }
  if (centre === 'close') {
    if (r.chance(0.8)) add('Xclose', '-Xclose', f(r.float(0.2, 0.8) * fmm, 3))
    if (r.chance(0.8)) add('Yclose', '-Yclose', f(r.float(0.2, 0.8) * smm, 3))
  }
  if (centre === 'org') {
    if (r.chance(0.8)) add('ORGX', '-ORGX', f(r.float(0.2, 0.8) * fp, 2))
    if (r.chance(0.8)) add('ORGY', '-ORGY', f(r.float(0.2, 0.8) * sp, 2))
  }
  if (r.chance(0.25)) add('pivot', '-pivot', r.pick(['sample', 'beam']))
  if (r.chance(0.2)) add('twotheta', '-twotheta', f(r.float(-20, 20), 2))
  for (const a of ['-detector_rotx', '-detector_roty', '-detector_rotz']) if (r.chance(0.12)) add('rot', a, f(r.float(-10, 10), 2))
  if (r.chance(0.06)) add('curved', '-curved_det', r.pick(['1', 'yes']))
  if (r.chance(0.1)) add('point_pixel', '-point_pixel')
  // sensor
  if (r.chance(0.2)) {
    add('thick', '-detector_thick', f(r.float(10, 500), 1))
    if (r.chance(0.7)) add('abs', '-detector_abs', r.chance(0.2) ? 'inf' : f(r.float(50, 1000), 1))
    if (r.chance(0.7)) add('thicksteps', r.pick(['-detector_thicksteps', '-thicksteps']), String(r.int(1, 3)))
  }
  // sampling
  if (r.chance(0.6)) add('oversample', '-oversample', String(r.int(1, 3)))
  for (const a of ['-oversample_thick', '-oversample_polar', '-oversample_omega']) if (r.chance(0.08)) add('os flag', a)
  // region
  if (r.chance(0.15)) {
    const x0 = r.int(0, fp - 1),
      y0 = r.int(0, sp - 1)
    add('roi', '-roi', String(x0), String(r.int(x0, fp)), String(y0), String(r.int(y0, sp)))
  }
  if (r.chance(0.08) && !g.some((x) => x.tag === 'detsize')) {
    files['mask.img'] = smvFile(r, fp, sp, {
      mask: true,
      header: {
        PIXEL_SIZE: f(px, 3),
        ...(r.chance(0.4) ? {BEAM_CENTER_X: f(smm * r.float(0.3, 0.7), 3), BEAM_CENTER_Y: f(fmm * r.float(0.3, 0.7), 3), DISTANCE: f(dist, 1)} : {}),
      },
    })
    add('mask', '-mask', 'mask.img').files = ['mask.img']
  }
  if (r.chance(0.05)) {
    files['head.img'] = smvFile(r, fp, sp, {
      mask: false,
      header: {
        PIXEL_SIZE: f(px, 3),
        DISTANCE: f(dist, 1),
        WAVELENGTH: f(lambdaA, 4),
        BEAM_CENTER_X: f(smm / 2, 3),
        BEAM_CENTER_Y: f(fmm / 2, 3),
        PHI: '0',
        OSC_RANGE: f(r.float(0, 1), 2),
        CLOSE_DISTANCE: f(dist, 1),
      },
    })
    add('img', '-img', 'head.img').files = ['head.img']
  }
  // other physics
  if (r.chance(0.08)) add('water', '-water', f(r.float(1, 200), 1))
  if (r.chance(0.1)) add('dmin', '-dmin', f(r.float(1, 8), 2))
  // outputs and noise
  // noise only with a seed (upstream's default seed is the clock); the shrinker keeps either
  if (r.chance(0.5)) {
    // a negative seed is stored positive and does not reseed the shared generator table
    add('seed', '-seed', String(r.chance(0.1) ? -r.int(1, 99999) : r.int(1, 99999))).essential = true
    if (r.chance(0.3)) add('adc', '-adc', f(r.float(0, 100), 1))
  } else add('nonoise', '-nonoise').essential = true
  if (r.chance(0.15)) add('scale', '-scale', f(r.float(0.1, 1000), 2))
  if (r.chance(0.15)) add('pgmscale', '-pgmscale', f(r.float(0.1, 100), 2))
  else if (r.chance(0.2)) add('nopgm', '-nopgm')
  // flags upstream reads but never uses
  if (r.chance(0.05)) add('coherent', '-coherent')
  if (r.chance(0.05)) add('density', r.pick(['-density', '-sample_den']), f(r.float(0.5, 2), 2))
  if (r.chance(0.05)) add('MW', r.pick(['-MW', '-molec']), f(r.float(10, 1e5), 1))
  if (r.chance(0.03)) add('stolout', '-stolout', 'out.stol')
  if (r.chance(0.05)) add('progress', r.pick(['-noprogress', '-progress']))
  if (r.chance(0.03)) add('printout', '-printout')
  if (r.chance(0.03)) {
    files['water.stol'] = '0 2.57\n0.1 2.2\n0.3 1.5\n'
    add('stol', r.pick(['-stol', '-4stol', '-Q']), 'water.stol').files = ['water.stol']
  }

  // edge values upstream treats specially: zero counts (auto), zero spreads, exact beam centres
  if (r.chance(0.05)) add('edge', r.pick(['-oversample', '-phisteps', '-dispsteps', '-mosaic_domains', '-hdivsteps']), '0')
  if (r.chance(0.04)) add('edge', r.pick(['-mosaic', '-divergence', '-dispersion', '-fudge', '-default_F']), '0')
  if (r.chance(0.04)) add('edge', r.pick(['-polar']), r.pick(['1', '-1', '0']))
  if (r.chance(0.04)) add('edge', r.pick(['-Xbeam', '-Ybeam']), f((r.int(1, 2 * fp - 1) / 2) * px, 4))
  if (r.chance(0.03)) add('edge', r.pick(['-detector_absorb', '-detector_abs']), r.pick(['0', 'inf', '1e9']))
  // a flag given twice: the later value wins
  if (r.chance(0.12) && g.length > 2) {
    const dup = g[r.int(0, g.length - 1)]
    const v = dup.args[1]
    if (!dup.essential && !dup.files && dup.args.length === 2 && /^-?[\d.]+$/.test(v))
      add(dup.tag, dup.args[0], /^-?\d+$/.test(v) ? String(Math.max(1, Math.round(Number(v) * r.float(0.5, 1.5)))) : f(Number(v) * r.float(0.5, 1.5), 4))
  }

  // shuffle the non-essential order a little (later flags override earlier ones)
  for (let i = g.length - 1; i > 0; i--) {
    if (!r.chance(0.15)) continue
    const j = r.int(0, i)
    ;[g[i], g[j]] = [g[j], g[i]]
  }
  return {id, groups: g, files, threads: r.chance(0.1) ? 2 : 1}
}
