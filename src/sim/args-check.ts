// Checks nanoBragg arguments before an engine runs, against the flag table (src/sim/flags.ts).
// The reference reads them with atof/atoi and strstr and never complains: a missing or
// non-numeric value silently becomes 0 (-distance xyz: a zero distance, an endless
// auto-oversample), -detpixels -5 a negative image. nbtrace refuses those with one line (exit 2)
// before anything is computed or written, refuses the flags the table marks as refused, warns
// when one argument fires a second flag with another meaning (upstream's substring match), and
// warns (without changing what the engines do, as nanoBragg ignores them) on unknown flags.
import {closeSync, openSync, readSync} from 'node:fs'
import {resolve} from 'node:path'
import {firedEntries, parseArgs} from './cli.js'
import {parseTest, type FlagSpec, type ValueKind} from './flags.js'
import {checkPixelCount} from './limits.js'
import {InputError} from '../util/errors.js'

export {checkPixelCount, MAX_PIXELS} from './limits.js'

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/
const SPECIAL = /^[+-]?(?:inf(?:inity)?|nan)$/i

const isNumber = (v: string): boolean => NUMBER.test(v) || SPECIAL.test(v)
const looksLikeFlag = (v: string): boolean => v.startsWith('-') && !isNumber(v)

export interface ArgsCheck {
  warnings: string[]
}

/** The table entry that names this argument: an exact test, else the longest test contained. */
function primaryOf(entries: readonly FlagSpec[], a: string): {spec: FlagSpec; flag: string} | null {
  let best: {spec: FlagSpec; flag: string} | null = null
  for (const spec of entries) {
    for (const t of spec.tests) {
      const p = parseTest(t)
      if (!a.includes(p.flag)) continue
      if (p.exact && a !== p.flag) continue
      if (p.len !== null && a.length !== p.len) continue
      if (p.longer !== null && a.length <= p.longer) continue
      if (a === p.flag) return {spec, flag: p.flag}
      if (!best || p.flag.length > best.flag.length) best = {spec, flag: p.flag}
    }
  }
  return best
}

/** Input files the engines read, with the role named in the engines' errors. */
const INPUTS: Record<string, string> = {hklfilename: 'hkl', matfilename: 'matrix', sourcefilename: 'sourcefile', imginfile: 'img', stolfilename: 'stol'}

/** Throws the one-line error both engines should give when an input file cannot be read. */
function checkInput(role: string, flag: string, file: string, cwd: string): void {
  try {
    const fd = openSync(resolve(cwd, file), 'r')
    try {
      readSync(fd, Buffer.alloc(1), 0, 1, 0)
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code
    throw new InputError(`cannot read ${role} file '${file}': ${why}`, {file, field: flag})
  }
}

function target(s: FlagSpec): string {
  const a = s.action
  return a.do === 'special' ? a.name : 'to' in a ? JSON.stringify(a.to) : a.do
}

/**
 * Refuses what nanoBragg would silently turn into zeros or garbage: a flag at the end without its
 * value, a value that is not a number, a detector size that is not positive, a detector too large
 * to allocate. Unknown flags and stray words are warnings (nanoBragg ignores them; so do the engines).
 */
export function checkNanoBraggArgs(args: string[], cwd?: string): ArgsCheck {
  const warnings: string[] = []
  const all = firedEntries(args)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (!a.startsWith('-') || isNumber(a)) {
      warnings.push(`argument ${i + 1} '${a}' is not a nanoBragg flag or a flag's value: ignored (as nanoBragg does)`)
      continue
    }
    const named = primaryOf(all.matching[i], a)
    if (!named) {
      warnings.push(`unknown nanoBragg flag ${a}: ignored (as nanoBragg does)`)
      continue
    }
    const spec = named.spec
    if (spec.action.do === 'refuse') throw new InputError(`${a}: ${spec.action.why}`, {field: a})
    let want: ValueKind[]
    if (spec.values === 'cell') {
      // 1 to 6 numbers, up to the next flag
      let n = 0
      while (n < 6 && i + 1 + n < args.length && !looksLikeFlag(args[i + 1 + n])) n++
      want = Array(Math.max(n, 1)).fill('num')
    } else if (spec.values === 'misset') {
      want = args[i + 1] !== undefined && args[i + 1].includes('rand') ? ['word'] : ['num', 'num', 'num']
    } else want = spec.values
    if (spec.need > want.length && args.length <= i + spec.need) {
      throw new InputError(`${a} needs an argument after it: as the last argument nanoBragg ignores it`, {field: a})
    }
    for (let k = 0; k < want.length; k++) {
      const v = args[i + 1 + k]
      const what = want.length === 1 ? 'a value' : `${want.length} values`
      if (v === undefined)
        throw new InputError(`missing value: ${a} needs ${what}, found ${k === 0 ? 'nothing' : `only ${k}`} (nanoBragg would ignore the flag)`, {field: a})
      if (want[k] === 'file' || want[k] === 'word') {
        if (looksLikeFlag(v)) throw new InputError(`missing value: ${a} needs ${want[k] === 'file' ? 'a file name' : what}, found the flag ${v}`, {field: a})
        continue
      }
      if (looksLikeFlag(v)) throw new InputError(`missing value: ${a} needs ${what}, found the flag ${v}`, {field: a})
      const ok = want[k] === 'int' ? INTEGER.test(v) : isNumber(v)
      if (!ok) {
        const expected = want[k] === 'int' ? 'an integer' : 'a number'
        throw new InputError(`expected ${expected}, found '${v}' (nanoBragg would read ${want[k] === 'int' ? 'atoi' : 'atof'}('${v}'), silently)`, {field: a})
      }
      if ((/^-det(size|pixels)/.test(named.flag) || named.flag === '-pixel') && !(Number(v) > 0))
        throw new InputError(`detector size must be positive, found ${v}`, {field: a})
    }
    if (spec.action.do === 'special' && spec.action.name === 'detector_abs') {
      const v = args[i + 1]
      if (!isNumber(v) && !v.includes('inf')) throw new InputError(`expected a number or inf, found '${v}'`, {field: a})
    }
    // a second entry with another meaning fires for the same argument (substring matching)
    for (const other of all.fired[i]) {
      if (other === spec || other.role !== 'physics' || target(other) === target(spec)) continue
      const otherFlag = other.tests.map((t) => parseTest(t).flag).find((f) => a.includes(f)) ?? other.tests[0]
      warnings.push(
        otherFlag === a
          ? `${a} is also read by a second test of nanoBragg's parser (it matches flags by substring): ${other.doc}`
          : `${a} also acts as ${otherFlag} (nanoBragg matches flags by substring): ${other.doc}`,
      )
    }
    if (cwd !== undefined && spec.action.do === 'str' && INPUTS[spec.action.to[0]] && want.length === 1)
      checkInput(INPUTS[spec.action.to[0]], a, args[i + 1], cwd)
    if (cwd !== undefined && named.flag === '-mask' && args[i + 1] !== undefined) checkInput('mask', a, args[i + 1], cwd)
    i += want.length
  }
  // the detector the engines will allocate (-img/-mask headers may set it: left to the engine)
  if (!args.some((a) => a.includes('-img') || a.includes('-mask'))) {
    const p = parseArgs(args, {timeSeed: 0})
    const f = p.fpixels > 0 ? p.fpixels : Math.ceil(p.detsizeF / p.pixelSize)
    const s = p.spixels > 0 ? p.spixels : Math.ceil(p.detsizeS / p.pixelSize)
    checkPixelCount(f, s)
  }
  return {warnings}
}
