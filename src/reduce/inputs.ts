// The input files of a reduction. Every file the nanoBragg arguments read (the flag table's input
// flags: -hkl, -mat, -sourcefile, -img, -mask, and the -stol tables nanoBragg reads and ignores) is
// copied into the evidence folder being staged, and the trials name those copies, next to the
// reduced ones reduce writes there; the minimal command line then runs from the evidence folder
// alone. The trials name them by absolute path: {cwd} of a command template stays the user's
// folder, as in `trace`.
import {copyFileSync, existsSync} from 'node:fs'
import {basename, isAbsolute, join, resolve, sep} from 'node:path'
import {InputError} from '../util/errors.js'
import {fieldsOf, spans} from './args.js'

/** Indices of the argument words that name input files, with the flag naming each. */
export function inputWords(args: string[]): {index: number; flag: string}[] {
  const out: {index: number; flag: string}[] = []
  for (const s of spans(args)) {
    if (s.length < 2) continue
    const reads = s.specs.some((spec) => spec.role === 'input' || fieldsOf(spec).includes('stolfilename'))
    if (reads) out.push({index: s.start + 1, flag: args[s.start]})
  }
  return out
}

/** Names of the evidence folder's own files: an input copy never takes one. */
export const RESERVED = ['ref.jsonl', 'cand.jsonl', 'report.json', 'diff.patch', 'repro.sh', 'reduce.json', 'manifest.json']

/** Copies the input files into dir (one name per distinct file) and returns the arguments naming the copies. */
export function localizeInputs(args: string[], cwd: string, dir: string): string[] {
  const out = [...args]
  const named = new Map<string, string>()
  const used = new Set<string>(RESERVED)
  for (const w of inputWords(args)) {
    const src = isAbsolute(args[w.index]) ? args[w.index] : resolve(cwd, args[w.index])
    let name = named.get(src)
    if (!name) {
      const b = basename(src).replace(/^\.+/, '') || 'input'
      name = b
      // trial-N.* are the trials' traces
      for (let i = 2; used.has(name) || name.startsWith('trial-'); i++) name = `${i}-${b}`
      if (!existsSync(src)) throw new InputError('no such file', {file: args[w.index], field: w.flag})
      try {
        copyFileSync(src, join(dir, name))
      } catch (e) {
        throw new InputError(`cannot copy into the evidence folder: ${(e as Error).message}`, {file: args[w.index], field: w.flag})
      }
      used.add(name)
      named.set(src, name)
    }
    out[w.index] = join(dir, name)
  }
  return out
}

/** The names (inside dir) of the files the arguments read from dir. */
export function filesIn(args: string[], dir: string): string[] {
  const prefix = dir.endsWith(sep) ? dir : dir + sep
  return [
    ...new Set(
      inputWords(args)
        .map((w) => args[w.index])
        .filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length)),
    ),
  ]
}

/** The arguments with paths inside dir written relative to it (how the evidence folder runs them). */
export function relativeTo(args: string[], dir: string): string[] {
  const prefix = dir.endsWith(sep) ? dir : dir + sep
  const words = new Set(inputWords(args).map((w) => w.index))
  return args.map((a, i) => (words.has(i) && a.startsWith(prefix) ? a.slice(prefix.length) : a))
}
