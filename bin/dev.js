#!/usr/bin/env -S node --import tsx
// Development entry (the tests run it): the commands come from the TypeScript sources through
// tsx, never from dist/. oclif's `execute({development: true})` would still read the build's
// oclif.manifest.json when it exists and then import dist/commands/*.js, so a stale build would be
// what runs. Here the root plugin's manifest is built from src/ instead, and cached under
// node_modules/.cache/nbtrace keyed by a hash of src/ and package.json: without a manifest oclif
// imports every command module on every run to list the commands (+0.4 s of CPU per run); with
// the cached one it imports only the command that runs, as an installed CLI does. Errors and
// warnings look as they do for users (no oclif debug stacks).
import {Config, Plugin, flush, run} from '@oclif/core'
import {handleTopLevel} from '../src/cli/exit.ts'
import {createHash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

process.env.NODE_ENV = 'development'
const root = fileURLToPath(new URL('..', import.meta.url))
const cacheFile = join(root, 'node_modules', '.cache', 'nbtrace', 'dev-manifest.json')

function sourceHash() {
  const h = createHash('sha256')
  const walk = (dir) => {
    for (const e of readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else
        h.update(p.slice(root.length) + '\0')
          .update(readFileSync(p))
          .update('\0')
    }
  }
  walk(join(root, 'src'))
  h.update(readFileSync(join(root, 'package.json')))
  return h.digest('hex')
}

class SourcePlugin extends Plugin {
  async _manifest() {
    const key = sourceHash()
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8'))
      if (cached.key === key) {
        this.commandIDs = Object.keys(cached.manifest.commands)
        return cached.manifest
      }
    } catch {
      // no cache yet
    }
    const manifest = await super._manifest() // ignoreManifest: imports every command from src/
    // without relativePath, oclif finds each command through its usual src/ mapping when it runs
    const commands = Object.fromEntries(Object.entries(manifest.commands).map(([id, {relativePath: _r, ...c}]) => [id, c]))
    try {
      mkdirSync(join(cacheFile, '..'), {recursive: true})
      const tmp = `${cacheFile}.${process.pid}`
      writeFileSync(tmp, JSON.stringify({key, manifest: {...manifest, commands}}))
      renameSync(tmp, cacheFile)
    } catch {
      // a read-only tree: no cache, every run lists the commands itself
    }
    return manifest
  }
}

const rootPlugin = new SourcePlugin({root, isRoot: true, ignoreManifest: true})
await rootPlugin.load()
const config = await Config.load({root, plugins: new Map([[rootPlugin.name, rootPlugin]])})
await config.loadPluginsAndCommands({force: true})
// exit 1 means "diverged" only (src/cli/exit.ts)
await run(process.argv.slice(2), config)
  .then(() => flush())
  .catch(handleTopLevel)
