// Text rendering of a comparison report: verdict line, root-cause table, first divergence with
// aligned context (differing digits highlighted), a unified diff around it, counts.
import type {ChalkInstance} from 'chalk'
import {showLoop} from '../align/keys.js'
import {renderTable, type Column} from '../cli/table.js'
import {outputWidth, wrapLines} from '../cli/terminal.js'
import type {ContextLine, Report, ReportDivergence} from '../compare/report.js'
import {contextPatch, highlightPair} from './diff.js'
import {fmt} from '../util/numbers.js'

export interface RenderOptions {
  chalk: ChalkInstance
  all: boolean
  /** columns the text may use (default: the terminal's, see outputWidth) */
  width?: number
}

function valueText(v: unknown): string {
  return Array.isArray(v) ? '[' + v.map((x) => fmt(x)).join(', ') + ']' : fmt(v)
}

function divergenceBlock(d: ReportDivergence, chalk: ChalkInstance): string[] {
  const [a, b] = highlightPair(JSON.stringify(d.ref), JSON.stringify(d.cand), chalk)
  const lines = [
    `  reference  ${a}   (line ${d.refLine})`,
    `  candidate  ${b}   (line ${d.candLine})`,
    `  abs diff ${fmt(d.absDiff)}   rel diff ${fmt(d.relDiff)}   ratio ${fmt(d.ratio)}   ulps ${fmt(d.ulps)}${d.components ? `   differing component${d.components.length > 1 ? 's' : ''} ${d.components.map((i) => (Array.isArray(d.ref) && d.ref.length === 3 ? 'xyz'[i] : String(i))).join(', ')}` : ''}`,
  ]
  return lines
}

function contextBlock(ctx: ContextLine[], chalk: ChalkInstance): string[] {
  const out: string[] = []
  for (const c of ctx) {
    const mark = c.divergent ? chalk.yellow('>') : ' '
    if (c.cand !== null && c.ref !== null && c.ref !== c.cand) {
      const [a, b] = highlightPair(c.ref, c.cand, chalk)
      out.push(`${mark} ref  ${a}`)
      out.push(`${mark} cand ${b}`)
    } else {
      out.push(c.cand === null ? `${mark} ref  ${c.ref}${chalk.dim('   (no candidate record)')}` : `${mark} both ${c.ref}`)
    }
  }
  return out
}

