// What must not outlive the process: temporary files, staging folders, ledger locks, child process
// groups. Each owner registers a task and disposes of it when its work is done; whatever is still
// registered runs when the process exits, however it exits. Library code never ends the process:
// the CLI (src/cli/base.ts) turns SIGINT/SIGTERM/SIGHUP into runCleanups() and the conventional
// exit status, here only 'exit' is hooked. It does so only while a task is registered (watch()):
// with nothing to clean up, a signal keeps its default action and ends the process at once, even
// in the middle of a synchronous computation that would delay a JavaScript handler.

type Task = () => void

const tasks = new Set<Task>()
let hooked = false
const watchers: ((active: boolean) => void)[] = []

/** Calls fn(true) when the first task is registered and fn(false) when the last one is gone. */
export function watch(fn: (active: boolean) => void): void {
  watchers.push(fn)
  if (tasks.size) fn(true)
}

function changed(before: number): void {
  if ((before === 0) !== (tasks.size === 0)) for (const w of watchers) w(tasks.size > 0)
}

/** Registers fn to run at process exit; returns a disposer (call it once the thing is gone). */
export function onCleanup(fn: Task): () => void {
  if (!hooked) {
    hooked = true
    process.on('exit', runCleanups)
  }
  const before = tasks.size
  tasks.add(fn)
  changed(before)
  return () => {
    const n = tasks.size
    tasks.delete(fn)
    changed(n)
  }
}

/** Runs (synchronously) and forgets every registered task, newest first. Safe to call twice. */
export function runCleanups(): void {
  const all = [...tasks].reverse()
  const before = tasks.size
  tasks.clear()
  changed(before)
  for (const t of all) {
    try {
      t()
    } catch {
      /* best effort: one failed cleanup must not stop the others */
    }
  }
}

/** Exit status a shell reports for a process ended by this signal (128 + its number). */
export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143}
