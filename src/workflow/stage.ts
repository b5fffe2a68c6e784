// A staging folder next to the output folder: artifacts are written there and moved into place
// only when the whole job succeeded, so a failed or interrupted run leaves nothing half-written.
import {existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {hookCleanup} from '../util/atomic.js'

export class Stage {
  readonly dir: string
  private done = false
  private readonly onSignal = (): void => this.discard()
  constructor(readonly outDir: string) {
    const parent = dirname(resolve(outDir))
    mkdirSync(parent, {recursive: true})
    this.dir = mkdtempSync(join(parent, `.${basename(outDir)}.nbtrace-stage-`))
    hookCleanup()
    process.once('exit', this.onSignal)
  }
  path(name: string): string {
    return join(this.dir, name)
  }
  /** Moves every staged file into the output folder (each by rename) and returns their final paths. */
  commit(): string[] {
    const out = resolve(this.outDir)
    mkdirSync(out, {recursive: true})
    const moved: string[] = []
    for (const f of readdirSync(this.dir).sort()) {
      renameSync(join(this.dir, f), join(out, f))
      moved.push(join(out, f))
    }
    this.discard()
    return moved
  }
  discard(): void {
    if (this.done) return
    this.done = true
    process.removeListener('exit', this.onSignal)
    if (existsSync(this.dir)) rmSync(this.dir, {recursive: true, force: true})
  }
}
