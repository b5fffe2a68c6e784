// The fix-plan ledger: `## [ID] Title` entries with top-level bullet fields (`- Name: ...`), among
// them `- Attempts History:` whose children are `  * [YYYY-MM-DD] Attempt #N — Result: ...` lines
// (possibly followed by nested content). Parsing is line based and never rewrites a line it does
// not have to: edits are insertions of whole lines and, for `- First Divergence:`, the replacement
// of that one line.
import {InputError} from '../util/errors.js'
import type {Line} from './text.js'

export interface Field {
  name: string
  /** index of the `- Name:` line */
  line: number
  /** index of the last non-blank line belonging to the field (its nested content included) */
  last: number
}

export interface Entry {
  id: string
  /** index of the heading line */
  heading: number
  /** index one past the entry's last line (next level-1/2 heading or end of file) */
  end: number
  fields: Field[]
}

const FENCE = /^\s{0,3}(```|~~~)/
const HEADING = /^#{1,2}\s/
const FIELD = /^- ([^:\n]{1,80}?):(?:\s|$)/

export function headingId(text: string): string | null {
  const m = /^##\s+\[([^\]\n]+)\](?:\s|$)/.exec(text)
  return m ? m[1] : null
}

/** Line indices of the `## [ID]` headings (outside fenced code blocks). */
export function findHeadings(lines: Line[], id: string): number[] {
  const out: number[] = []
  let fenced = false
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].text
    if (FENCE.test(t)) fenced = !fenced
    if (!fenced && headingId(t) === id) out.push(i)
  }
  return out
}

function isBlank(t: string): boolean {
  return t.trim() === ''
}

/** The entry starting at heading index h: its extent and its top-level fields. */
export function parseEntry(lines: Line[], h: number): Entry {
  const id = headingId(lines[h].text) ?? ''
  let end = lines.length
  let fenced = false
  for (let i = h + 1; i < lines.length; i++) {
    const t = lines[i].text
    if (FENCE.test(t)) fenced = !fenced
    if (!fenced && HEADING.test(t)) {
      end = i
      break
    }
  }
  const fields: Field[] = []
  fenced = false
  for (let i = h + 1; i < end; i++) {
    const t = lines[i].text
    if (FENCE.test(t)) fenced = !fenced
    if (fenced) continue
    const m = FIELD.exec(t)
    if (!m) continue
    // the field runs until the next line at column 0 that is not blank
    let last = i
    let j = i + 1
    for (; j < end; j++) {
      const u = lines[j].text
      if (!isBlank(u) && !/^\s/.test(u)) break
      if (!isBlank(u)) last = j
    }
    fields.push({name: m[1].trim(), line: i, last})
    i = j - 1
  }
  return {id, heading: h, end, fields}
}

export function findField(e: Entry, name: RegExp): Field | undefined {
  return e.fields.find((f) => name.test(f.name))
}

export const ATTEMPTS_FIELD = /^attempts history$/i
export const NEXT_ACTIONS_FIELD = /^next actions$/i
export const FIRST_DIVERGENCE_FIELD = /^first divergence$/i

const ATTEMPT_LINE = /^(\s+)([*+-]|\d+[.)])\s+(?:\[[^\]\n]*\]\s*)?[*_]*Attempts?\b/

function indentOf(t: string): number {
  return /^\s*/.exec(t)![0].length
}

export interface AttemptsLayout {
  /** indices of attempt lines inside the field */
  attempts: number[]
  /** insert the new attempt line before this index */
  insertAt: number
  /** leading text of the new line, e.g. "  * " */
  bullet: string
}

/** Where a new attempt goes: after the last attempt line of the field and its nested content. */
export function attemptsLayout(lines: Line[], f: Field): AttemptsLayout {
  const attempts: number[] = []
  for (let i = f.line + 1; i <= f.last; i++) if (ATTEMPT_LINE.test(lines[i].text)) attempts.push(i)
  if (attempts.length === 0) return {attempts, insertAt: f.last + 1, bullet: '  * '}
  const k = attempts[attempts.length - 1]
  const m = ATTEMPT_LINE.exec(lines[k].text)!
  const indent = indentOf(lines[k].text)
  let after = k
  for (let i = k + 1; i <= f.last; i++) {
    const t = lines[i].text
    if (isBlank(t)) continue
    if (indentOf(t) > indent) after = i
    else break
  }
  return {attempts, insertAt: after + 1, bullet: `${m[1]}${m[2]} `}
}

const MENTION = /\bAttempts?\s+#(\d+)(?:\s*(?:[-–—]|to)\s*#?(\d+))?/g
const OTHER_ID_BEFORE = /\[([A-Za-z][A-Za-z0-9_.]*-[A-Za-z0-9_.-]+)\]`?\s*$/

/**
 * The largest attempt number the entry mentions: `Attempt #N` and ranges `Attempts #a-#b` (also
 * `#a–b`), anywhere in the entry. A mention right after another entry's bracketed ID
 * (`[OTHER-001] Attempt #3`) belongs to that entry and is skipped. 0 when there is none.
 */
export function maxAttempt(lines: Line[], e: Entry): number {
  let max = 0
  for (let i = e.heading; i < e.end; i++) {
    const t = lines[i].text
    for (const m of t.matchAll(MENTION)) {
      const before = OTHER_ID_BEFORE.exec(t.slice(Math.max(0, m.index - 100), m.index))
      if (before && before[1] !== e.id) continue
      max = Math.max(max, Number(m[1]), m[2] !== undefined ? Number(m[2]) : 0)
    }
  }
  return max
}

/** Exactly one entry with this ID, else an error naming the lines (file untouched). */
export function uniqueEntry(lines: Line[], id: string, file: string): Entry {
  const hs = findHeadings(lines, id)
  if (hs.length === 0) {
    throw new InputError(`no entry "## [${id}]" in the ledger`, {file, field: '--id'})
  }
  if (hs.length > 1) {
    const where = hs.map((h) => h + 1).join(', ')
    throw new InputError(`entry [${id}] appears ${hs.length} times (lines ${where}); make the IDs unique before attaching`, {
      file,
      line: hs[0] + 1,
      field: '--id',
    })
  }
  return parseEntry(lines, hs[0])
}
