// An exclusive lock on a ledger, so that concurrent `ledger attach` runs never lose an update:
// a lock file next to the ledger, created with O_EXCL (atomic on local file systems), holding the
// owner's pid and host. A lock whose owner is gone (killed with SIGKILL, so its cleanup never ran)
// is taken over; one held by a live process is waited for, up to a limit, then refused.
// The lock file is removed on every exit path (cleanup registry).
import {closeSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs'
import {hostname} from 'node:os'
import {onCleanup} from '../util/cleanup.js'
import {InputError} from '../util/errors.js'
import {errnoText} from '../util/files.js'

export function lockPathFor(target: string): string {
  return `${target}.nbtrace-lock`
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The owner of a lock file, or null when it cannot be read (being written, or gone). */
function owner(path: string): {pid: number; host: string} | null {
  try {
    const [pid, host] = readFileSync(path, 'utf8').split('\n')
    const n = Number(pid)
    return Number.isInteger(n) && n > 0 ? {pid: n, host: host ?? ''} : null
  } catch {
    return null
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Runs fn holding the lock of target (the ledger's real path). */
export async function withLock<T>(target: string, file: string, fn: () => Promise<T>, o: {timeoutMs?: number} = {}): Promise<T> {
  const path = lockPathFor(target)
  const deadline = Date.now() + (o.timeoutMs ?? 60_000)
  let unreadableSince = 0
  for (;;) {
    let fd: number | null = null
    try {
      fd = openSync(path, 'wx', 0o644)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError(`cannot lock the ledger (${path}): ${errnoText(e)}`, {file, field: '--ledger'})
    }
    if (fd !== null) {
      const dispose = onCleanup(() => rmSync(path, {force: true}))
      try {
        writeSync(fd, `${process.pid}\n${hostname()}\n`)
      } finally {
        closeSync(fd)
      }
      try {
        return await fn()
      } finally {
        rmSync(path, {force: true})
        dispose()
      }
    }
    const who = owner(path)
    if (who && who.host === hostname() && !alive(who.pid)) {
      // its owner is gone without cleaning up
      rmSync(path, {force: true})
      continue
    }
    if (!who) {
      // being written this instant, or left empty by an owner killed between create and write
      if (!unreadableSince) unreadableSince = Date.now()
      else if (Date.now() - unreadableSince > 5000) {
        rmSync(path, {force: true})
        unreadableSince = 0
        continue
      }
    } else unreadableSince = 0
    if (Date.now() > deadline) {
      throw new InputError(`the ledger is locked by ${who ? `process ${who.pid} on ${who.host}` : 'another process'} (${path}); try again when it is done`, {
        file,
        field: '--ledger',
      })
    }
    await sleep(5 + Math.random() * 20)
  }
}
