// `nbtrace help COMMAND` and `-h`: oclif's help, with command descriptions reflowed first. The
// descriptions are written as paragraphs with line breaks in the source; oclif would keep each
// break and wrap each line on its own, which leaves ragged lines at any width but the author's.
// Paragraphs (separated by a blank line) and list items are kept; other breaks become spaces, and
// oclif wraps the result to the terminal.
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

export default class NbtraceHelp extends Help {
  override formatCommand(command: Command.Loadable): string {
    const description = command.description === undefined ? undefined : reflow(command.description)
    return super.formatCommand({...command, description})
  }
}
