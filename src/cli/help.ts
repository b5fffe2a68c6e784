// `nbtrace help COMMAND` and `-h`: oclif's help, with command descriptions reflowed first. The
// descriptions are written as paragraphs with line breaks in the source; oclif would keep each
// break and wrap each line on its own, which leaves ragged lines at any width but the author's.
// Paragraphs (separated by a blank line) and list items are kept; other breaks become spaces, and
// oclif wraps the result to the terminal. Examples are command lines, which oclif prints unwrapped
// (231 columns for some): they are broken at words outside quotes, with a shell continuation
// (` \\`), so each line fits and the example still pastes as one command.
import {Help, type Command} from '@oclif/core'

const LIST_ITEM = /^\s*(?:[-*•]|\d+\.)\s/

/** Joins the lines of each paragraph; blank lines, list items and indented lines keep their breaks. */
export function reflow(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((para) =>
      para
        .split('\n')
        .reduce<string[]>((lines, line) => {
          if (lines.length && !LIST_ITEM.test(line) && !/^\s{2,}/.test(line)) lines[lines.length - 1] += ' ' + line.trim()
          else lines.push(line.trimEnd())
          return lines
        }, [])
        .join('\n'),
    )
    .join('\n\n')
}

/** Words of a shell command line; quoted parts stay inside their word. */
function shellWords(line: string): string[] {
  const words: string[] = []
  let cur = ''
  let quote = ''
  for (const ch of line) {
    if (quote) {
      cur += ch
      if (ch === quote) quote = ''
    } else if (ch === "'" || ch === '"') {
      cur += ch
      quote = ch
    } else if (ch === ' ') {
      if (cur) words.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur) words.push(cur)
  return words
}

/**
 * A command line broken into lines of at most `width` columns (continuation lines indented by
 * 4, each line but the last ending in ` \\`); a word longer than a line gets a line of its own.
 */
export function wrapCommand(line: string, width: number): string {
  const lines: string[] = []
  let cur = ''
  for (const w of shellWords(line)) {
    const room = width - (lines.length ? 4 : 0) - 2
    if (cur && cur.length + 1 + w.length > room) {
      lines.push(cur)
      cur = w
    } else cur = cur ? `${cur} ${w}` : w
  }
  if (cur) lines.push(cur)
  return lines.map((l, i) => (i ? '    ' : '') + l + (i < lines.length - 1 ? ' \\' : '')).join('\n')
}

export default class NbtraceHelp extends Help {
  /** The line above a command's help, printed as written by oclif: wrapped like every paragraph. */
  override summary(c: Command.Loadable): string | undefined {
    const s = super.summary(c)
    return s === undefined ? s : this.wrap(s)
  }

  override formatCommand(command: Command.Loadable): string {
    const description = command.description === undefined ? undefined : reflow(command.description)
    // the examples section is indented by 4 and prefixed by "$ "
    const width = Math.max(40, this.opts.maxWidth - 6)
    const bin = this.config.bin
    const examples = command.examples?.map((e) => (typeof e === 'string' && !e.includes('\n') ? wrapCommand(e.replace(/<%= config.bin %>/g, bin), width) : e))
    return super.formatCommand({...command, description, examples})
  }
}
