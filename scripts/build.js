// Builds dist/ (tsc) and oclif.manifest.json, or does nothing when both are current.
//
// `npm install`/`npm ci`/`npm pack` run it as `prepare`, and `npx nbtrace` inside the project
// runs `prepare` again each time it links the project into npx's cache: a full tsc is ~4 s, so
// the build is skipped when a hash of everything that goes into it (src/, tsconfig.json,
// package.json, the TypeScript version) equals the one recorded by the last build, and when the
// outputs it recorded are still there. A rebuild starts from an empty dist/, so a module deleted
// from src/ never lingers in the package (and in the manifest).
//
//   node scripts/build.js [--force]
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const stamp = join(dist, '.build-hash')
const force = process.argv.includes('--force')

function files(d) {
  const out = []
  for (const e of readdirSync(d, {withFileTypes: true})) {
    const p = join(d, e.name)
    if (e.isDirectory()) out.push(...files(p))
    else out.push(p)
  }
  return out
}

function inputsHash() {
  const h = createHash('sha256')
  const require = createRequire(import.meta.url)
  let tsVersion = 'none'
  try {
    tsVersion = require('typescript/package.json').version
  } catch {}
  h.update(`typescript ${tsVersion}\0`)
  const inputs = [
    ...files(join(root, 'src')).sort(),
    join(root, 'tsconfig.json'),
    join(root, 'package.json'),
    join(root, 'scripts', 'manifest.js'),
    join(root, 'scripts', 'validators.js'),
    ...files(join(root, 'schemas')).sort(),
  ]
  for (const f of inputs)
    h.update(relative(root, f) + '\0')
      .update(readFileSync(f))
      .update('\0')
  return h.digest('hex')
}

const hash = inputsHash()
const current =
  !force &&
  existsSync(stamp) &&
  readFileSync(stamp, 'utf8').trim() === hash &&
  existsSync(join(root, 'oclif.manifest.json')) &&
  existsSync(join(dist, 'commands'))
if (current) process.exit(0)

rmSync(dist, {recursive: true, force: true})
const tscBin = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
if (!existsSync(tscBin)) {
  process.stderr.write('nbtrace: cannot build dist/: TypeScript is not installed (npm install first)\n')
  process.exit(1)
}
const run = (args) => spawnSync(process.execPath, args, {cwd: root, stdio: 'inherit'})
let r = run([tscBin, '-p', 'tsconfig.json'])
if (r.status !== 0) process.exit(r.status ?? 1)
r = run([join(root, 'scripts', 'manifest.js')])
if (r.status !== 0) process.exit(r.status ?? 1)
r = run([join(root, 'scripts', 'validators.js')])
if (r.status !== 0) process.exit(r.status ?? 1)
writeFileSync(stamp, hash + '\n')
