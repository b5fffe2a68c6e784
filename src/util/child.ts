// Every external process nbtrace starts (the C engine, --ref-cmd/--cand-cmd programs) runs here,
// under one set of rules:
//  * in a process group of its own, led by a small /bin/sh supervisor, so that the program and
//    everything it forks can be ended together (`sh -c 'sleep 20 & ...'` included);
//  * the group is killed on every exit path: when the program ends (stragglers it left behind),
//    on timeout, and when nbtrace exits (cleanup registry: normal exit, error, SIGINT/SIGTERM/
//    SIGHUP). When nbtrace itself is SIGKILLed no code of ours runs: the supervisor holds the read
//    end of a pipe whose only writer is nbtrace, and kills its own group when that pipe closes;
//  * a terminal's Ctrl-C reaches nbtrace only (the group is not in the foreground), so a child
//    never writes a signal-time footer into the middle of a record: nbtrace ends it with SIGKILL;
//  * stdout, when it is the product (a trace written to stdout), is capped: past maxStdoutBytes the
//    group is killed and the run fails with that reason instead of filling the disk.
import {spawn} from 'node:child_process'
import {createWriteStream} from 'node:fs'
import {onCleanup} from './cleanup.js'

/** The supervisor: runs "$@" (fd 3 closed for it), and a watcher that kills the group when fd 3 reaches EOF. */
const SUPERVISOR = [
  '"$@" 3<&- &',
  'c=$!',
  '{ read _ <&3; kill -9 0; } >/dev/null 2>&1 &',
  'w=$!',
  'exec 3<&-',
  'wait "$c"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n')

export interface ChildOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  /** milliseconds before the group is killed; undefined or 0: no limit */
  timeoutMs?: number
  /** where stdout goes: ignored, streamed to a callback, or written to a file (capped) */
  stdout?: {ignore: true} | {onData: (chunk: Buffer) => void} | {file: string; maxBytes: number}
  /** keep this much of stderr (the tail) for error messages */
  stderrTailBytes?: number
}

export interface ChildResult {
  /** exit status of the program (128 + n when a signal ended it), null when nbtrace killed it */
  code: number | null
  timedOut: boolean
  /** stdout went past maxBytes (the group was killed) */
  stdoutCapped: boolean
  stderr: string
  /** the program could not be started at all */
  startError: string | null
}

function killGroup(pid: number | undefined): void {
  if (!pid) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    /* the group is gone */
  }
}

/** Runs file with args in its own process group; resolves when it and its stdout are done. */
export function runChild(file: string, args: string[], o: ChildOptions): Promise<ChildResult> {
  const tailBytes = o.stderrTailBytes ?? 32768
  const out = o.stdout ?? {ignore: true}
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'nbtrace-child', file, ...args], {
      cwd: o.cwd,
      env: o.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'ignore' in out ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const dispose = onCleanup(() => killGroup(child.pid))
    let stderr = ''
    let timedOut = false
    let stdoutCapped = false
    let startError: string | null = null
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (stderr.length > 2 * tailBytes) stderr = stderr.slice(-tailBytes)
    })
    // fd 3: never written; its closing (nbtrace gone) is the supervisor's signal
    const lifeline = child.stdio[3] as NodeJS.WritableStream & {on: (e: string, f: () => void) => void}
    lifeline.on('error', () => undefined)
    let written: Promise<void> = Promise.resolve()
    if ('onData' in out) child.stdout!.on('data', out.onData)
    if ('file' in out) {
      const ws = createWriteStream(out.file)
      let bytes = 0
      written = new Promise((res) => {
        ws.on('close', () => res())
        ws.on('error', () => res())
      })
      child.stdout!.on('data', (d: Buffer) => {
        if (stdoutCapped) return
        bytes += d.length
        if (bytes > out.maxBytes) {
          stdoutCapped = true
          killGroup(child.pid)
          return
        }
        if (!ws.write(d)) {
          child.stdout!.pause()
          ws.once('drain', () => child.stdout!.resume())
        }
      })
      child.stdout!.on('end', () => ws.end())
      child.stdout!.on('error', () => ws.end())
    }
    const timer =
      o.timeoutMs && o.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            killGroup(child.pid)
          }, o.timeoutMs)
        : null
    // the supervisor is done: whatever the program left running in its group goes too (it would
    // otherwise hold our pipes open, and write after we are gone)
    child.on('exit', () => killGroup(child.pid))
    child.on('error', (e) => {
      startError = e.message
    })
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      dispose()
      void written.then(() => resolve({code: timedOut || stdoutCapped ? null : code, timedOut, stdoutCapped, stderr: stderr.slice(-tailBytes), startError}))
    })
  })
}

/** The last n lines of a text (for stderr tails). */
export function tailLines(s: string, n = 15): string {
  return s.trimEnd().split('\n').slice(-n).join('\n')
}
