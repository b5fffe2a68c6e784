#!/usr/bin/env node
import {flush, handle, run} from '@oclif/core'

// Exit 1 means "diverged" and nothing else: the commands set it themselves (process.exitCode).
// An error that reaches this point came from outside a command's own handling (a module that
// fails to load, a broken install): it exits 2, as every other failure does.
await run(process.argv.slice(2), import.meta.url)
  .then(() => flush())
  .catch((error) => {
    if (error && typeof error === 'object') {
      const exit = error.oclif?.exit
      if (exit === undefined || exit === 1) error.oclif = {...(error.oclif ?? {}), exit: 2}
    }
    return handle(error)
  })
