// An unknown command: "did you mean …?". On an interactive terminal this is oclif's own
// @oclif/plugin-not-found (it asks, and runs the suggestion when the user agrees); anywhere else
// (pipes, scripts, CI, --json) a one-line error with the suggestion, exit 2 like every usage error.
// The plugin is therefore not listed in package.json's oclif.plugins (its hook would also run and
// print its own lines); this hook calls it.
import {toConfiguredId, type Hook} from '@oclif/core'

/** Edit distance (insertions, deletions, substitutions), for suggestions only. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}

/**
 * The command the user most likely meant. oclif joins every leading word into the id
 * ("compre a b" → compre:a:b), so each prefix of the typed words is compared with each command.
 */
export function suggestCommand(typed: string, commands: string[]): {id: string; words: number} | null {
  const parts = typed.split(':')
  let best: {id: string; d: number; k: number} | null = null
  for (let k = 1; k <= parts.length; k++) {
    const words = parts.slice(0, k).join(':')
    for (const id of commands) {
      const d = editDistance(words, id)
      if (d > Math.max(2, Math.floor(words.length / 2))) continue
      if (!best || d < best.d || (d === best.d && k > best.k)) best = {id, d, k}
    }
  }
  return best ? {id: best.id, words: best.k} : null
}

const hook: Hook.CommandNotFound = async function (opts) {
  const hidden = new Set(opts.config.commands.filter((c) => c.hidden).map((c) => c.id))
  const ids = [...opts.config.commandIDs, ...opts.config.commands.flatMap((c) => c.aliases)].filter((id) => !hidden.has(id))
  const argv = opts.argv ?? []
  const json = argv.includes('--json') || process.argv.includes('--json')
  if (process.stdin.isTTY && process.stderr.isTTY && !json) {
    const {default: notFound} = await import('@oclif/plugin-not-found')
    try {
      return await notFound.call(this, opts)
    } catch (error) {
      // the plugin exits 127 when the suggestion is declined; nbtrace's usage errors exit 2
      const e = error as {oclif?: {exit?: number}}
      if (e.oclif?.exit === 127) this.exit(2)
      throw error
    }
  }
  const suggestion = suggestCommand(opts.id, ids)
  // what was typed as the command: as many words as the suggestion matched (the rest are arguments)
  const typed = toConfiguredId(
    opts.id
      .split(':')
      .slice(0, suggestion?.words ?? 1)
      .join(':'),
    opts.config,
  )
  const message = `"${typed}" is not an nbtrace command${suggestion ? `; did you mean "${toConfiguredId(suggestion.id, opts.config)}"?` : '.'} ("${opts.config.bin} help" lists the commands)`
  if (json) process.stdout.write(JSON.stringify({error: {code: 'usage', message, file: null, line: null, field: null}}, null, 2) + '\n')
  else process.stderr.write(`${opts.config.bin}: ${message}\n`)
  this.exit(2)
}

export default hook
