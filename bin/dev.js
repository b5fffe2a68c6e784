#!/usr/bin/env -S node --import tsx
// The development CLI: commands from src/ through tsx. oclif reads oclif.manifest.json (written by
// `npm run build`) even in development mode, and would then run the compiled dist/ commands: the
// root plugin is loaded here with the manifest ignored, so src/ is what runs.
import {Config, execute, Plugin} from '@oclif/core'

// development mode (src/ through tsx) must be on before the plugin is loaded, not only in execute()
process.env.NODE_ENV = 'development'
const root = new URL('..', import.meta.url).pathname
const plugin = new Plugin({root, isRoot: true, ignoreManifest: true})
await plugin.load()
const config = await Config.load({root, plugins: new Map([[plugin.name, plugin]])})
await execute({development: true, loadOptions: config})
