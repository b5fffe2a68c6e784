// nanoBragg arguments as reduce edits them, read through the one flag table (src/sim/flags.ts):
// the command line split into spans (a flag and the values it reads, or a stray word), what each
// span sets (the parser's fields), and edits that remove every span setting a field and append
// new flags. Later arguments override earlier ones in nanoBragg's parser, so an appended flag
// wins; removing the old spans as well keeps the minimal command line free of dead values.
import {firedEntries} from '../sim/cli.js'
import {FLAGS, flagMatches, type FlagSpec} from '../sim/flags.js'

export interface Span {
  /** index of the first word */
  start: number
  /** number of words (the flag and its values) */
  length: number
  /** the table entries that fire for this word (empty: a word nanoBragg ignores) */
  specs: FlagSpec[]
}

const looksLikeFlag = (v: string | undefined): boolean => v !== undefined && v.startsWith('-') && !/^[+-]?(?:\d|\.\d|inf|nan)/i.test(v)

/** How many values follow the flag at i, as the entry reads them. */
function valueCount(spec: FlagSpec, args: string[], i: number): number {
  if (spec.values === 'cell') {
    let n = 0
    while (n < 6 && i + 1 + n < args.length && !looksLikeFlag(args[i + 1 + n])) n++
    return n
  }
  if (spec.values === 'misset') return args[i + 1]?.includes('rand') ? 1 : 3
  return spec.values.length
}

/** The arguments as spans, in order. */
export function spans(args: string[]): Span[] {
  const {fired} = firedEntries(args)
  const out: Span[] = []
  for (let i = 0; i < args.length;) {
    const specs = fired[i] ?? []
    const n = specs.length ? Math.max(...specs.map((s) => valueCount(s, args, i))) : 0
    const length = Math.min(1 + n, args.length - i)
    out.push({start: i, length, specs})
    i += length
  }
  return out
}

/** The parser fields an entry sets (its action's targets and side effects). */
export function fieldsOf(spec: FlagSpec): string[] {
  const a = spec.action
  const out: string[] = []
  switch (a.do) {
    case 'num':
    case 'int':
    case 'negint':
    case 'str':
    case 'const':
      out.push(...a.to)
      break
    case 'vec3':
    case 'ints':
      out.push(a.to)
      break
    case 'special':
      out.push(
        ...(
          {
            cell: ['cell'],
            misset_random: ['misset'],
            misset_angles: ['misset'],
            detector_abs: ['detectorAbs', 'detectorMu', 'detectorThick'],
            pivot: ['pivot'],
          } as const
        )[a.name],
      )
      break
    case 'refuse':
    case 'none':
      break
  }
  for (const [f] of spec.also ?? []) out.push(f)
  return out
}

/** Does any span of the arguments set one of these fields? */
export function setsAny(args: string[], fields: readonly string[]): boolean {
  return spans(args).some((s) => s.specs.some((spec) => fieldsOf(spec).some((f) => fields.includes(f))))
}

/** The arguments without every span that sets one of these fields. */
export function withoutFields(args: string[], fields: readonly string[]): string[] {
  const out: string[] = []
  for (const s of spans(args)) {
    if (s.specs.some((spec) => fieldsOf(spec).some((f) => fields.includes(f)))) continue
    out.push(...args.slice(s.start, s.start + s.length))
  }
  return out
}

/** The value words of the last span setting this field (as nanoBragg keeps the last), or null. */
export function lastValue(args: string[], field: string): string[] | null {
  let found: string[] | null = null
  for (const s of spans(args)) {
    if (s.specs.some((spec) => fieldsOf(spec).includes(field))) found = args.slice(s.start + 1, s.start + s.length)
  }
  return found
}

/** The entries that fire for a flag written alone (to check what an added flag does). */
export function entriesFor(flag: string): FlagSpec[] {
  return FLAGS.filter((f) => flagMatches(f, flag))
}

/** An edit of the arguments: drop what sets `remove`, then append `add`. */
export interface ArgEdit {
  remove: readonly string[]
  add: readonly string[]
}

export function applyEdit(args: string[], e: ArgEdit): string[] {
  return [...withoutFields(args, e.remove), ...e.add]
}
