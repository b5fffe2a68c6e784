// Runs the nbtrace CLI as a user would, capturing output and exit code. Every test that starts the
// CLI starts it through CLI below.
import {spawn} from 'node:child_process'
import {createReadStream, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import * as AjvModule from 'ajv/dist/2020.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** tsx's ESM entry from this package (what `--import tsx` resolves to), usable from any cwd. */
export const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

/**
 * The command line that starts nbtrace. By default the built package: bin/run.js over dist/, what
 * `npx nbtrace` runs (test/helpers/build.ts makes dist/ current before the suite; a run costs
 * ~0.25 s of CPU). NBTRACE_TEST_FROM_SRC=1 runs the TypeScript sources through tsx instead
 * (bin/dev.js: nothing to build, ~0.5 s more per run). tsx is resolved from this package, so the
 * CLI also runs with a cwd outside the repository.
 */
export const CLI: readonly string[] = process.env.NBTRACE_TEST_FROM_SRC
  ? [process.execPath, '--import', TSX_LOADER, join(ROOT, 'bin', 'dev.js')]
  : [process.execPath, join(ROOT, 'bin', 'run.js')]

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a process to its end, capturing its output; `stdin` is a file streamed to it. */
export function runProcess(
  argv: readonly string[],
  opts: {cwd?: string; env?: Record<string, string>; timeoutMs?: number; stdin?: string} = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd ?? ROOT,
      env: {...process.env, NO_COLOR: '1', ...opts.env},
      stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    // decoded as a stream: a chunk boundary inside a multi-byte character (a box-drawing ─) must
    // not turn it into replacement characters
    child.stdout!.setEncoding('utf8')
    child.stderr!.setEncoding('utf8')
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    child.on('error', reject)
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr})
    })
    if (opts.stdin) createReadStream(opts.stdin).pipe(child.stdin!)
  })
}

/** Runs nbtrace (CLI) with these arguments. */
export function runCli(args: string[], opts: {cwd?: string; env?: Record<string, string>; timeoutMs?: number; stdin?: string} = {}): Promise<CliResult> {
  return runProcess([...CLI, ...args], opts)
}

type AjvClass = typeof AjvModule.Ajv2020
const Ajv2020: AjvClass = (AjvModule as unknown as {default: AjvClass}).default

/** Validates data against schemas/NAME (all schema files are loaded so $refs resolve). */
export function validateAgainst(name: string, data: unknown): string | null {
  const ajv = new Ajv2020({strict: false, allErrors: true})
  for (const f of ['config.schema.json', 'trace.schema.json']) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8')), f)
  const v = ajv.getSchema(name) ?? ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')))
  return v(data) ? null : ajv.errorsText(v.errors)
}
