// Base class of every nbtrace command: --json on every command, exit codes
// (0 agree/pass, 1 divergence/fail, 2 bad input or usage) and one-line errors.
import {Command} from '@oclif/core'
import {InputError} from '../util/errors.js'

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  /** Sets the process exit code (0 or 1) without cutting the output short. */
  protected setExit(code: 0 | 1): void {
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
    } else if (err.oclif?.exit === 0) {
      throw err
    } else {
      const isUsage = err.oclif !== undefined || /flag|argument|Unexpected|Missing|Expected/.test(err.message)
      if (!isUsage) throw err
      message = err.message.split('\n')[0]
      payload = {code: 'usage', message, file: null, line: null, field: null}
    }
    if (json) process.stdout.write(JSON.stringify({error: payload}, null, 2) + '\n')
    else process.stderr.write(`nbtrace: ${message}\n`)
    process.exitCode = 2
    return undefined
  }
}
