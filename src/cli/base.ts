// Base class of every nbtrace command: --json on every command, exit codes
// (0 agree/pass, 1 divergence/fail, 2 bad input, usage or any unexpected error, 3 a side of
// `trace` failed; 129/130/143 when ended by SIGHUP/SIGINT/SIGTERM) and one-line errors.
import {Command} from '@oclif/core'
import {runCleanups, SIGNAL_EXIT, watch} from '../util/cleanup.js'
import {EngineFailure, InputError} from '../util/errors.js'

let signalsWatched = false

/**
 * SIGINT, SIGTERM and SIGHUP all end a run the same way: every registered cleanup runs (temporary
 * files, staging folders, locks, child process groups), then the process ends by the same signal,
 * so the shell sees what it sent. Only the CLI does this; library code never ends the process.
 * The handlers are installed only while there is something to clean up (see util/cleanup.ts).
 */
function watchSignals(): void {
  if (signalsWatched) return
  signalsWatched = true
  const sigs = Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[]
  const handler = (sig: keyof typeof SIGNAL_EXIT): void => {
    for (const s of sigs) process.removeListener(s, handler)
    runCleanups()
    process.exitCode = SIGNAL_EXIT[sig]
    // with our handler gone the default action (end by this signal) applies again
    process.kill(process.pid, sig)
    setTimeout(() => process.exit(SIGNAL_EXIT[sig]), 200).unref()
  }
  watch((active) => {
    for (const s of sigs) {
      process.removeListener(s, handler)
      if (active) process.on(s, handler)
    }
  })
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  override async init(): Promise<void> {
    watchSignals()
    await super.init()
  }

  /** Sets the process exit code (0, 1, or 3) without cutting the output short. */
  protected setExit(code: 0 | 1 | 3): void {
    process.exitCode = code
  }

  /**
   * The nanoBragg arguments: everything after "--", verbatim and in order (oclif's own argv
   * reorders repeated values when strict is off, so it is not used for pass-through arguments).
   */
  protected passThrough(parsedArgv: unknown[]): string[] {
    const dd = this.argv.indexOf('--')
    return dd >= 0 ? this.argv.slice(dd + 1) : (parsedArgv as string[])
  }

  /** Human output only when not --json. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(text)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    const json = this.jsonEnabled()
    let message: string
    let payload: Record<string, unknown>
    if (err instanceof InputError) {
      message = err.oneLine()
      payload = err.toJSON()
    } else if (err instanceof EngineFailure) {
      message = err.message
      payload = {code: 'engine', message, file: null, line: null, field: null}
    } else if (err.oclif?.exit === 0) {
      throw err
    } else if (err.oclif !== undefined || /flag|argument|Unexpected|Missing|Expected/.test(err.message ?? '')) {
      // oclif spreads one usage error over lines ("Parsing --timeout\n\tExpected ..."): one line
      message = String(err.message)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^See more help/.test(l))
        .slice(0, 2)
        .join(': ')
      payload = {code: 'usage', message, file: null, line: null, field: null}
    } else {
      // a bug or an unforeseen failure: still one line and exit 2, because exit 1 means "diverged"
      // to every script that calls nbtrace (NBTRACE_DEBUG=1 prints the stack)
      message = `unexpected error: ${String(err?.message ?? err).split('\n')[0]}`
      payload = {code: 'unexpected', message, file: null, line: null, field: null}
      if (process.env.NBTRACE_DEBUG) process.stderr.write(`${err?.stack ?? err}\n`)
    }
    if (json) process.stdout.write(JSON.stringify({error: payload}, null, 2) + '\n')
    else process.stderr.write(`nbtrace: ${message}\n`)
    process.exitCode = 2
    return undefined
  }
}
