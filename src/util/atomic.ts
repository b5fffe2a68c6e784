// Every output file is written to a temporary sibling and renamed into place, so an
// interrupted or failed run never leaves a half-written artifact behind.
import {createWriteStream, promises as fsp, renameSync, rmSync, writeFileSync, type WriteStream} from 'node:fs'
import {basename, dirname, join} from 'node:path'

const pending = new Set<string>()
let hooked = false

/** Makes SIGINT/SIGTERM end the process through 'exit', so every registered cleanup runs. */
export function hookCleanup(): void {
  if (hooked) return
  hooked = true
  const clean = (): void => {
    for (const p of pending) {
      try {
        rmSync(p, {force: true})
      } catch {
        /* best effort */
      }
    }
    pending.clear()
  }
  process.on('exit', clean)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      clean()
      process.exit(sig === 'SIGINT' ? 130 : 143)
    })
  }
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.nbtrace-tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
}

/** Registers a temporary path to be removed if the process exits before it is renamed. */
export function trackTemp(p: string): void {
  hookCleanup()
  pending.add(p)
}

export function untrackTemp(p: string): void {
  pending.delete(p)
}

export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(target)
  trackTemp(tmp)
  try {
    writeFileSync(tmp, data)
    renameSync(tmp, target)
  } finally {
    untrackTemp(tmp)
    rmSync(tmp, {force: true})
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target)
  trackTemp(tmp)
  try {
    await fsp.writeFile(tmp, data)
    await fsp.rename(tmp, target)
  } finally {
    untrackTemp(tmp)
    await fsp.rm(tmp, {force: true})
  }
}

/** A write stream into a temporary file; commit() renames it into place, abort() removes it. */
export class AtomicStream {
  readonly tmp: string
  readonly stream: WriteStream
  private closed = false
  constructor(readonly target: string) {
    this.tmp = tempPathFor(target)
    trackTemp(this.tmp)
    this.stream = createWriteStream(this.tmp)
  }
  write(chunk: string): boolean {
    return this.stream.write(chunk)
  }
  private end(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.once('error', reject)
      this.stream.end(() => resolve())
    })
  }
  async commit(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.end()
    await fsp.rename(this.tmp, this.target)
    untrackTemp(this.tmp)
  }
  async abort(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.end().catch(() => undefined)
    await fsp.rm(this.tmp, {force: true})
    untrackTemp(this.tmp)
  }
}
