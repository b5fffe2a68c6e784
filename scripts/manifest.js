// Writes oclif.manifest.json after the TypeScript build, so that starting the CLI does not import
// every command module to discover the commands (saves ~0.1 s per run: measured 0.26 → 0.19 s).
// The manifest is built from dist/ with any previous manifest ignored (oclif would otherwise read
// the old one back and a new or renamed command would never appear). The development bin
// (bin/dev.js) ignores the manifest and reads src/ directly.
import {Plugin} from '@oclif/core'
import {renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
const out = join(root, 'oclif.manifest.json')
writeFileSync(`${out}.tmp`, JSON.stringify(plugin.manifest))
renameSync(`${out}.tmp`, out)
