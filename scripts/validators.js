// Build step: the JSON Schema validators the commands use, compiled ahead of time into ajv
// standalone code (dist/trace/validators.cjs, beside the compiled schema.js that loads it), so
// no command loads ajv or compiles a schema at start-up. What is compiled, with which options,
// and the hash of the schema files the module is valid for: src/trace/schema.ts.
//   node scripts/validators.js [OUT]   (default dist/trace/validators.cjs)
import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(process.argv[2] ?? join(root, 'dist', 'trace', 'validators.cjs'))
const {standaloneModule} = await import(join(root, 'dist', 'trace', 'schema.js'))
mkdirSync(dirname(out), {recursive: true})
writeFileSync(`${out}.part`, standaloneModule())
renameSync(`${out}.part`, out)
