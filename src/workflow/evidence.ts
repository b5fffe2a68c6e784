// The evidence folder of `nbtrace trace --out DIR`, all or nothing.
//  * Before any work: DIR must be new, empty, or a folder nbtrace made (its manifest.json says so,
//    and it holds nothing the manifest does not list). It is never the current folder or one of
//    its parents (`--out .`, `--out /`), never a symbolic link, and holds none of the run's inputs.
//  * During the run every artifact goes into a staging folder next to DIR.
//  * At the end the staging folder, with its manifest (name, size and SHA-256 of every file),
//    replaces DIR whole: nothing of an earlier run survives next to the new one. The two renames
//    of the swap run in one synchronous step, so no signal handler can run between them.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {basename, dirname, join, resolve, sep} from 'node:path'
import {onCleanup} from '../util/cleanup.js'
import {InputError} from '../util/errors.js'
import {errnoText, kindOf, type PathRole} from '../util/files.js'
import {listFiles, MANIFEST, MANIFEST_SCHEMA, readManifest, sha256File, type Manifest} from '../util/manifest.js'

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep)
}

function real(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return resolve(p)
  }
}

/** Refuses an evidence folder this run may not replace (exit 2, before any work). */
export function checkEvidenceFolder(outDir: string, cwd: string, inputs: PathRole[] = []): void {
  const field = '--out'
  const abs = resolve(cwd, outDir)
  if (dirname(abs) === abs || inside(real(cwd), real(abs))) {
    throw new InputError('is the current folder or one of its parents: the evidence goes into a folder of its own (e.g. --out nbtrace-out)', {
      file: outDir,
      field,
    })
  }
  let st
  try {
    st = lstatSync(abs)
  } catch {
    return // new
  }
  if (st.isSymbolicLink()) throw new InputError('is a symbolic link: give the evidence folder itself', {file: outDir, field})
  if (!st.isDirectory()) throw new InputError(`exists and is a ${kindOf(st)}, not a folder`, {file: outDir, field})
  const entries = readdirSync(abs)
  if (entries.length > 0) {
    const m = readManifest(abs)
    if (!m) {
      throw new InputError(
        `exists and was not made by nbtrace (no ${MANIFEST}): nbtrace replaces only its own evidence folders; choose a new --out or empty this one`,
        {file: outDir, field},
      )
    }
    const listed = new Set([MANIFEST, ...m.files.map((f) => f.name)])
    const foreign = listFiles(abs).filter((e) => !listed.has(e))
    if (foreign.length) {
      throw new InputError(
        `holds files nbtrace did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}): the evidence folder is replaced whole; move them or choose a new --out`,
        {file: outDir, field},
      )
    }
  }
  for (const i of inputs) {
    if (existsSync(i.path) && inside(real(i.path), real(abs))) {
      throw new InputError(`is inside the evidence folder ${outDir}, which this run replaces whole: copy it elsewhere first`, {file: i.path, field: i.field})
    }
  }
}

/** The file in a staging folder that names the process staging it (removed at commit). */
const OWNER = '.nbtrace-owner'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Staging folders of this evidence folder left by a run that was killed outright (SIGKILL, a
 * crash: no clean-up ran) are removed: their owner process is gone. A stage whose owner runs is
 * another run's, and a stage without an owner file is left alone.
 */
function sweepAbandoned(parent: string, base: string): void {
  const prefix = `.${base}.nbtrace-stage-`
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue
    const dir = join(parent, name)
    let pid = NaN
    try {
      pid = Number(readFileSync(join(dir, OWNER), 'utf8').trim())
    } catch {
      continue
    }
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(dir, {recursive: true, force: true})
  }
}

/** A staging folder next to the evidence folder; commit() swaps it in whole. */
export class EvidenceStage {
  readonly dir: string
  /** the evidence folder, absolute */
  readonly outDir: string
  private done = false
  private readonly dispose: () => void
  constructor(
    outDir: string,
    private readonly cwd: string,
  ) {
    this.outDir = resolve(cwd, outDir)
    const parent = dirname(this.outDir)
    try {
      mkdirSync(parent, {recursive: true})
      sweepAbandoned(parent, basename(this.outDir))
      this.dir = mkdtempSync(join(parent, `.${basename(this.outDir)}.nbtrace-stage-`))
      writeFileSync(join(this.dir, OWNER), `${process.pid}\n`)
    } catch (e) {
      throw new InputError(`cannot create the evidence folder's staging folder in ${parent}: ${errnoText(e)}`, {file: outDir, field: '--out'})
    }
    this.dispose = onCleanup(() => this.discard())
  }
  /** Where a file is written during the run. */
  path(name: string): string {
    return join(this.dir, name)
  }
  /** Where that file will be once the run is committed. */
  finalPath(name: string): string {
    return join(this.outDir, name)
  }
  /** Is this path inside the staging folder (which a failed run removes)? */
  holds(path: string): boolean {
    return inside(resolve(path), this.dir)
  }
  /**
   * Writes the manifest and puts the staging folder in place of the evidence folder (replacing an
   * empty one or one of nbtrace's own, checked again now). Returns the final paths, manifest last.
   */
  commit(command: string[], inputs: PathRole[] = []): string[] {
    checkEvidenceFolder(this.outDir, this.cwd, inputs)
    rmSync(this.path(OWNER), {force: true})
    const names = listFiles(this.dir, new Set([MANIFEST]))
    const files = names.map((name) => {
      const p = this.path(name)
      return {name, bytes: statSync(p).size, sha256: sha256File(p)}
    })
    const manifest: Manifest = {schema: MANIFEST_SCHEMA, version: 1, created: new Date().toISOString(), command, files}
    writeFileSync(this.path(MANIFEST), JSON.stringify(manifest, null, 2) + '\n')
    // mkdtemp made the folder private (0700); evidence is an ordinary folder
    const umask = process.umask()
    chmodSync(this.dir, 0o777 & ~umask)
    if (existsSync(this.outDir)) {
      const old = mkdtempSync(join(dirname(this.outDir), `.${basename(this.outDir)}.nbtrace-old-`))
      rmSync(old, {recursive: true})
      renameSync(this.outDir, old)
      try {
        renameSync(this.dir, this.outDir)
      } catch (e) {
        renameSync(old, this.outDir)
        throw e
      }
      this.done = true
      this.dispose()
      rmSync(old, {recursive: true, force: true})
    } else {
      renameSync(this.dir, this.outDir)
      this.done = true
      this.dispose()
    }
    return [...names, MANIFEST].map((n) => this.finalPath(n))
  }
  discard(): void {
    if (this.done) return
    this.done = true
    this.dispose()
    rmSync(this.dir, {recursive: true, force: true})
  }
}
