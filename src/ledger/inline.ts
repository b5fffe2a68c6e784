// Every string nbtrace writes into a ledger stays one inline item of one line, whatever it holds:
// a file name with a newline cannot start a second `## [ID]` heading, a backtick cannot close a
// code span early, a `*` or `[` in a variable name cannot start emphasis or a link.
//  * code(s): a code span with a fence longer than any run of backticks inside; control
//    characters and line separators make it show the JSON-escaped, quoted form instead ("a\nb");
//  * word(s): plain when it is a simple token (names, numbers, NaN), else code(s).

const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/

export function code(s: string): string {
  const t = CONTROL.test(s) ? JSON.stringify(s) : s
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  // a space pads a span that starts or ends with a backtick (CommonMark strips one on each side)
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ') && t.trim() !== '') ? ' ' : ''
  return fence + pad + t + pad + fence
}

export function word(s: string): string {
  return /^[A-Za-z0-9_.+\-:]+$/.test(s) ? s : code(s)
}
