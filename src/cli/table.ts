// Tables that fit the output width. Every table nbtrace prints goes through renderTable.
//
// Layout, in order, until the table fits `width` columns:
//   1. every column at its natural width (its widest cell or header);
//   2. the widest columns are narrowed one column at a time (water filling, so widths stay
//      balanced) down to each column's minimum, and their cells wrap (words first, long tokens
//      broken); a "prose" column (long free text: meanings, descriptions) is kept at least 30
//      columns wide;
//   3. otherwise the prose columns leave the grid and are printed under their row as indented,
//      wrapped "header: text" lines spanning the table, and step 2 is tried on the rest;
//   4. when even the minimums do not fit, each row becomes a block of "header  value" lines.
// Widths are measured in terminal columns (colour codes ignored), so coloured cells align.
import type {ChalkInstance} from 'chalk'
import {displayWidth, wrapText} from './terminal.js'

export interface Column {
  header: string
  align?: 'left' | 'right'
  /** narrowest this column may be made before the row layout is used (default: wide enough for
   * the longest word of the header and, up to 16 columns, of the cells; Infinity: never narrowed) */
  min?: number
  /** long free text: moved under its row rather than squeezed (step 2) */
  prose?: boolean
}

/** A row of cells, or a group heading spanning the table (e.g. the stage of the variables below it). */
export type Row = string[] | {group: string}

const isGroup = (r: Row): r is {group: string} => !Array.isArray(r)

export interface TableOptions {
  width: number
  /** colours for the header and the borders (a level-0 chalk, or none, draws plain text) */
  chalk?: ChalkInstance
  /** indent of every line (counted in the width) */
  indent?: string
}

const B = {tl: '┌', tm: '┬', tr: '┐', ml: '├', mm: '┼', mr: '┤', bl: '└', bm: '┴', br: '┘', h: '─', v: '│'}

function pad(text: string, w: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(text)))
  return align === 'right' ? fill + text : text + fill
}

/**
 * A cell's lines at width w (explicit newlines kept): broken at spaces and after commas (loop
 * coordinates and vectors have no spaces), a piece wider than the column broken where it must.
 */
export function cellLines(text: string, w: number): string[] {
  const out: string[] = []
  for (const para of text.split('\n')) {
    if (displayWidth(para) <= w) {
      out.push(para)
      continue
    }
    let line = ''
    for (const piece of para.match(/[^ ,]*(?:,|\s+|$)/g)!.filter((x) => x !== '')) {
      if (displayWidth(line + piece.trimEnd()) <= w) {
        line += piece
        continue
      }
      if (line.trim() !== '') out.push(line.trimEnd())
      line = ''
      const parts = displayWidth(piece.trimEnd()) > w ? wrapText(piece.trimEnd(), w).split('\n') : [piece]
      for (let k = 0; k < parts.length - 1; k++) out.push(parts[k])
      line = parts[parts.length - 1]
    }
    if (line.trim() !== '' || out.length === 0) out.push(line.trimEnd())
  }
  return out
}

/** Width of the grid for the given column widths (borders and one space either side of a cell). */
function gridWidth(widths: number[]): number {
  return widths.reduce((a, w) => a + w, 0) + 3 * widths.length + 1
}

function naturalWidth(col: Column, rows: string[][], i: number): number {
  let w = displayWidth(col.header)
  for (const r of rows) for (const line of (r[i] ?? '').split('\n')) w = Math.max(w, displayWidth(line))
  return Math.max(1, w)
}

const LONG_WORD = 16
/** a prose column narrower than this reads badly: it moves under its row instead */
const PROSE_MIN = 30

function defaultMin(col: Column, rows: string[][], i: number): number {
  const longest = (text: string): number => Math.max(0, ...text.split(/[\s,]+/).map(displayWidth))
  let cells = 0
  for (const r of rows) cells = Math.max(cells, longest(r[i] ?? ''))
  return Math.max(6, longest(col.header), Math.min(cells, LONG_WORD))
}

/** Narrows the widest columns one column at a time until the total fits (or every column is at its minimum). */
function waterFill(widths: number[], mins: number[], target: number): boolean {
  const w = widths
  let excess = gridWidth(w) - target
  while (excess > 0) {
    let best = -1
    for (let i = 0; i < w.length; i++) if (w[i] > mins[i] && (best < 0 || w[i] > w[best])) best = i
    if (best < 0) return false
    w[best]--
    excess--
  }
  return true
}

