// The last catch of the CLI's entry scripts (bin/run.js, bin/dev.js). Exit 1 means "diverged"
// and nothing else: the commands set it themselves (process.exitCode). An error that reaches the
// entry script came from outside a command's own handling (a module that fails to load, a broken
// install): it exits 2, as every other failure does.
import {handle} from '@oclif/core'

export function handleTopLevel(error: unknown): Promise<void> {
  if (error && typeof error === 'object') {
    const e = error as {oclif?: {exit?: number}}
    const exit = e.oclif?.exit
    if (exit === undefined || exit === 1) e.oclif = {...(e.oclif ?? {}), exit: 2}
  }
  return handle(error as Error)
}
