// Writes the lists that JSON Schemas repeat from the catalogue (schemas/catalogue.json is the one
// definition of loop axes, classes and roles): report.schema.json's class enum and loop object,
// catalogue.schema.json's loop-name and role enums. `node scripts/schemas.js --check` (run by the
// tests) exits 1 and names the stale file instead of writing.
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas')
const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))
const cat = read('catalogue.json')
const loops = cat.loopOrder
const classes = cat.classes.map((c) => c.name)
const roles = cat.roles.map((r) => r.name)

/** JSON with short objects and arrays on one line (as the schemas are written by hand). */
function inline(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return '[' + value.map(inline).join(', ') + ']'
  return (
    '{' +
    Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
      .join(', ') +
    '}'
  )
}

export function formatJson(value, indent = '') {
  const flat = inline(value)
  const scalars = Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')
  if (indent.length + flat.length <= (scalars ? 200 : 150) || value === null || typeof value !== 'object') return flat
  const inner = indent + '  '
  if (Array.isArray(value)) return '[\n' + value.map((v) => inner + formatJson(v, inner)).join(',\n') + '\n' + indent + ']'
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`)
  return '{\n' + entries.join(',\n') + '\n' + indent + '}'
}

const updates = {
  'report.schema.json': (s) => {
    s.$defs.class = {description: 'a divergence class (schemas/catalogue.json classes)', enum: classes}
    s.$defs.loop.oneOf[0].properties = Object.fromEntries(loops.map((l) => [l, {type: 'integer', minimum: 0}]))
  },
  'catalogue.schema.json': (s) => {
    s.$defs.loopName = {enum: loops}
    s.$defs.role = {enum: roles}
  },
}

const check = process.argv.includes('--check')
let stale = 0
for (const [file, update] of Object.entries(updates)) {
  const before = readFileSync(join(dir, file), 'utf8')
  const s = JSON.parse(before)
  update(s)
  const after = formatJson(s) + '\n'
  if (after === before) continue
  if (check) {
    process.stderr.write(`schemas/${file} is stale: run node scripts/schemas.js\n`)
    stale++
  } else writeFileSync(join(dir, file), after)
}
process.exit(stale ? 1 : 0)
