// Printing and label findings: a value off by an exact unit factor (10^k, 1e10, π/180) while the
// traced quantities computed from it agree. One side printed it in another unit (m⁻¹ against
// Å⁻¹, degrees against radians) or under another name's unit; the computation did not use it
// that way. Such a record is never a root cause nor the first divergence. When the same factor
// reaches the pixel's final value (catalogue role final-pixel-value, or the stored output), the
// computation did use it: the image itself is off, and an agreeing side branch (the water
// background, 0 without water, agrees whatever the fluence) proves nothing.
import {loadCatalogue} from '../catalogue/catalogue.js'
import type {AlignResult, Divergent, VarStat} from '../align/align.js'
import type {Frontier, RootCause} from '../align/frontier.js'
import {fmt} from '../util/numbers.js'
import {ROLE} from './context.js'
import {near, ratios, UNIT_RATIOS} from './values.js'

export interface PrintingFinding {
  name: string
  /** the exact factor candidate/reference */
  factor: number
  /** what the factor is, e.g. "1e-10 (Å → m or m⁻¹ → Å⁻¹)" */
  unit: string
  /** the same factor downstream (quantities printed in the same unit) */
  alsoPrinted: string[]
  /** traced consumers that agree */
  consumers: string[]
  records: number
  message: string
}

/** The exact unit factor every kept divergent record of a variable is off by, if one. */
function unitFactor(s: VarStat): [number, string] | undefined {
  if (s.details.length === 0) return undefined
  for (const [f, why] of UNIT_RATIOS) {
    const fits = (d: Divergent): boolean => {
      const rs = ratios(d)
      const r = d.diff.ratio
      return rs.length ? rs.every((x) => near(x, f)) : r !== null && Number.isFinite(r) && near(r, f)
    }
    if (s.details.every(fits)) return [f, why]
  }
  return undefined
}

export interface Printing {
  findings: PrintingFinding[]
  /** the variables (display names) whose divergences are printing findings */
  stats: Set<VarStat>
  /** their divergent records */
  records: number
}

export function printingFindings(res: AlignResult, fr: Frontier): Printing {
  const cat = loadCatalogue()
  const consumers = new Map<string, string[]>()
  for (const v of cat.variables) for (const i of v.inputs) consumers.set(i, [...(consumers.get(i) ?? []), v.name])
  const byBase = new Map<string, VarStat[]>()
  for (const s of res.vars.values()) byBase.set(s.def.name, [...(byBase.get(s.def.name) ?? []), s])
  const both = (s: VarStat) => s.inRef > 0 && s.inCand > 0
  const agrees = (s: VarStat) => s.diverged === 0 && s.onlyRef === 0 && s.onlyCand === 0
  // what the image holds: a factor that reaches it was computed with, not printed
  const isOutput = (s: VarStat) => s.def.roles.includes(ROLE.finalPixelValue) || s.def.stage === 'output'

  const findings: PrintingFinding[] = []
  const stats = new Set<VarStat>()
  let records = 0
  for (const r of fr.roots) {
    const uf = unitFactor(r.stat)
    if (!uf) continue
    const [f, why] = uf
    // walk the consumers: traced ones agree, or are off by the same factor (printed alike)
    const family: VarStat[] = [r.stat]
    const agreeing: string[] = []
    let broken = false
    const seen = new Set<string>([r.stat.def.name])
    const queue = [...(consumers.get(r.stat.def.name) ?? [])]
    while (queue.length && !broken) {
      const n = queue.shift()!
      if (seen.has(n)) continue
      seen.add(n)
      const traced = (byBase.get(n) ?? []).filter(both)
      if (traced.length === 0) {
        queue.push(...(consumers.get(n) ?? []))
        continue
      }
      for (const s of traced) {
        if (agrees(s)) agreeing.push(s.name)
        else if (unitFactor(s)?.[0] === f && !isOutput(s)) {
          family.push(s)
          queue.push(...(consumers.get(n) ?? []))
        } else broken = true
      }
    }
    if (broken || agreeing.length === 0) continue
    const n = family.reduce((a, s) => a + s.diverged, 0)
    for (const s of family) stats.add(s)
    records += n
    const also = family.slice(1).map((s) => s.name)
    findings.push({
      name: r.stat.name,
      factor: f,
      unit: why,
      alsoPrinted: also,
      consumers: [...new Set(agreeing)],
      records: n,
      message: `${r.stat.name}${also.length ? ` (and ${also.join(', ')})` : ''} differ${also.length ? '' : 's'} by exactly ×${fmt(f)} = ${why} while ${[...new Set(agreeing)].join(', ')}, computed from ${also.length ? 'them' : 'it'}, agree${agreeing.length === 1 ? 's' : ''}: printed in another unit (or labelled with one), not computed with it`,
    })
  }
  return {findings, stats, records}
}

/** The frontier without the printing findings' roots. */
export function withoutPrinting(fr: Frontier, p: Printing): Frontier {
  if (p.stats.size === 0) return fr
  const roots: RootCause[] = fr.roots.filter((r) => !p.stats.has(r.stat))
  const folded = fr.roots.filter((r) => p.stats.has(r.stat)).reduce((a, r) => a + r.cascade, 0)
  return {...fr, roots, cascade: Math.max(0, fr.cascade - folded)}
}