export function renderReport(r: Report, o: RenderOptions): string {
  const {chalk} = o
  const out: string[] = []
  const color = r.status === 'agree' ? chalk.green.bold : r.status === 'mismatch' ? chalk.magenta.bold : chalk.red.bold
  out.push(color(r.verdict))
  const side = (label: string, s: Report['ref']) =>
    `${label} ${s.file} (${s.format}, ${s.producer}, ${s.precision}${s.pixel ? `, pixel slow ${s.pixel.slow} fast ${s.pixel.fast}` : ''}, ${s.records} records)`
  out.push(chalk.dim(side('reference:', r.ref)))
  out.push(chalk.dim(side('candidate:', r.cand)))
  out.push(chalk.dim(`alignment: ${r.alignment.note}; tolerance profile ${r.tolerance.precision}`))

  const p = r.provenance
  if (p.blocking || p.notes.length || p.config.length || p.inputs.length) {
    out.push('')
    out.push(chalk.bold('Provenance'))
    if (p.pixelFromValues) out.push(`  pixel: ${p.pixelFromValues}`)
    if (!p.pixel.match)
      out.push(
        `  pixel: reference ${JSON.stringify(p.pixel.ref)}, candidate ${JSON.stringify(p.pixel.cand)}${p.pixel.transposed ? ' — transposed (slow and fast swapped)' : ''}`,
      )
    for (const c of p.config) out.push(`  config ${c.key}: reference ${JSON.stringify(c.ref)}, candidate ${JSON.stringify(c.cand)}`)
    for (const i of p.inputs)
      out.push(
        `  input ${i.role}: reference ${i.ref?.slice(0, 12) ?? 'none'} (${i.refPath ?? '-'}), candidate ${i.cand?.slice(0, 12) ?? 'none'} (${i.candPath ?? '-'})`,
      )
    for (const n of p.notes) out.push(chalk.dim(`  note: ${n}`))
  }
  if (r.status === 'mismatch') return wrapLines(out, o.width ?? outputWidth()) + '\n'

  if (r.printing.length) {
    out.push('')
    out.push(chalk.bold('Printed units (not divergences)'))
    for (const f of r.printing) out.push(`  ${f.message}`)
  }

  if (r.loopShape.length) {
    out.push('')
    out.push(chalk.bold('Loop shape'))
    for (const s of r.loopShape) out.push(`  ${s.message}`)
  }

  if (r.rootCauses.length) {
    out.push('')
    const shown = o.all ? r.rootCauses : r.rootCauses.slice(0, 1)
    out.push(
      chalk.bold(
        `Root cause${r.rootCauses.length > 1 ? 's' : ''}${!o.all && r.rootCauses.length > 1 ? ` (first of ${r.rootCauses.length}; --all lists every one)` : ''}`,
      ),
    )
    const columns: Column[] = [
      {header: '#', align: 'right'},
      {header: 'variable'},
      {header: 'loop'},
      {header: 'class'},
      {header: 'reference', prose: true},
      {header: 'candidate', prose: true},
      {header: 'rel diff'},
      {header: 'ratio'},
      {header: 'iter', align: 'right'},
      {header: 'cascade', align: 'right'},
    ]
    const rows = shown.map((c, i) => [
      String(i + 1),
      c.name,
      showLoop(c.loop),
      c.class + (c.label ? ` (${c.label})` : ''),
      valueText(c.ref),
      valueText(c.cand),
      fmt(c.relDiff),
      fmt(c.ratio),
      String(c.iterations),
      String(c.cascade),
    ])
    out.push(renderTable(columns, rows, {width: o.width ?? outputWidth(), chalk}))
    shown.forEach((c, i) => {
      out.push(`${i + 1}. ${chalk.bold(c.name)} ${showLoop(c.loop)} — ${chalk.bold(c.class ?? '?')}`)
      for (const e of c.evidence) out.push(`   - ${e}`)
    })
  }

  if (r.firstDivergence) {
    const f = r.firstDivergence
    out.push('')
    out.push(
      chalk.bold(
        `First divergence: ${f.name} ${showLoop(f.loop)}${f.occurrence !== undefined ? ` occurrence ${f.occurrence}` : ''} — ${f.class ?? '?'}${f.label ? ` (${f.label})` : ''}`,
      ),
    )
    out.push(...divergenceBlock(f, chalk))
    if (r.context.length) {
      out.push('')
      out.push(chalk.bold('Aligned records around it'))
      out.push(...contextBlock(r.context, chalk))
      const patch = contextPatch(r)
      out.push('')
      out.push(chalk.bold('Unified diff (aligned records, seq dropped)'))
      for (const l of patch.split('\n').slice(2)) {
        if (l.startsWith('+') && !l.startsWith('+++')) out.push(chalk.green(l))
        else if (l.startsWith('-') && !l.startsWith('---')) out.push(chalk.red(l))
        else if (l.startsWith('@@')) out.push(chalk.cyan(l))
        else if (l) out.push(l)
      }
    }
  }

  const c = r.counts
  out.push('')
  out.push(
    `Counts: ${c.matched} matched, ${c.agree} agree, ${c.diverged} diverged (${r.rootCauses.reduce((a, x) => a + x.iterations, 0)} root, ${c.cascade} cascade), ${c.onlyRef} only in reference, ${c.onlyCand} only in candidate`,
  )
  if (r.unmatched.onlyRef.length) out.push(chalk.dim(`unmatched names, reference only: ${r.unmatched.onlyRef.join(', ')}`))
  if (r.unmatched.onlyCand.length) out.push(chalk.dim(`unmatched names, candidate only: ${r.unmatched.onlyCand.join(', ')}`))
  return wrapLines(out, o.width ?? outputWidth()) + '\n'
}
