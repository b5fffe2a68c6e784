// The files a nanoBragg command line reads and writes, as nanoBragg's own parser sees them
// (src/sim/cli.ts: substring matching, last occurrence wins, default output names). Used to check
// outputs before a run (never a device, never one of the run's inputs) and to hand an external
// program, which runs in a folder of its own, input paths that still point at the user's files.
import {isAbsolute, resolve} from 'node:path'
import {parseArgs, type ParsedArgs} from '../sim/cli.js'
import type {PathRole} from '../util/files.js'

type InputKey = 'hklfilename' | 'matfilename' | 'sourcefilename' | 'imginfile' | 'maskfile' | 'stolfilename'

/** The flag (as matched by substring) that names each input file. */
const INPUTS: Record<InputKey, string[]> = {
  hklfilename: ['-hkl'],
  matfilename: ['-mat'],
  sourcefilename: ['-sourcefile'],
  imginfile: ['-img'],
  maskfile: ['-mask'],
  stolfilename: ['-stol', '-4stol', '-Q'],
}

export interface NanoBraggFiles {
  inputs: PathRole[]
  /** written by a full image run (not by a traced pixel alone) */
  images: PathRole[]
}

function parsed(args: string[]): ParsedArgs | null {
  try {
    return parseArgs(args, {timeSeed: 0})
  } catch {
    // the engines report bad arguments themselves, with their own message
    return null
  }
}

export function nanoBraggFiles(args: string[], cwd: string): NanoBraggFiles {
  const p = parsed(args)
  if (!p) return {inputs: [], images: []}
  const abs = (f: string): string => (isAbsolute(f) ? f : resolve(cwd, f))
  const inputs: PathRole[] = []
  for (const [key, flags] of Object.entries(INPUTS) as [InputKey, string[]][]) {
    const v = p[key]
    if (v !== null) inputs.push({path: abs(v), field: flags[0]})
  }
  const images: PathRole[] = [
    {path: abs(p.floatfilename), field: '-floatfile'},
    {path: abs(p.intfilename), field: '-intfile'},
  ]
  if (p.writePgm) images.push({path: abs(p.pgmfilename), field: '-pgmfile'})
  if (p.calculateNoise) images.push({path: abs(p.noisefilename), field: '-noisefile'})
  return {inputs, images}
}

/**
 * The same arguments with every relative input path made absolute (against cwd), for a program
 * that runs in another folder. A value is rewritten only where it follows a flag that names it.
 */
export function absoluteInputs(args: string[], cwd: string): string[] {
  const p = parsed(args)
  if (!p) return [...args]
  const out = [...args]
  for (const [key, flags] of Object.entries(INPUTS) as [InputKey, string[]][]) {
    const v = p[key]
    if (v === null || isAbsolute(v)) continue
    for (let i = 1; i < out.length; i++) {
      if (args[i] === v && flags.some((f) => args[i - 1].includes(f))) out[i] = resolve(cwd, v)
    }
  }
  return out
}