export function renderTable(columns: Column[], allRows: Row[], o: TableOptions): string {
  const rows = allRows.filter((r): r is string[] => !isGroup(r))
  const indent = o.indent ?? ''
  const width = Math.max(20, o.width - displayWidth(indent))
  const c = o.chalk
  const head = (s: string): string => (c && c.level > 0 ? c.bold(s) : s)
  const border = (s: string): string => (c && c.level > 0 ? c.dim(s) : s)

  const natural = columns.map((col, i) => naturalWidth(col, rows, i))
  const minOf = (i: number): number => {
    const m = Math.min(natural[i], columns[i].min ?? defaultMin(columns[i], rows, i))
    return columns[i].prose ? Math.min(natural[i], Math.max(m, PROSE_MIN)) : m
  }
  let grid = columns.map((_, i) => i)
  let below: number[] = []
  let widths = [...natural]
  if (gridWidth(widths) > width && !waterFill(widths, grid.map(minOf), width)) {
    const prose = grid.filter((i) => columns[i].prose)
    if (prose.length && prose.length < grid.length) {
      grid = grid.filter((i) => !columns[i].prose)
      below = prose
    }
    widths = grid.map((i) => natural[i])
    if (gridWidth(widths) > width && !waterFill(widths, grid.map(minOf), width)) return rowBlocks(columns, allRows, width, indent, head)
  }
  // prose printed under the rows gets the full width, and group headings their own: the last
  // left-aligned column takes the spare room
  const groupWidth = Math.max(0, ...allRows.map((r) => (isGroup(r) ? displayWidth(r.group) + 4 : 0)))
  const want = below.length ? width : Math.min(width, Math.max(gridWidth(widths), groupWidth))
  if (want > gridWidth(widths)) {
    let k = widths.length - 1
    while (k > 0 && columns[grid[k]].align === 'right') k--
    widths[k] += want - gridWidth(widths)
  }

  const line = (l: string, m: string, r: string): string => indent + border(l + widths.map((w) => B.h.repeat(w + 2)).join(m) + r)
  const gridRow = (cells: string[], style: (s: string) => string = (s) => s): string[] => {
    const wrapped = grid.map((ci, k) => cellLines(cells[ci] ?? '', widths[k]))
    const height = Math.max(...wrapped.map((x) => x.length))
    const out: string[] = []
    for (let y = 0; y < height; y++) {
      const parts = wrapped.map((x, k) => ' ' + style(pad(x[y] ?? '', widths[k], columns[grid[k]].align)) + ' ')
      out.push(indent + border(B.v) + parts.join(border(B.v)) + border(B.v))
    }
    return out
  }
  const inner = gridWidth(widths) - 4
  const belowLines = (cells: string[]): string[] => {
    const out: string[] = []
    for (const ci of below) {
      const text = cells[ci] ?? ''
      if (text === '' || text === '-') continue
      const label = `${columns[ci].header}: `
      for (const l of wrapText(text, inner, {indent: label, hanging: '  '}).split('\n')) {
        out.push(indent + border(B.v) + ' ' + pad(l, inner) + ' ' + border(B.v))
      }
    }
    return out
  }
  const full = gridWidth(widths) - 4
  const groupLines = (g: string): string[] =>
    wrapText(g, full)
      .split('\n')
      .map((l) => indent + border(B.v) + ' ' + head(pad(l, full)) + ' ' + border(B.v))
  const bodies = allRows.map((r) => (isGroup(r) ? groupLines(r.group) : [...gridRow(r), ...belowLines(r)]))
  // separators between rows only when some row takes several lines (single-line rows read as a
  // list); always around group headings
  const separate = bodies.some((b, k) => !isGroup(allRows[k]) && b.length > 1)
  // the header rule, each rule between rows and the bottom rule: column borders close above a
  // group heading (┴) and open again below it (┬)
  const rule = (above: Row | null, below: Row | null): string => {
    const up = above === null || !isGroup(above)
    const down = below !== null && !isGroup(below)
    if (below === null) return line(B.bl, up ? B.bm : B.h, B.br)
    return line(B.ml, up && down ? B.mm : up ? B.bm : down ? B.tm : B.h, B.mr)
  }
  const out = [
    line(B.tl, B.tm, B.tr),
    ...gridRow(
      columns.map((col) => col.header),
      head,
    ),
  ]
  bodies.forEach((b, k) => {
    const prev = k > 0 ? allRows[k - 1] : null
    if (k === 0 || separate || isGroup(allRows[k]) || (prev !== null && isGroup(prev))) out.push(rule(prev, allRows[k]))
    out.push(...b)
  })
  out.push(rule(allRows.length ? allRows[allRows.length - 1] : null, null))
  return out.join('\n')
}

/** The narrowest layout: one block per row, "header  value" per column, values wrapped. */
function rowBlocks(columns: Column[], rows: Row[], width: number, indent: string, head: (s: string) => string): string {
  const label = Math.min(Math.max(...columns.map((col) => displayWidth(col.header))), Math.floor(width / 3))
  const out: string[] = []
  rows.forEach((r, k) => {
    if (k > 0) out.push('')
    if (isGroup(r)) {
      out.push(wrapText(head(`== ${r.group} ==`), width, {indent}))
      return
    }
    columns.forEach((col, i) => {
      const text = r[i] ?? ''
      const name = pad(col.header, label)
      out.push(wrapText(text, width, {indent: indent + head(name) + '  ', hanging: indent + ' '.repeat(label + 2)}))
    })
  })
  return out.join('\n')
}
