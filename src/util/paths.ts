// Locations inside the installed package (works from src/ under tsx and from dist/).
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

function findRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'schemas'))) return d
    d = dirname(d)
  }
  throw new Error('nbtrace: cannot locate the package root (schemas/ missing)')
}

export const PACKAGE_ROOT = findRoot()
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas')
export const schemaPath = (name: string): string => join(SCHEMAS_DIR, name)
