// The text output of `nbtrace reduce`: the verdict, the root cause held fixed, every step tried
// with its outcome, the evidence, the figures before and after, the minimal command line
// (wrapped to the terminal as a shell line with continuations) and the evidence folder.
import type {ChalkInstance} from 'chalk'
import {countName, DIMENSIONS} from './dimensions.js'
import type {ReduceResult, RunFigures, StepOutcome} from './result.js'
import {describeSignature} from './signature.js'

/** Words of a line folded to a width, continuation lines indented. */
function fold(text: string, width: number, indent: string): string[] {
  const lead = /^ */.exec(text)![0]
  const out: string[] = []
  let line = lead
  for (const w of text.slice(lead.length).split(' ')) {
    if (line.trim() && line.length + 1 + w.length > width) {
      out.push(line)
      line = indent + w
    } else line = line.trim() ? `${line} ${w}` : line + w
  }
  if (line.trim()) out.push(line)
  return out
}

/** A command line wrapped at word boundaries, with shell continuations. */
function wrapCommand(cmd: string, width: number): string[] {
  const lines = fold(cmd, Math.max(20, width - 2), '    ')
  return lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l))
}

function loopsShort(f: RunFigures): string {
  return DIMENSIONS.map((d) => `${d.id} ${f.loops[countName(d)] ?? '?'}`).join(', ')
}

export function renderReduce(r: ReduceResult, o: {chalk: ChalkInstance; width: number}): string {
  const c = o.chalk
  const width = Math.max(40, o.width)
  const out: string[] = []
  const colour: Record<StepOutcome, (s: string) => string> = {
    kept: c.green,
    vanished: c.yellow,
    changed: c.yellow,
    failed: c.red,
    'no-effect': c.dim,
    applied: c.green,
    skipped: c.dim,
  }
  const head =
    r.status === 'reduced'
      ? c.bold('REDUCED')
      : r.status === 'agree'
        ? c.green('AGREE')
        : r.status === 'mismatch'
          ? c.yellow('NOT COMPARABLE')
          : c.red('FAILED')
  out.push(...fold(`${head}: ${r.verdict}`, width, '  '))
  if (r.failure?.stderrTail) out.push(...r.failure.stderrTail.split('\n').map((l) => `  | ${l}`))
  if (r.signature.length) out.push(`root cause held fixed: ${describeSignature(r.signature)}`)
  if (r.steps.length) {
    out.push('', 'steps:')
    for (const s of r.steps) {
      const secs = s.seconds ? ` (${s.seconds.toFixed(1)} s)` : ''
      out.push(...fold(`  ${String(s.n).padStart(2)}. ${s.dimension}: ${s.what} — ${colour[s.outcome](s.outcome)}${secs}: ${s.detail}`, width, '      '))
    }
  }
  if (r.evidence.length) {
    out.push('', 'evidence:')
    for (const e of r.evidence) out.push(...fold(`  ${e}`, width, '    '))
  }
  const fig = (label: string, f: RunFigures | null): void => {
    if (!f) return
    out.push(
      ...fold(
        `${label}: ${loopsShort(f)}; reference ${f.ref.records} records ${f.ref.seconds.toFixed(2)} s, candidate ${f.cand.records} records ${f.cand.seconds.toFixed(2)} s`,
        width,
        '  ',
      ),
    )
  }
  if (r.original && r.status === 'reduced') {
    out.push('')
    fig('before', r.original)
    fig('after ', r.minimal)
  }
  if (r.roi.reason && r.status === 'reduced')
    out.push(
      ...fold(
        `region of interest: ${r.roi.used ? `-roi ${r.roi.box!.join(' ')}${r.roi.verified ? ' (checked: same pixel values without it)' : r.roi.verified === false ? ' (NOT confirmed without it)' : ''}` : 'not used'} — ${r.roi.reason}`,
        width,
        '  ',
      ),
    )
  if (r.minimal) {
    out.push('', `minimal configuration${r.outDir ? ' (input files in the evidence folder)' : ''}:`)
    out.push(...wrapCommand(r.minimal.command, width).map((l) => `  ${l}`))
  }
  if (r.artifacts.length) out.push('', ...fold(`evidence: ${r.artifacts.join(', ')}`, width, '  '))
  return out.join('\n')
}
