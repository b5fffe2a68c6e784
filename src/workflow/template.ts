// Command templates of external programs (--ref-cmd/--cand-cmd): placeholders {args} {slow} {fast}
// {out} {cwd} filled in one pass over the template the user wrote, never over substituted text
// (a literal "{slow}" among the nanoBragg arguments, or a folder named "d $(touch x)", stays what
// it is). Each value is quoted for the shell context it lands in: unquoted, inside '...', or
// inside "...", so no value can end a quote and run as code.
//
// A program named by a relative path (`./nanoBragg`, `bin/port`) as the first word of a command
// is the user's: it is resolved against {cwd}, because the command runs in a temporary folder
// of its own (a bare name is looked up on PATH, as the shell does).
//
// {args} is always the last word of its command: words written after it are moved before it.
// Upstream nanoBragg matches flags by substring and reads the words after -misset_seed as misset
// angles, so `prog {args} -trace_pixel 10 12` would not trace the physics `-trace_pixel 10 12 prog
// {args}` traces (a false "lattice" divergence came from that). Redirections stay where they are.
import {isAbsolute, resolve} from 'node:path'
import {InputError} from '../util/errors.js'

export type PlaceholderName = 'args' | 'slow' | 'fast' | 'out' | 'cwd'
export const PLACEHOLDERS: readonly PlaceholderName[] = ['args', 'slow', 'fast', 'out', 'cwd']

type Quote = 'none' | 'single' | 'double'

interface Seg {
  text: string
  /** a placeholder, with the quoting it sits in */
  ph?: PlaceholderName
  quote?: Quote
}

interface Token {
  kind: 'word' | 'space' | 'op' | 'redir'
  segs: Seg[]
  /** a word that is the target of the redirection before it */
  target?: boolean
}

const PLACEHOLDER = /^\{(args|slow|fast|out|cwd)\}/

function tokenize(template: string, field: string): Token[] {
  const tokens: Token[] = []
  let cur: Token | null = null
  let quote: Quote = 'none'
  let redirPending = false
  const add = (text: string, extra: Partial<Seg> = {}): void => {
    if (!cur) {
      cur = {kind: 'word', segs: [], target: redirPending}
      redirPending = false
      tokens.push(cur)
    }
    const last = cur.segs[cur.segs.length - 1]
    if (!extra.ph && last && !last.ph) last.text += text
    else cur.segs.push({text, ...extra})
  }
  const endWord = (): void => {
    cur = null
  }
  let depth = 0 // inside $( ... ) or ` ... `: operators there belong to the word
  let backtick = false
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    const ph = PLACEHOLDER.exec(template.slice(i))
    if (ph && template[i - 1] !== '$') {
      add(ph[0], {ph: ph[1] as PlaceholderName, quote})
      i += ph[0].length - 1
      continue
    }
    if (quote === 'single') {
      add(c)
      if (c === "'") quote = 'none'
      continue
    }
    if (quote === 'double') {
      if (c === '\\' && i + 1 < template.length) {
        add(c + template[++i])
        continue
      }
      add(c)
      if (c === '"') quote = 'none'
      continue
    }
    // unquoted
    if (c === '\\' && i + 1 < template.length) {
      add(c + template[++i])
      continue
    }
    if (c === "'" || c === '"') {
      add(c)
      quote = c === "'" ? 'single' : 'double'
      continue
    }
    if (c === '$' && template[i + 1] === '(') {
      add('$(')
      i++
      depth++
      continue
    }
    if (c === '`') {
      add(c)
      backtick = !backtick
      continue
    }
    if (depth > 0 || backtick) {
      if (c === '(') depth++
      if (c === ')') depth--
      add(c)
      continue
    }
    if (c === ' ' || c === '\t') {
      endWord()
      const last = tokens[tokens.length - 1]
      if (last && last.kind === 'space') last.segs[0].text += c
      else tokens.push({kind: 'space', segs: [{text: c}]})
      continue
    }
    if ('\n;&|()'.includes(c)) {
      endWord()
      let op = c
      if ('&|;'.includes(c) && template[i + 1] === c) op += template[++i]
      tokens.push({kind: 'op', segs: [{text: op}]})
      redirPending = false
      continue
    }
    if (c === '<' || c === '>') {
      // a redirection: an fd number just before it belongs to it, its target word follows
      const prev = cur as Token | null
      let op = ''
      if (prev && prev.kind === 'word' && prev.segs.length === 1 && !prev.segs[0].ph && /^\d+$/.test(prev.segs[0].text)) {
        tokens.pop()
        op = prev.segs[0].text
      }
      op += c
      while ('<>&|'.includes(template[i + 1] ?? '') && template[i + 1] !== undefined) op += template[++i]
      endWord()
      tokens.push({kind: 'redir', segs: [{text: op}]})
      redirPending = true
      continue
    }
    add(c)
  }
  if (quote !== 'none') throw new InputError(`unterminated ${quote === 'single' ? "'" : '"'} quote in the command template`, {field})
  return tokens
}

