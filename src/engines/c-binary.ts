// Where the C engine's binary is, and building it on first use. npm builds it at install
// (scripts/build-c.js as postinstall); when that did not happen (install scripts skipped, no
// compiler then) the first C-engine command builds it from the shipped sources with the same
// script, saying so in one line on stderr, or gets that script's one-line reason why it cannot.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {PACKAGE_ROOT} from '../util/paths.js'

export const C_BINARY_DEFAULT = join(PACKAGE_ROOT, 'instrumented-c', 'build', 'nanobragg-nbtrace')

/** Path of the traced binary (override with NBTRACE_C_BINARY). */
export function cBinaryPath(): string {
  return process.env.NBTRACE_C_BINARY || C_BINARY_DEFAULT
}

let lastAttempt: {binary: string; reason: string | null} | null = null

/**
 * null when the binary is there (after building it if needed), else one line saying why the C
 * engine is unavailable. The build is attempted once per process.
 */
export function ensureCBinary(): string | null {
  const binary = cBinaryPath()
  if (existsSync(binary)) return null
  if (process.env.NBTRACE_C_BINARY) return `C engine not found: NBTRACE_C_BINARY=${binary} does not exist`
  if (lastAttempt?.binary === binary) return lastAttempt.reason
  const script = join(PACKAGE_ROOT, 'scripts', 'build-c.js')
  let reason: string | null
  if (!existsSync(script)) {
    reason = 'C engine not built and this installation has no build script (scripts/build-c.js)'
  } else {
    const build = (args: string[]): {ok: boolean; line: string; error?: Error} => {
      const r = spawnSync(process.execPath, [script, ...args], {encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe']})
      const line =
        (r.stderr ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '')
          .pop() ?? ''
      return {ok: r.status === 0, line, error: r.error}
    }
    // say "building" only when a build can start (no compiler: the reason alone, in one line)
    let r = build(['--check'])
    if (r.ok) {
      process.stderr.write('nbtrace: building the C engine from its sources (first use; a few seconds)…\n')
      r = build([])
    }
    const line = r.line
    if (existsSync(binary)) {
      if (line) process.stderr.write(`${line}\n`)
      reason = null
    } else {
      reason = line.replace(/^nbtrace: /, '') || `C engine not built: ${r.error?.message ?? 'the build script failed'}`
    }
  }
  lastAttempt = {binary, reason}
  return reason
}
