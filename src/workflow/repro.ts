// repro.sh of an evidence folder: the same nbtrace, the same pixel, the same sides and arguments,
// runnable from any folder. It calls the CLI that made the evidence by absolute path (node, its
// loader options and the script), or `nbtrace` when that is what PATH finds for the same script;
// never `npx nbtrace`, which outside the project asks the registry.
import {existsSync, realpathSync} from 'node:fs'
import {delimiter, isAbsolute, join} from 'node:path'
import type {PixelIndex} from '../util/parse.js'
import {shellQuote} from './template.js'

function real(p: string): string | null {
  try {
    return realpathSync(p)
  } catch {
    return null
  }
}

/** The words that start this very CLI from anywhere. */
export function currentCli(): string[] {
  const script = process.argv[1] ? real(process.argv[1]) : null
  if (!script) return ['nbtrace']
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    // npx and npm scripts put a project's node_modules/.bin on PATH for one run only
    if (!d || /node_modules[\\/]\.bin[\\/]?$/.test(d)) continue
    const p = join(d, 'nbtrace')
    if (existsSync(p) && real(p) === script) return ['nbtrace']
  }
  // loader options name packages (--import tsx) that resolve only from the project: pin them
  const opts = process.execArgv.map((a, i, all) => {
    const prev = all[i - 1]
    if ((prev === '--import' || prev === '--loader') && !isAbsolute(a) && !/^[a-z]+:/.test(a) && !a.startsWith('.')) {
      try {
        return import.meta.resolve(a)
      } catch {
        return a
      }
    }
    return a
  })
  return [process.execPath, ...opts, script]
}

/** Flags of `trace` that repro.sh sets itself. */
const OWN = new Set(['--pixel', '--out', '--json'])

export function reproScript(o: {cli: string[]; cwd: string; argv: string[]; pixel: PixelIndex; outDir: string}): string {
  const q = (xs: string[]) => xs.map(shellQuote).join(' ')
  const dd = o.argv.indexOf('--')
  const flags = dd >= 0 ? o.argv.slice(0, dd) : o.argv
  const rest = dd >= 0 ? o.argv.slice(dd) : []
  const kept: string[] = []
  for (let i = 0; i < flags.length; i++) {
    const name = flags[i].split('=')[0]
    if (OWN.has(name)) {
      if (!flags[i].includes('=') && name !== '--json') i++
      continue
    }
    kept.push(flags[i])
  }
  return [
    '#!/bin/sh',
    '# Reproduces this nbtrace run: the same pixel, the same sides, the same arguments.',
    '# Usage: repro.sh [OUT]  (OUT: a new evidence folder; default: this folder, replaced).',
    '# Runs from any folder: relative paths in the command are those of the folder it cds to.',
    'set -e',
    `out=\${1:-${shellQuote(o.outDir)}}`,
    `case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac`,
    `cd ${shellQuote(o.cwd)}`,
    `exec ${q(o.cli)} trace ${q([...kept, '--pixel', `${o.pixel.slow},${o.pixel.fast}`])} --out "$out"${rest.length ? ' ' + q(rest) : ''}`,
    '',
  ].join('\n')
}
