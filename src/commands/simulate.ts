import {resolve} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {makeChalk, Progress} from '../cli/output.js'
import type {EngineSummary} from '../engines/engine.js'
import {nanoBraggFiles} from '../engines/files.js'
import {loadEngine} from '../engines/load.js'
import {checkNanoBraggArgs} from '../sim/args-check.js'
import {loadFaults, type FaultEntry} from '../sim/quirks.js'
import {InputError} from '../util/errors.js'
import {checkOutputs} from '../util/files.js'
import {parsePixel} from '../util/parse.js'

export interface SimulateRunJson {
  engine: 'ts' | 'c'
  mode: 'image' | 'trace'
  args: string[]
  threads: number
  fixes: string[]
  faults: string[]
  pixel: {slow: number; fast: number} | null
  outputs: string[]
  summary: EngineSummary | null
  warnings: string[]
  elapsedMs: number
}

export type SimulateJson = SimulateRunJson | {fixes?: FaultEntry[]; faults?: FaultEntry[]}

function idList(v: string | undefined): string[] {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : []
}

export default class Simulate extends BaseCommand {
  static override description = `Run a nanoBragg simulation with the TypeScript (default) or the C engine

nanoBragg arguments go after "--" and behave as in nanoBragg (same flags, defaults and quirks);
the files nanoBragg would write are written relative to the current directory. With
--trace-pixel only that pixel is computed and a contract trace is written to --trace-out.`
  static override examples = [
    '<%= config.bin %> simulate -- -cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -distance 100 -detpixels 64 -N 5 -nopgm -nonoise',
    '<%= config.bin %> simulate --threads 4 -- -cell 100 100 100 90 90 90 -default_F 100 -detpixels 1024 -N 5',
    '<%= config.bin %> simulate --trace-pixel 33,33 --trace-out ts.jsonl -- -cell 100 100 100 90 90 90 -default_F 100 -detpixels 64 -N 5',
    '<%= config.bin %> simulate --inject steps-no-oversample2 -- -cell 100 100 100 90 90 90 -default_F 100 -detpixels 64 -N 5 -oversample 2',
    '<%= config.bin %> simulate --list-faults',
  ]
  static override strict = false
  static override flags = {
    engine: Flags.string({description: 'simulator engine', options: ['ts', 'c'], default: 'ts'}),
    threads: Flags.integer({
      description: 'threads over detector rows, the image stays bit-identical (default: 1 for ts; for c, NBTRACE_THREADS or OMP_NUM_THREADS, else every CPU)',
      min: 1,
    }),
    fix: Flags.string({description: 'reference quirks to switch to the physically intended behaviour (comma-separated ids, see --list-fixes)'}),
    inject: Flags.string({description: 'planted porting faults (comma-separated ids, see --list-faults)'}),
    'trace-pixel': Flags.string({description: 'trace only this pixel, given as SLOW,FAST'}),
    'trace-out': Flags.string({description: 'trace file to write with --trace-pixel'}),
    'list-fixes': Flags.boolean({description: 'list the quirk fixes (id, class, first divergent variable)'}),
    'list-faults': Flags.boolean({description: 'list the plantable faults (id, class, first divergent variable)'}),
  }

  async run(): Promise<SimulateJson> {
    const {flags, argv} = await this.parse(Simulate)
    if (flags['list-fixes'] || flags['list-faults']) {
      const f = loadFaults()
      const out: {fixes?: FaultEntry[]; faults?: FaultEntry[]} = {}
      if (flags['list-fixes']) out.fixes = f.fixes
      if (flags['list-faults']) out.faults = f.faults
      const columns = [
        {header: 'id', min: Number.POSITIVE_INFINITY},
        {header: 'class'},
        {header: 'first divergence'},
        {header: 'what it does', prose: true},
        {header: 'needs', prose: true},
      ]
      // the table code (string-width, wrap-ansi: ~40 ms to load) only when a table is printed
      const [{renderTable}, {outputWidth}] = await Promise.all([import('../cli/table.js'), import('../cli/terminal.js')])
      for (const [title, list] of Object.entries(out) as [string, FaultEntry[]][]) {
        this.say(title === 'fixes' ? 'Quirk fixes (--fix; docs/quirks.md):' : 'Planted faults (--inject):')
        this.say(
          renderTable(
            columns,
            list.map((e) => [e.id, e.class, e.variable, e.description, e.needs || '-']),
            {width: outputWidth(), chalk: makeChalk()},
          ),
        )
      }
      return out
    }
    // everything after "--" verbatim (the flag parser would reorder nanoBragg's own flags)
    const args = this.passThrough(argv)
    if (args.length === 0) throw new InputError('no nanoBragg arguments: give them after "--"', {field: 'args'})
    const fixes = idList(flags.fix)
    const faults = idList(flags.inject)
    const pixel = flags['trace-pixel'] ? parsePixel(flags['trace-pixel'], '--trace-pixel') : null
    if (pixel && !flags['trace-out']) throw new InputError('--trace-pixel needs --trace-out FILE', {field: '--trace-out'})
    if (!pixel && flags['trace-out']) throw new InputError('--trace-out needs --trace-pixel SLOW,FAST', {field: '--trace-pixel'})
    const engineName = flags.engine as 'ts' | 'c'
    // the C engine has a few planted faults (the engine refuses the others) and no quirk fixes
    if (engineName === 'c' && fixes.length) throw new InputError('--fix applies to the ts engine only', {field: '--engine'})
    const engine = await loadEngine(engineName, '--engine')
    const threads = flags.threads ?? (engineName === 'c' ? (await import('../engines/c.js')).cDefaultThreads() : 1)
    // one-line refusal of missing/non-numeric values and impossible detectors before any work;
    // unknown flags are warnings (nanoBragg ignores them, and so do both engines)
    const argWarnings = checkNanoBraggArgs(args, process.cwd()).warnings
    // outputs replace only regular files, and never one of the run's inputs
    const files = nanoBraggFiles(args, process.cwd())
    checkOutputs(pixel ? [{path: resolve(flags['trace-out']!), field: '--trace-out'}] : files.images, files.inputs)
    for (const w of argWarnings) process.stderr.write(`nbtrace: warning: ${w}\n`)
    const progress = new Progress('nbtrace simulate')
    const started = Date.now()
    const res = await engine.run({
      args,
      cwd: process.cwd(),
      fixes,
      faults,
      threads,
      tracePixel: pixel ?? undefined,
      traceOut: flags['trace-out'],
      onProgress: (f) => progress.update(f),
    })
    progress.done()
    const elapsedMs = Date.now() - started
    for (const w of res.warnings) process.stderr.write(`nbtrace: warning: ${w}\n`)
    const s = res.summary
    if (pixel) {
      this.say(`traced pixel ${pixel.slow},${pixel.fast} -> ${res.outputs.join(', ')}`)
    } else if (s) {
      this.say(`${s.fpixels}x${s.spixels} pixels, ${s.sources} source${s.sources === 1 ? '' : 's'}, ${s.steps} steps, oversample ${s.oversample}`)
      this.say(`max ${s.maxI.toPrecision(6)}  mean ${s.meanI.toPrecision(6)} photons/pixel  (${(elapsedMs / 1000).toFixed(2)} s)`)
    }
    if (!pixel && res.outputs.length) this.say(`wrote ${res.outputs.join(', ')}`)
    return {
      engine: engineName,
      mode: pixel ? 'trace' : 'image',
      args,
      threads,
      fixes,
      faults,
      pixel,
      outputs: res.outputs,
      summary: pixel ? null : s,
      warnings: [...argWarnings, ...res.warnings],
      elapsedMs,
    }
  }
}
