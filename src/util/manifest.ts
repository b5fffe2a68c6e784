// manifest.json of an nbtrace evidence folder: the marker that nbtrace made the folder (so a
// later run may replace it) and the list of the files that run wrote, with size and SHA-256 (so
// `ledger attach` cites only those, and can tell when one changed).
import {createHash} from 'node:crypto'
import {closeSync, openSync, readdirSync, readFileSync, readSync, statSync} from 'node:fs'
import {join} from 'node:path'

export const MANIFEST = 'manifest.json'
export const MANIFEST_SCHEMA = 'nbtrace-evidence'

export interface ManifestFile {
  name: string
  bytes: number
  sha256: string
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA
  version: 1
  created: string
  /** the nbtrace command line that made the folder */
  command: string[]
  files: ManifestFile[]
}

/**
 * A name a manifest may list: a plain file name, or plain names joined by "/" for a file in a
 * subfolder (triage's per-pixel evidence). Never "", ".", "..", absolute, or with "\\" or NUL: a
 * manifest never points outside its folder.
 */
export function isRelativeName(n: unknown): n is string {
  if (typeof n !== 'string' || n === '' || /[\\\0]/.test(n)) return false
  return n.split('/').every((p) => p !== '' && p !== '.' && p !== '..')
}

/** Every file under dir as a relative name ("a/b.json"), sorted; `skip` leaves top-level names out. */
export function listFiles(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const d of readdirSync(rel ? join(dir, rel) : dir, {withFileTypes: true})) {
      const name = rel ? `${rel}/${d.name}` : d.name
      if (!rel && skip.has(d.name)) continue
      if (d.isDirectory()) walk(name)
      else out.push(name)
    }
  }
  walk('')
  return out.sort()
}

/** The manifest of an nbtrace evidence folder, or null when dir is not one. */
export function readManifest(dir: string): Manifest | null {
  const p = join(dir, MANIFEST)
  try {
    const st = statSync(p)
    if (!st.isFile() || st.size > 1024 * 1024) return null
    const m = JSON.parse(readFileSync(p, 'utf8')) as Partial<Manifest>
    if (m.schema !== MANIFEST_SCHEMA || m.version !== 1 || !Array.isArray(m.files)) return null
    if (!m.files.every((f) => f && isRelativeName(f.name) && typeof f.sha256 === 'string' && typeof f.bytes === 'number')) return null
    return m as Manifest
  } catch {
    return null
  }
}

/** SHA-256 (hex) of a file, read in 1 MiB chunks (evidence traces can be large). */
export function sha256File(path: string): string {
  const h = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      h.update(buf.subarray(0, n))
    }
  } finally {
    closeSync(fd)
  }
  return h.digest('hex')
}
