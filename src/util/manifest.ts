// manifest.json of an nbtrace evidence folder: the marker that nbtrace made the folder (so a
// later run may replace it) and the list of the files that run wrote, with size and SHA-256 (so
// `ledger attach` cites only those, and can tell when one changed).
import {createHash} from 'node:crypto'
import {closeSync, openSync, readFileSync, readSync, statSync} from 'node:fs'
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

/** The manifest of an nbtrace evidence folder, or null when dir is not one. */
export function readManifest(dir: string): Manifest | null {
  const p = join(dir, MANIFEST)
  try {
    const st = statSync(p)
    if (!st.isFile() || st.size > 1024 * 1024) return null
    const m = JSON.parse(readFileSync(p, 'utf8')) as Partial<Manifest>
    if (m.schema !== MANIFEST_SCHEMA || m.version !== 1 || !Array.isArray(m.files)) return null
    // plain names only: a manifest never points outside its folder
    const plain = (n: unknown): boolean => typeof n === 'string' && n !== '' && n !== '.' && n !== '..' && !/[/\\\0]/.test(n)
    if (!m.files.every((f) => f && plain(f.name) && typeof f.sha256 === 'string' && typeof f.bytes === 'number')) return null
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

