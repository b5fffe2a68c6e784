// The flags upstream nanoBragg's parser tests, read from its source (facts only: each flag's
// text, how it is matched, how many arguments it needs after it), with a committed copy for
// machines without ../shared/upstream (test/fixtures/upstream-flags.json).
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {FIXTURES} from '../helpers/fixtures.js'
import {upstreamSource} from '../helpers/upstream.js'

export interface UpstreamFlag {
  flag: string
  /** 'sub' (strstr), 'exact' (strcmp), 'len=N' (strstr and strlen == N), 'len>N' */
  rule: string
  /** argc > i+N, or null when the test has no argument condition; ">=" conditions give N-1 */
  need: number | null
  /** the line is commented out upstream */
  commented: boolean
}

export const COMMITTED = join(FIXTURES, 'upstream-flags.json')

/** Every argv[i] test of the source, one entry per flag text and line. */
export function parseUpstreamFlags(source: string): UpstreamFlag[] {
  const out: UpstreamFlag[] = []
  for (const line of source.split('\n')) {
    if (!/str(str|cmp)\(argv\[i\],/.test(line)) continue
    const commented = /^\s*\/\//.test(line)
    const argc = /argc\s*(>=?)\s*\(i\+(\d+)\)/.exec(line)
    const need = argc ? Number(argc[2]) - (argc[1] === '>=' ? 1 : 0) : null
    for (const seg of line.split('||')) {
      const m = /(0\s*==\s*)?str(str|cmp)\(argv\[i\],\s*"([^"]+)"\)/.exec(seg)
      if (!m) continue
      const len = /strlen\(argv\[i\]\)\s*(==|>)\s*(\d+)/.exec(seg)
      const rule = m[2] === 'cmp' ? 'exact' : len ? `len${len[1] === '==' ? '=' : '>'}${len[2]}` : 'sub'
      out.push({flag: m[3], rule, need, commented})
    }
  }
  return out
}

/** Upstream's flags: from ../shared/upstream when it is there, else the committed copy. */
export function upstreamFlags(): {flags: UpstreamFlag[]; from: string} {
  const src = upstreamSource('bl831')
  if (existsSync(src)) return {flags: parseUpstreamFlags(readFileSync(src, 'utf8')), from: src}
  return {flags: JSON.parse(readFileSync(COMMITTED, 'utf8')) as UpstreamFlag[], from: COMMITTED}
}