/** Quotes a value for the shell, unquoted context (bare when it is made of safe characters only). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

function quoteIn(value: string, quote: Quote): string {
  if (quote === 'single') return value.replace(/'/g, `'\\''`)
  if (quote === 'double') return value.replace(/[\\"$`]/g, '\\$&')
  return shellQuote(value)
}

export interface TemplateValues {
  args: string[]
  slow: number
  fast: number
  out: string
  cwd: string
}

/** Does the template name this placeholder anywhere? */
export function usesPlaceholder(template: string, name: PlaceholderName, field: string): boolean {
  return tokenize(template, field).some((t) => t.segs.some((s) => s.ph === name))
}

const SPACE: Token = {kind: 'space', segs: [{text: ' '}]}

/** Moves the words after each {args} word (up to the end of its command, redirections excepted) before it. */
function argsLast(tokens: Token[]): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < tokens.length) {
    let j = i
    while (j < tokens.length && tokens[j].kind !== 'op') j++
    const cmd = tokens.slice(i, j)
    const k = cmd.findIndex((t) => t.kind === 'word' && t.segs.some((s) => s.ph === 'args'))
    if (k < 0) out.push(...cmd)
    else {
      const before = cmd.slice(0, k)
      const moved: Token[] = []
      const kept: Token[] = []
      for (let m = k + 1; m < cmd.length; m++) {
        const t = cmd[m]
        if (t.kind === 'word' && !t.target) moved.push(t)
        else if (t.kind === 'redir') {
          // a redirection keeps its target (the next word, spacing as written)
          kept.push(SPACE, t)
          let n = m + 1
          while (n < cmd.length && cmd[n].kind === 'space') n++
          if (n < cmd.length && cmd[n].kind === 'word' && cmd[n].target) {
            kept.push(...cmd.slice(m + 1, n + 1))
            m = n
          }
        }
      }
      const trailing = cmd.length && cmd[cmd.length - 1].kind === 'space' ? [cmd[cmd.length - 1]] : []
      out.push(...before)
      for (const w of moved) out.push(w, SPACE)
      out.push(cmd[k], ...kept)
      out.push(...trailing)
    }
    if (j < tokens.length) out.push(tokens[j])
    i = j + 1
  }
  return out
}

/**
 * Fills a command template: every placeholder in one pass, each value quoted for its context,
 * {args} (each argument quoted) moved to the end of its command. Refuses {args} inside quotes or
 * glued to other text (it stands for several words).
 */
export function fillTemplate(template: string, v: TemplateValues, field: string): string {
  const tokens = tokenize(template, field)
  for (const t of tokens) {
    const i = t.segs.findIndex((s) => s.ph === 'args')
    if (i < 0) continue
    if (t.segs[i].quote !== 'none') throw new InputError('{args} stands for several words: write it unquoted (nbtrace quotes each argument)', {field})
    if (t.segs.length !== 1 || t.kind !== 'word') throw new InputError('{args} must be a word of its own in the command template', {field})
  }
  const value = (s: Seg): string => {
    switch (s.ph!) {
      case 'args':
        return v.args.map(shellQuote).join(' ')
      case 'slow':
        return String(v.slow)
      case 'fast':
        return String(v.fast)
      case 'out':
        return quoteIn(v.out, s.quote!)
      case 'cwd':
        return quoteIn(v.cwd, s.quote!)
    }
  }
  const programs = programWords(tokens)
  return argsLast(tokens)
    .map((t) => (programs.has(t) ? shellQuote(resolve(v.cwd || '.', t.segs[0].text)) : t.segs.map((s) => (s.ph ? value(s) : s.text)).join('')))
    .join('')
}

/** Plain path-like program names with a slash, not absolute, each the first word of its command. */
const RELATIVE_PROGRAM = /^[A-Za-z0-9._+-]*(\/[A-Za-z0-9._+-]+)+$/

function programWords(tokens: Token[]): Set<Token> {
  const out = new Set<Token>()
  let first = true
  for (const t of tokens) {
    if (t.kind === 'op') first = true
    else if (t.kind === 'word' && !t.target) {
      // an assignment before the program (VAR=x prog) is not the program
      if (first && t.segs.length === 1 && !t.segs[0].ph && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.segs[0].text)) continue
      if (first && t.segs.length === 1 && !t.segs[0].ph && RELATIVE_PROGRAM.test(t.segs[0].text) && !isAbsolute(t.segs[0].text)) out.add(t)
      first = false
    }
  }
  return out
}
