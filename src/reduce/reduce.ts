// `nbtrace reduce`: from a configuration where the pixel diverges to the smallest one that still
// shows the same root cause (variable and class). The given configuration is traced on both
// sides once; then each loop dimension, the largest cost first, is reduced by the strongest
// reduction that keeps the root-cause signature (./dimensions.ts), the hkl table is cut to the
// neighbourhood of the reflections the pixel visits (./hkl.ts), and for programs that compute the
// whole image a region of interest is used where it provably keeps the pixel's value
// (./roi.ts), checked again at the end without it. Every trial is a `trace` of both sides
// (./ports.ts tracePair); a trial that loses the cause is evidence of where the cause lives.
// Everything is staged in the evidence folder and committed whole: reduce.json, repro.sh, the
// minimal run's traces, report.json and diff.patch, and the input files the minimal run reads.
import {readFileSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {relative, resolve} from 'node:path'
import {performance} from 'node:perf_hooks'
import {InputError} from '../util/errors.js'
import type {PixelIndex} from '../util/parse.js'
import {applyEdit, lastValue, setsAny, withoutFields} from './args.js'
import {candidates, countName, DIMENSIONS, FIELDS, plural, SET_FLAGS, type Candidate, type Dimension, type Loops} from './dimensions.js'
import {cutHkl} from './hkl.js'
import {filesIn, localizeInputs, relativeTo} from './inputs.js'
import {
  checkEvidenceFolder,
  contextPatch,
  EvidenceStage,
  nanoBraggFiles,
  parseArgs,
  parseSourceText,
  shellQuote,
  tracePair,
  type CompareHook,
  type Report,
  type Role,
  type SideSpec,
} from './ports.js'
import {reduceRepro} from './repro.js'
import type {ReduceResult, RunFigures, SideDesc, Step} from './result.js'
import {roiArgs, roiFor} from './roi.js'
import {describeSignature, sameSignature, signatureOf, type Cause} from './signature.js'
import {divergentSource, loopsOfRun, millerRange, sourceRow} from './trace-values.js'

export interface ReduceJob {
  /** nanoBragg arguments of the divergent configuration */
  args: string[]
  cwd: string
  pixel: PixelIndex
  outDir: string
  ref: SideSpec
  cand: SideSpec
  /** per side and trial; 0: no limit */
  timeoutMs: number
  maxStdoutBytes: number
  compare: CompareHook
  /** compares two traces of one side run with and without the region of interest */
  compareSame: CompareHook
  /** compare flags repro.sh passes on to trace (--precision, ...) */
  compareFlags: string[]
  /** how repro.sh starts nbtrace */
  cli: string[]
  /** the arguments of `reduce` as given (for the manifest) */
  argv: string[]
  onStatus?: (line: string) => void
}

interface Run {
  args: string[]
  report: Report
  refTrace: string
  candTrace: string
  seconds: Record<Role, number>
  loops: Loops
}

type Trial = {ok: true; run: Run; seconds: number} | {ok: false; what: string; failure: ReduceResult['failure']; seconds: number}

const sideDesc = (s: SideSpec): SideDesc => ({engine: s.engine, template: s.template ?? null, fixes: s.fixes, faults: s.faults})
const round = (x: number): number => Math.round(x * 1000) / 1000
const nanoBragg = (args: string[]): string => ['nanoBragg', ...args.map(shellQuote)].join(' ')

function loopsText(loops: Loops): string {
  return DIMENSIONS.map((d) => {
    const n = loops[countName(d)]
    return n === null || n === undefined ? `${d.unit[1]} unknown` : plural(d, n)
  }).join(', ')
}

class Reducer {
  private readonly stage: EvidenceStage
  private trials = 0
  readonly steps: Step[] = []
  readonly evidence: string[] = []
  private readonly say: (line: string) => void

  constructor(private readonly job: ReduceJob) {
    this.stage = new EvidenceStage(job.outDir, job.cwd)
    this.say = job.onStatus ?? (() => {})
  }

  get dir(): string {
    return this.stage.dir
  }

  /** Traces both sides with these arguments; the traces go into the staging folder. */
  async trial(args: string[], first = false): Promise<Trial> {
    const n = ++this.trials
    const refTrace = this.stage.path(`trial-${n}.ref.jsonl`)
    const candTrace = this.stage.path(`trial-${n}.cand.jsonl`)
    const t0 = performance.now()
    const drop = (): void => {
      rmSync(refTrace, {force: true})
      rmSync(candTrace, {force: true})
    }
    try {
      const r = await tracePair({
        ref: this.job.ref,
        cand: this.job.cand,
        args,
        cwd: this.job.cwd,
        pixel: this.job.pixel,
        refOut: refTrace,
        candOut: candTrace,
        timeoutMs: this.job.timeoutMs,
        maxStdoutBytes: this.job.maxStdoutBytes,
        compare: this.job.compare,
      })
      const seconds = (performance.now() - t0) / 1000
      if (!r.ok) {
        drop()
        return {ok: false, what: `the ${r.failure.side === 'ref' ? 'reference' : 'candidate'} side failed: ${r.failure.what}`, failure: r.failure, seconds}
      }
      const loops = r.report.status === 'mismatch' ? {} : await loopsOfRun(refTrace, candTrace)
      return {ok: true, run: {args, report: r.report, refTrace, candTrace, seconds: r.seconds, loops}, seconds: (performance.now() - t0) / 1000}
    } catch (e) {
      drop()
      // a reduced configuration an engine refuses is a failed trial, not a failed reduction
      if (!first && e instanceof InputError) return {ok: false, what: `refused: ${e.oneLine()}`, failure: null, seconds: (performance.now() - t0) / 1000}
      throw e
    }
  }

  discard(run: Run): void {
    rmSync(run.refTrace, {force: true})
    rmSync(run.candTrace, {force: true})
  }

  step(s: Omit<Step, 'n'>, n = this.steps.filter((x) => x.n > 0).length + 1): Step {
    const full = {n, ...s, seconds: round(s.seconds)}
    this.steps.push(full)
    this.say(
      `  ${String(full.n).padStart(2)} ${s.dimension}: ${s.what}: ${s.outcome}${s.outcome === 'kept' || s.outcome === 'applied' || s.outcome === 'skipped' ? '' : ` — ${s.detail}`}${s.seconds ? ` (${s.seconds.toFixed(1)} s)` : ''}`,
    )
    return full
  }

  /** A fresh file name in the staging folder. */
  fresh(stem: string, ext: string): string {
    const have = new Set(readdirSync(this.stage.dir))
    for (let i = 1; ; i++) if (!have.has(`${stem}.${i}.${ext}`)) return `${stem}.${i}.${ext}`
  }

  /**
   * Tries one candidate on the current run: the new run when the signature persists (the old
   * run's traces are dropped), else null (the trial's traces and files are dropped).
   */
  async attempt(cur: Run, c: Candidate, signature: Cause[], dim: Dimension | null, lives: string): Promise<Run | null> {
    for (const f of c.files) writeFileSync(this.stage.path(f.name), f.text)
    const names = new Set(c.files.map((f) => f.name))
    const args = applyEdit(cur.args, {remove: c.edit.remove, add: c.edit.add.map((w) => (names.has(w) ? this.stage.path(w) : w))})
    const t = await this.trial(args)
    const dropFiles = (): void => {
      for (const f of c.files) rmSync(this.stage.path(f.name), {force: true})
    }
    const base = {dimension: c.dimension, what: c.what, args: relativeTo(args, this.stage.dir), seconds: t.seconds}
    if (!t.ok) {
      dropFiles()
      this.step({...base, loops: null, outcome: 'failed', detail: t.what, causes: null})
      return null
    }
    const run = t.run
    const reject = (s: Omit<Step, 'n' | keyof typeof base>): null => {
      this.discard(run)
      dropFiles()
      this.step({...base, ...s})
      return null
    }
    if (run.report.status === 'agree') {
      const detail = `disappears ${c.with}: the cause lives in ${lives}`
      this.evidence.push(detail)
      return reject({loops: run.loops, outcome: 'vanished', detail, causes: []})
    }
    if (run.report.status === 'mismatch') return reject({loops: null, outcome: 'failed', detail: `not comparable: ${run.report.verdict}`, causes: null})
    if (dim) {
      const k = countName(dim)
      if (run.loops[k] !== null && run.loops[k] === cur.loops[k]) {
        return reject({loops: run.loops, outcome: 'no-effect', detail: `${k} stays ${cur.loops[k]}`, causes: signatureOf(run.report)})
      }
    }
    const sig = signatureOf(run.report)
    if (!sameSignature(sig, signature)) {
      const lost = signature.filter((a) => !sig.some((b) => a.name === b.name && a.class === b.class))
      const detail = lost.length
        ? `${describeSignature(lost)} disappear${lost.length === 1 ? 's' : ''} ${c.with} (the root causes become ${describeSignature(sig)}): ${lost.length === 1 ? 'it lives' : 'they live'} in ${lives}`
        : `the root causes become ${describeSignature(sig)}`
      if (lost.length) this.evidence.push(detail)
      return reject({loops: run.loops, outcome: 'changed', detail, causes: sig})
    }
    this.discard(cur)
    // files of the dropped run that the new one no longer reads are removed at the end
    this.step({...base, loops: run.loops, outcome: 'kept', detail: `same root cause: ${describeSignature(sig)}`, causes: sig})
    return run
  }

  /** The staged evidence, swapped in place of the evidence folder. */
  commit(minimal: Run, result: ReduceResult, repro: string): string[] {
    const s = this.stage
    renameSync(minimal.refTrace, s.path('ref.jsonl'))
    renameSync(minimal.candTrace, s.path('cand.jsonl'))
    const report: Report = {
      ...minimal.report,
      ref: {...minimal.report.ref, file: s.finalPath('ref.jsonl')},
      cand: {...minimal.report.cand, file: s.finalPath('cand.jsonl')},
    }
    writeFileSync(s.path('report.json'), JSON.stringify(report, null, 2) + '\n')
    writeFileSync(s.path('diff.patch'), contextPatch(report))
    writeFileSync(s.path('repro.sh'), repro, {mode: 0o755})
    // only what the minimal run reads stays
    const keep = new Set(['ref.jsonl', 'cand.jsonl', 'report.json', 'diff.patch', 'repro.sh', 'reduce.json', ...filesIn(minimal.args, s.dir)])
    for (const f of readdirSync(s.dir)) if (!keep.has(f)) rmSync(s.path(f), {force: true, recursive: true})
    const names = [...readdirSync(s.dir), 'reduce.json', 'manifest.json'].filter((v, i, a) => a.indexOf(v) === i).sort()
    result.artifacts = names.map((n) => relative(this.job.cwd, s.finalPath(n)) || s.finalPath(n))
    writeFileSync(s.path('reduce.json'), JSON.stringify(result, null, 2) + '\n')
    return s.commit(['reduce', ...this.job.argv])
  }

  abandon(): void {
    this.stage.discard()
  }
}

function figures(run: Run, args: string[]): RunFigures {
  return {
    args,
    command: nanoBragg(args),
    loops: run.loops,
    ref: {records: run.report.ref.records, seconds: round(run.seconds.ref)},
    cand: {records: run.report.cand.records, seconds: round(run.seconds.cand)},
  }
}

export async function runReduce(job: ReduceJob): Promise<ReduceResult> {
  const t0 = performance.now()
  if (job.args.length === 0) throw new InputError('expected the nanoBragg arguments of the divergent configuration after "--"', {field: '--'})
  checkEvidenceFolder(job.outDir, job.cwd, nanoBraggFiles(job.args, job.cwd).inputs)
  const r = new Reducer(job)
  const base: ReduceResult = {
    schema: 'nbtrace-reduce',
    version: 1,
    status: 'failed',
    exitCode: 3,
    verdict: '',
    pixel: {...job.pixel},
    sides: {ref: sideDesc(job.ref), cand: sideDesc(job.cand)},
    signature: [],
    original: null,
    minimal: null,
    steps: r.steps,
    evidence: r.evidence,
    roi: {used: false, box: null, reason: '', verified: null},
    rootCauses: [],
    outDir: null,
    artifacts: [],
    failure: null,
    elapsedSeconds: 0,
  }
  const done = (res: ReduceResult): ReduceResult => ({...res, elapsedSeconds: round((performance.now() - t0) / 1000)})
  try {
    let args = localizeInputs(job.args, job.cwd, r.dir)
    const say = job.onStatus ?? (() => {})

    // a region of interest, for sides that compute the whole image (decided before any run)
    const wholeImage = [job.ref, job.cand].filter((s) => s.engine === 'cmd')
    if (wholeImage.length) {
      const d = roiFor(args, job.cwd, job.pixel)
      base.roi = {used: d.ok, box: d.ok ? d.box : null, reason: d.why, verified: null}
      if (d.ok) args = [...args, ...roiArgs(d.box)]
      r.step(
        {
          dimension: 'roi',
          what: d.ok ? `-roi ${d.box.join(' ')} around the pixel (the external program computes the whole image)` : 'a region of interest around the pixel',
          args: null,
          loops: null,
          outcome: d.ok ? 'applied' : 'skipped',
          detail: d.why,
          causes: null,
          seconds: 0,
        },
        0,
      )
    } else {
      base.roi.reason = 'both sides compute the traced pixel alone: no region of interest is needed'
    }

    say(`tracing the given configuration at pixel (slow ${job.pixel.slow}, fast ${job.pixel.fast})…`)
    const t = await r.trial(args, true)
    if (!t.ok) {
      r.abandon()
      return done({...base, status: 'failed', exitCode: 3, verdict: `nothing reduced: ${t.what}`, failure: t.failure})
    }
    let cur = t.run
    const original = figures(cur, job.args)
    if (cur.report.status === 'agree') {
      r.abandon()
      return done({
        ...base,
        status: 'agree',
        exitCode: 0,
        verdict: `the two sides agree at this pixel: nothing to reduce (${cur.report.verdict})`,
        original,
        steps: [],
      })
    }
    if (cur.report.status === 'mismatch') {
      r.abandon()
      return done({
        ...base,
        status: 'mismatch',
        exitCode: 1,
        verdict: `the traces are not comparable, so there is no root cause to hold: ${cur.report.verdict}`,
        original,
      })
    }
    const signature = signatureOf(cur.report)
    say(`root cause held fixed: ${describeSignature(signature)} (${loopsText(cur.loops)})`)

    // the loop dimensions, the largest share of the work first
    const count = (d: Dimension): number => cur.loops[countName(d)] ?? 1
    const order = DIMENSIONS.filter((d) => count(d) > 1).sort((a, b) => b.cost(count(b)) - a.cost(count(a)))
    for (const d of order)
      for (let round = 0; ; round++) {
        const k = divergentSource(cur.report)
        const sf = lastValue(cur.args, 'sourcefilename')?.[0] ?? null
        let sourceFile = null
        if (d.id === 'sources' && sf) {
          const text = readFileSync(sf, 'latin1')
          const lineOfSource: number[] = []
          parseSourceText(text, lineOfSource)
          sourceFile = {name: relative(r.dir, sf) || sf, text, lineOfSource}
        }
        const row = d.id === 'sources' && !sf && k !== null ? await sourceRow(cur.refTrace, k) : null
        const list = candidates(d, {args: cur.args, loops: cur.loops, divergentSource: k, sourceRow: row, sourceFile, round, fresh: (s, e) => r.fresh(s, e)})
        let again = false
        for (const c of list) {
          const next = await r.attempt(cur, c, signature, d, d.lives)
          if (next) {
            cur = next
            again = c.again === true
            break
          }
        }
        if (!again) break
      }

    // the hkl table, cut to the neighbourhood of the reflections the pixel visits
    const hkl = lastValue(cur.args, 'hklfilename')?.[0]
    if (hkl && setsAny(cur.args, FIELDS.hkl)) {
      const visited = await millerRange(cur.refTrace)
      const cut = visited
        ? cutHkl(readFileSync(hkl, 'latin1'), parseArgs(cur.args, {timeSeed: 0}).defaultF, visited, hkl)
        : {ok: false as const, reason: 'the reference trace states no fractional Miller indices'}
      if (cut.ok) {
        const name = r.fresh('hkl', 'hkl')
        const box = cut.box.map(([a, b], i) => `${'hkl'[i]} ${a}..${b}`).join(', ')
        const c: Candidate = {
          dimension: 'hkl',
          what: `hkl table → ${cut.cells} cells (${box}), from ${cut.records} records`,
          with: 'with the hkl table cut to the neighbourhood of the visited reflections',
          edit: {remove: FIELDS.hkl, add: [SET_FLAGS.hkl, name]},
          files: [{name, text: cut.text}],
          target: null,
        }
        cur = (await r.attempt(cur, c, signature, null, 'reflections farther from the visited ones, or in the range of the table')) ?? cur
      } else {
        r.step({dimension: 'hkl', what: 'the hkl table', args: null, loops: null, outcome: 'skipped', detail: cut.reason, causes: null, seconds: 0})
      }
    }

    // the region of interest, checked at the minimal configuration: without it, each side's trace
    // must agree with its own trace made with it
    if (base.roi.used) {
      const plain = withoutFields(cur.args, FIELDS.roi)
      const v = await r.trial(plain)
      if (v.ok && v.run.report.status !== 'mismatch') {
        const same = await Promise.all([job.compareSame(cur.refTrace, v.run.refTrace), job.compareSame(cur.candTrace, v.run.candTrace)])
        const verified = same.every((x) => x.status === 'agree') && sameSignature(signatureOf(v.run.report), signature)
        base.roi.verified = verified
        r.step({
          dimension: 'roi',
          what: 'the minimal configuration without -roi (the whole image)',
          args: relativeTo(plain, r.dir),
          loops: v.run.loops,
          outcome: verified ? 'kept' : 'changed',
          detail: verified
            ? 'each side traces the same pixel values with and without the region of interest'
            : `the region of interest changed the pixel: ${same.map((x, i) => `${i ? 'candidate' : 'reference'} ${x.status}`).join(', ')}; the minimal configuration is reported without it`,
          causes: signatureOf(v.run.report),
          seconds: v.seconds,
        })
        if (verified) r.discard(v.run)
        else {
          r.discard(cur)
          cur = v.run
        }
      } else {
        base.roi.verified = false
        r.step({
          dimension: 'roi',
          what: 'the minimal configuration without -roi (the whole image)',
          args: relativeTo(plain, r.dir),
          loops: null,
          outcome: 'failed',
          detail: v.ok ? `not comparable: ${v.run.report.verdict}` : v.what,
          causes: null,
          seconds: v.seconds,
        })
        if (v.ok) r.discard(v.run)
      }
    }

    const minimalArgs = relativeTo(cur.args, r.dir)
    const minimal = figures(cur, minimalArgs)
    const kept = r.steps.filter((s) => s.outcome === 'kept' && s.dimension !== 'roi').length
    const verdict = kept
      ? `reduced (${kept} reduction${kept === 1 ? '' : 's'} kept): ${loopsText(cur.loops)}, from ${loopsText(original.loops)}; the root cause ${describeSignature(signature)} persists; records per side ${original.ref.records} → ${minimal.ref.records} (reference), ${original.cand.records} → ${minimal.cand.records} (candidate)`
      : `no reduction keeps the root cause ${describeSignature(signature)}: the given configuration (${loopsText(cur.loops)}) is already minimal`
    const result: ReduceResult = {
      ...base,
      status: 'reduced',
      exitCode: 1,
      verdict: base.roi.verified === false ? `${verdict}; WARNING: the region of interest changed the pixel's value (see the roi steps)` : verdict,
      signature,
      original,
      minimal,
      rootCauses: cur.report.rootCauses.map((c) => ({name: c.name, class: c.class, loop: c.loop ? (c.loop as Record<string, number>) : null})),
      outDir: resolve(job.cwd, job.outDir),
    }
    const repro = reduceRepro({
      cli: job.cli,
      pixel: job.pixel,
      ref: job.ref,
      cand: job.cand,
      compareFlags: job.compareFlags,
      args: minimalArgs,
      verdict: `diverged, root cause ${describeSignature(signature)}`,
    })
    const final = done(result)
    r.commit(cur, final, repro)
    return final
  } catch (e) {
    r.abandon()
    throw e
  }
}
