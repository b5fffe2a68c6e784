// How wide the output may be, and prose wrapped to it. The width is $COLUMNS when set (so a user,
// a script or a test can ask for 80 columns), else the terminal's width. Output to a pipe or a
// file has no width (Infinity): lines are not wrapped and tables keep their natural widths, so
// scripts that read the output see one line per line as the program wrote it.
import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'

/** Narrowest width anything is laid out for: below it, lines are wrapped at this width anyway. */
export const MIN_WIDTH = 40
/** a terminal that does not say how wide it is */
export const DEFAULT_WIDTH = 80

export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const env = Number(process.env.COLUMNS)
  if (Number.isInteger(env) && env > 0) return Math.max(MIN_WIDTH, env)
  if (!stream.isTTY) return Number.POSITIVE_INFINITY
  return stream.columns > 0 ? Math.max(MIN_WIDTH, stream.columns) : DEFAULT_WIDTH
}

/** Display width in terminal columns (colour codes count 0, wide characters 2). */
export function displayWidth(text: string): number {
  return stringWidth(text)
}

export interface WrapOptions {
  /** prefix of the first line (counted in the width) */
  indent?: string
  /** prefix of the continuation lines; default: as many spaces as `indent` is wide */
  hanging?: string
}

/**
 * Wraps one paragraph (or several, separated by newlines, each wrapped on its own) to `width`
 * columns at word boundaries; a word longer than a line is broken. Colour codes survive.
 */
export function wrapText(text: string, width: number, o: WrapOptions = {}): string {
  const indent = o.indent ?? ''
  const hanging = o.hanging ?? ' '.repeat(displayWidth(indent))
  if (!Number.isFinite(width))
    return text
      .split('\n')
      .map((l, i) => (i === 0 ? indent : hanging) + l)
      .join('\n')
  const room = Math.max(1, width - Math.max(displayWidth(indent), displayWidth(hanging)))
  const out: string[] = []
  for (const para of text.split('\n')) {
    const lines = para.trim() === '' ? [''] : wrapAnsi(para, room, {hard: true, trim: true, wordWrap: true}).split('\n')
    lines.forEach((l, i) => out.push((out.length === 0 && i === 0 ? indent : hanging) + l))
  }
  return out.map((l) => l.trimEnd()).join('\n')
}

/**
 * Wraps each line that is too long on its own, keeping its indent: a list item ("- ", "1. ", "✗ ")
 * continues under its text, any other line 2 columns further in than it starts.
 */
export function wrapLines(lines: string[], width: number): string {
  return lines
    .flatMap((l) => l.split('\n'))
    .map((l) => {
      if (displayWidth(l) <= width) return l
      const m = /^(\s*)((?:[-*•>✗✓]|\d+\.)\s+)?/.exec(l)!
      const lead = m[1] + (m[2] ?? '')
      const hanging = ' '.repeat(displayWidth(lead) + (m[2] ? 0 : 2))
      return wrapText(l.slice(lead.length), width, {indent: lead, hanging})
    })
    .join('\n')
}

/** Text wrapped to the width of the stream it is written to. */
export function fitText(text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return wrapLines(text.split('\n'), outputWidth(stream))
}
