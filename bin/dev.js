#!/usr/bin/env -S node --import tsx
// Development entry (the tests run it): the commands come from the TypeScript sources through
// tsx, never from dist/. oclif's `execute({development: true})` would still read the build's
// oclif.manifest.json when it exists and then import dist/commands/*.js, so a stale build would be
// what runs; the root plugin is therefore loaded with its manifest ignored. Errors and warnings
// look as they do for users (no oclif debug stacks).
import {Config, Plugin, flush, handle, run} from '@oclif/core'
import {fileURLToPath} from 'node:url'

process.env.NODE_ENV = 'development'
const root = fileURLToPath(new URL('..', import.meta.url))
const rootPlugin = new Plugin({root, isRoot: true, ignoreManifest: true})
await rootPlugin.load()
const config = await Config.load({root, plugins: new Map([[rootPlugin.name, rootPlugin]])})
await config.loadPluginsAndCommands({force: true})
await run(process.argv.slice(2), config)
  .then(() => flush())
  .catch((error) => handle(error))
