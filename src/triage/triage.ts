// `nbtrace triage`: a whole-image discrepancy explained by its independent root causes, each with
// its share. The flow, one way:
//   images (given, or rendered by both sides at once) → metrics and discrepancy (src/parity)
//   → partition into candidate groups (partition.ts) → representatives and a stratified sample
//   (select.ts) → both sides traced in parallel, each pixel compared (tracer.ts, ports.ts)
//   → causes and their split at each traced pixel (causes.ts) → every group to a cause, shares,
//   regions, unexplained rest (assign.ts) → round 2 for what is left → verdict, cause map, JSON.
// Everything is staged and moved into the output folder in one step at the end.
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {basename, join, relative, resolve} from 'node:path'
import {checkSameSize, computeMetrics, DEFAULT_THRESHOLDS, judge, readImage, type Metrics, type ParityImage} from '../parity/index.js'
import {InputError} from '../util/errors.js'
import {assignGroups, shares, type CauseShare, type GroupAssignment, type Residual, type TracedPixel} from './assign.js'
import {attribute, causesOf, pixelValueNames} from './causes.js'
import {writeCauseMap, type CauseMapInfo} from './causemap.js'
import {pixelGeometry, twoThetaDeg, type PixelGeometry} from './geometry.js'
import {partition, ratioClass, SHELLS, splitGroup, TILE_NAMES, type Box, type Group, type Partition} from './partition.js'
import {
  checkEvidenceFolder,
  checkSide,
  compareTraceFiles,
  configurationSetup,
  DEMO_ARGS,
  EvidenceStage,
  imageOnSide,
  loopFreeValues,
  reportText,
  SideFailure,
  type SideSpec,
} from './ports.js'
import {chooseRound1, chooseRound2, reserveFor, type Choice} from './select.js'
import {openSideTracer, Slots, type SideTracer} from './tracer.js'
import type {PrecisionProfile} from '../align/tolerance.js'
import {percent} from '../util/numbers.js'

export const DEFAULT_MAX_PIXELS = 24

export interface TriageJob {
  args: string[]
  cwd: string
  outDir: string
  ref: SideSpec
  cand: SideSpec
  refImage?: string
  candImage?: string
  maxPixels: number
  timeoutMs: number
  precision?: PrecisionProfile
  /** parallel slots (default: available cores) */
  jobs?: number
  /** the arguments of `triage` as given (for the evidence folder's manifest) */
  argv?: string[]
  onStatus?: (line: string) => void
  onProgress?: (fraction: number) => void
}

export interface RegionInfo {
  box: {slow: [number, number]; fast: [number, number]} | null
  /** resolution range d = 1/|S|, Å (high resolution first), and 2θ range, degrees */
  resolution: {dMinA: number; dMaxA: number; twoThetaDeg: [number, number]} | null
  tiles: string[]
  shells: number[]
}

export interface TriageCause {
  rank: number
  name: string
  variable: string
  class: string
  classVotes: Record<string, number>
  label: string | null
  scope: string
  share: number
  sumDiffShare: number | null
  sumSq: number
  sumDiff: number
  pixels: number
  region: RegionInfo
  representative: {slow: number; fast: number; evidence: string; ref: number; cand: number; verdict: string}
  tracedPixels: number
}

export interface TriageResult {
  schema: 'nbtrace-triage'
  version: 1
  /** failed: a side produced no image, or no traced pixel could be compared */
  status: 'agree' | 'diverged' | 'failed'
  verdict: string
  /** 0 the images agree, 1 they differ, 3 a side failed (see trace's SIDE_FAILED) */
  exitCode: 0 | 1 | 3
  failure: {side: 'ref' | 'cand'; what: string; stderrTail: string} | null
  demo: boolean
  outDir: string
  ref: {side: string; image: string; rendered: boolean}
  cand: {side: string; image: string; rendered: boolean}
  size: {fast: number; slow: number}
  metrics: Metrics | null
  parity: {pass: boolean; failures: string[]; thresholds: typeof DEFAULT_THRESHOLDS} | null
  discrepancy: {pixels: number; nonFinite: number; sumSq: number; sumDiff: number; sumRef: number; sumCand: number} | null
  features: {
    smoothStep: number
    peakThreshold: number
    shellEdges: number[] | null
    tiles: {name: string; fast: [number, number]; slow: [number, number]}[]
    geometry: string | null
  } | null
  causes: TriageCause[]
  unexplained: {share: number; sumDiffShare: number | null; sumSq: number; sumDiff: number; pixels: number; region: RegionInfo; groups: number[]}
  groups: {
    id: number
    kind: Group['kind']
    pixels: number
    share: number
    sumDiff: number
    sign: {positive: number; negative: number}
    ratio: [number, number] | null
    onPeak: number
    region: RegionInfo
    assigned: GroupAssignment['how']
    explainedBy: {slow: number; fast: number} | null
    causes: string[]
  }[]
  traced: {
    slow: number
    fast: number
    round: 1 | 2
    reason: string
    group: number
    status: TracedPixel['status']
    verdict: string
    ref: number
    cand: number
    causes: {name: string; class: string; label: string | null; fraction: number; weight: number}[]
    attribution: string | null
    note: string | null
    evidence: string
  }[]
  budget: {maxPixels: number; traced: number; rounds: number; slots: number}
  map: CauseMapInfo | null
  artifacts: string[]
  warnings: string[]
  elapsedMs: number
}

const sideLabel = (s: SideSpec): string =>
  s.engine === 'cmd'
    ? `command: ${s.template}`
    : `${s.engine} engine${s.faults.length ? ` --inject ${s.faults.join(',')}` : ''}${s.fixes.length ? ` --fix ${s.fixes.join(',')}` : ''}`

const pct = percent

function region(box: Box | null, sRange: [number, number] | null, tiles: number, shells: number, geo: PixelGeometry | null, p: Partition): RegionInfo {
  const tl: string[] = []
  for (let t = 0; t < 4; t++) if (tiles & (1 << t)) tl.push(TILE_NAMES[t])
  const sh: number[] = []
  for (let h = 0; h < SHELLS; h++) if (shells & (1 << h)) sh.push(h + 1)
  return {
    box: box ? {slow: [box.slow[0], box.slow[1]], fast: [box.fast[0], box.fast[1]]} : null,
    resolution:
      sRange && geo && sRange[1] > 0
        ? {
            dMinA: 1 / sRange[1],
            dMaxA: sRange[0] > 0 ? 1 / sRange[0] : Infinity,
            twoThetaDeg: [twoThetaDeg(sRange[0], geo.lambdaA), twoThetaDeg(sRange[1], geo.lambdaA)],
          }
        : null,
    tiles: tl,
    shells: p.shellEdges ? sh : [],
  }
}

function causeName(c: {class: string; variable: string; label: string | null}): string {
  return `${c.class} (${c.variable}${c.label ? `: ${c.label}` : ''})`
}

/** Causes below this share of Σ(Δ²) are counted in the verdict line, not named (they are all in the table and the JSON). */
export const MINOR_SHARE = 1e-3

export function verdictLine(causes: TriageCause[], unexplained: number): string {
  if (causes.length === 0) return `no cause found: ${pct(unexplained)} of the discrepancy is unexplained`
  const explained = causes.reduce((s, c) => s + c.share, 0)
  const named = causes.filter((c, i) => i === 0 || c.share >= MINOR_SHARE)
  const minor = causes.length - named.length
  const list = named.map((c) => `${c.class} (${c.variable}) ${pct(c.share)}`).join(', ') + (minor ? `, ${minor} minor (< ${pct(MINOR_SHARE)} each)` : '')
  const n = causes.length
  return `${n} independent cause${n === 1 ? '' : 's'} explain${n === 1 ? 's' : ''} ${pct(explained)} of the discrepancy: ${list}${pct(unexplained) !== '0%' ? `; ${pct(unexplained)} unexplained` : ''}`
}

export async function runTriage(job: TriageJob): Promise<TriageResult> {
  const t0 = Date.now()
  const say = job.onStatus ?? (() => {})
  if (!(Number.isInteger(job.maxPixels) && job.maxPixels >= 1)) throw new InputError(`must be an integer >= 1, got ${job.maxPixels}`, {field: '--max-pixels'})
  const demo = job.args.length === 0
  const args = demo ? DEMO_ARGS : job.args
  const warnings: string[] = []
  await checkSide(job.ref)
  await checkSide(job.cand)
  for (const [spec, img] of [
    [job.ref, job.refImage],
    [job.cand, job.candImage],
  ] as const) {
    if (spec.engine === 'cmd' && img === undefined)
      throw new InputError(`triage with --${spec.role}-cmd needs --${spec.role}-image (a float image of that side)`, {field: `--${spec.role}-image`})
  }
  const setup = await configurationSetup(args, job.cwd)
  const geo = pixelGeometry(setup.values)
  if (!geo) warnings.push('the configuration gives no flat-detector geometry: resolution shells are not used')
  const size = {fast: setup.fast, slow: setup.slow}
  for (const [role, img] of [
    ['ref', job.refImage],
    ['cand', job.candImage],
  ] as const) {
    if (img !== undefined && !existsSync(resolve(job.cwd, img))) throw new InputError('no such file', {file: img, field: `--${role}-image`})
  }
  const inputs = [
    ...(job.refImage ? [{path: resolve(job.cwd, job.refImage), field: '--ref-image'}] : []),
    ...(job.candImage ? [{path: resolve(job.cwd, job.candImage), field: '--cand-image'}] : []),
  ]
  // everything that can be refused is refused before any work
  checkEvidenceFolder(job.outDir, job.cwd, inputs)
  const stage = new EvidenceStage(job.outDir, job.cwd)
  const commit = (): void => {
    stage.commit(['nbtrace', 'triage', ...(job.argv ?? [])], inputs)
  }
  const slots = new Slots(Math.max(1, job.jobs ?? availableParallelism()))
  const tracers: SideTracer[] = []
  try {
    // images
    const refPath = job.refImage ? resolve(job.cwd, job.refImage) : stage.path('ref.float.bin')
    const candPath = job.candImage ? resolve(job.cwd, job.candImage) : stage.path('cand.float.bin')
    const need: Promise<void>[] = []
    const done = [job.refImage ? 1 : 0, job.candImage ? 1 : 0]
    const part =
      (i: number) =>
      (f: number): void => {
        done[i] = f
        job.onProgress?.(0.4 * ((done[0] + done[1]) / 2))
      }
    const threads = Math.max(1, Math.floor(slots.n / (job.refImage || job.candImage ? 1 : 2)))
    if (!job.refImage) need.push(imageOnSide(job.ref, args, job.cwd, refPath, stage.path('.ref.int.img'), job.timeoutMs, threads, part(0)))
    if (!job.candImage) need.push(imageOnSide(job.cand, args, job.cwd, candPath, stage.path('.cand.int.img'), job.timeoutMs, threads, part(1)))
    if (need.length) say(`rendering ${need.length === 2 ? 'both images' : 'one image'} (${size.fast}x${size.slow})…`)
    const rendered = await Promise.allSettled(need)
    for (const r of rendered) {
      if (r.status !== 'rejected') continue
      if (!(r.reason instanceof SideFailure)) throw r.reason
      stage.discard()
      const f = r.reason
      return failed(job, demo, size, {side: f.role, what: f.what, stderrTail: f.stderrTail}, warnings, t0)
    }
    for (const f of ['.ref.int.img', '.cand.int.img']) rmSync(stage.path(f), {force: true})
    const readSide = (path: string, role: 'ref' | 'cand'): ParityImage => {
      try {
        return readImage(path, size)
      } catch (e) {
        if (e instanceof InputError && (role === 'ref' ? job.refImage : job.candImage))
          throw new InputError(e.message, {file: e.file, line: e.line, field: e.field === '--size' ? `--${role}-image` : e.field})
        throw e
      }
    }
    const ref = readSide(refPath, 'ref')
    const cand = readSide(candPath, 'cand')
    checkSameSize(ref, cand)
    const metrics = computeMetrics(ref, cand)
    const failures = judge(metrics, DEFAULT_THRESHOLDS)
    const show = (p: string, given: string | undefined): string => (given ? given : relative(job.cwd, join(resolve(job.outDir), basename(p))))
    const base = {
      schema: 'nbtrace-triage' as const,
      version: 1 as const,
      demo,
      outDir: resolve(job.outDir),
      ref: {side: sideLabel(job.ref), image: show(refPath, job.refImage), rendered: !job.refImage},
      cand: {side: sideLabel(job.cand), image: show(candPath, job.candImage), rendered: !job.candImage},
      size,
      metrics,
      parity: {pass: failures.length === 0, failures, thresholds: DEFAULT_THRESHOLDS},
    }

    const p = partition(ref, cand, geo)
    const features: TriageResult['features'] = {
      smoothStep: 0.01,
      peakThreshold: p.peakThreshold,
      shellEdges: p.shellEdges,
      tiles: TILE_NAMES.map((name, t) => ({
        name,
        fast: (t & 1 ? [size.fast >> 1, size.fast - 1] : [0, (size.fast >> 1) - 1]) as [number, number],
        slow: (t & 2 ? [size.slow >> 1, size.slow - 1] : [0, (size.slow >> 1) - 1]) as [number, number],
      })),
      geometry: geo ? `|S| = 2 sin θ / λ at each pixel centre, λ = ${geo.lambdaA} Å` : null,
    }
    const discrepancy = {pixels: p.discrepant, nonFinite: p.nonFinite, sumSq: p.sumSq, sumDiff: p.sumDiff, sumRef: p.sumRef, sumCand: p.sumCand}
    if (p.discrepant === 0) {
      // the images agree: nothing to trace
      const result: TriageResult = {
        ...base,
        status: 'agree',
        verdict: `the images agree: all ${size.fast * size.slow} pixels are identical`,
        exitCode: 0,
        failure: null,
        discrepancy,
        features,
        causes: [],
        unexplained: {share: 0, sumDiffShare: null, sumSq: 0, sumDiff: 0, pixels: 0, region: region(null, null, 0, 0, geo, p), groups: []},
        groups: [],
        traced: [],
        budget: {maxPixels: job.maxPixels, traced: 0, rounds: 0, slots: slots.n},
        map: null,
        artifacts: [],
        warnings,
        elapsedMs: 0,
      }
      return finish(result, stage, job, t0, commit)
    }
    say(`${p.discrepant} discrepant pixels in ${p.groups.length} candidate groups; tracing up to ${job.maxPixels} pixels on both sides…`)

    // tracing
    const tsSides = [job.ref, job.cand].filter((s) => s.engine === 'ts').length
    const ctx = {args, cwd: job.cwd, timeoutMs: job.timeoutMs, slots}
    const refTracer = openSideTracer(job.ref, ctx, tsSides)
    const candTracer = openSideTracer(job.cand, ctx, tsSides)
    tracers.push(refTracer, candTracer)
    const traced: TracedPixel[] = []
    const tracedClass: number[] = []
    const tracedSet = new Set<number>()
    const {store} = pixelValueNames()
    let finished = 0
    const traceAll = async (choices: Choice[]): Promise<void> => {
      await Promise.all(
        choices.map(async (c) => {
          tracedSet.add(c.index)
          const dir = join('pixels', `s${c.slow}_f${c.fast}`)
          mkdirSync(stage.path(dir), {recursive: true})
          const refOut = stage.path(join(dir, 'ref.jsonl'))
          const candOut = stage.path(join(dir, 'cand.jsonl'))
          const r = ref.data[c.index]
          const k = cand.data[c.index]
          const tp: TracedPixel = {
            index: c.index,
            slow: c.slow,
            fast: c.fast,
            group: c.group,
            round: c.round,
            reason: c.reason,
            status: 'failed',
            verdict: '',
            causes: [],
            attribution: null,
            explains: false,
            note: null,
            failure: null,
            ref: r,
            cand: k,
            evidence: dir,
            tile: (c.slow >= size.slow >> 1 ? 2 : 0) + (c.fast >= size.fast >> 1 ? 1 : 0),
            shell: p.shell[c.index],
            onPeak: r >= p.peakThreshold,
          }
          traced.push(tp)
          tracedClass.push(ratioClass(r > 0 && k > 0 ? Math.log(k / r) : k === 0 ? -Infinity : r === 0 ? Infinity : Number.NaN))
          const sides = await Promise.allSettled([refTracer.trace(c, refOut), candTracer.trace(c, candOut)])
          const bad = sides.findIndex((s) => s.status === 'rejected')
          if (bad >= 0) {
            const e = (sides[bad] as PromiseRejectedResult).reason as Error
            if (e instanceof InputError) throw e
            const role = bad === 0 ? 'reference' : 'candidate'
            tp.verdict = `FAILED: ${role} side: ${e instanceof SideFailure ? e.what : e.message}`
            tp.note = e instanceof SideFailure && e.stderrTail ? e.stderrTail : null
            tp.failure = {
              side: bad === 0 ? 'ref' : 'cand',
              what: e instanceof SideFailure ? e.what : e.message,
              stderrTail: e instanceof SideFailure ? e.stderrTail : '',
            }
            writeFileSync(stage.path(join(dir, 'failure.txt')), `${tp.verdict}\n${tp.note ?? ''}\n`)
          } else {
            const rep = await compareTraceFiles(refOut, candOut, {precision: job.precision})
            writeFileSync(stage.path(join(dir, 'report.json')), JSON.stringify(rep, null, 2) + '\n')
            const {text, patch} = reportText(rep)
            writeFileSync(stage.path(join(dir, 'report.txt')), text.endsWith('\n') ? text : text + '\n')
            writeFileSync(stage.path(join(dir, 'diff.patch')), patch)
            tp.status = rep.status
            tp.verdict = rep.verdict
            const vals = {ref: await loopFreeValues(refOut, factorNames()), cand: await loopFreeValues(candOut, factorNames())}
            checkReproduces(tp, vals, store, warnings)
            if (rep.status === 'diverged') {
              tp.causes = causesOf(rep)
              if (tp.causes.length) {
                tp.attribution = await attribute(tp.causes, refOut, candOut, vals)
                tp.explains = true
              } else tp.note = 'the traces diverge but compare names no root cause'
            } else if (rep.status === 'agree') {
              if (withinFloat32Rounding(r, k)) {
                tp.causes = [
                  {
                    key: `${store}|float32 store`,
                    variable: store,
                    scope: 'per pixel',
                    class: 'precision',
                    label: 'float32 rounding of the stored pixel',
                    loop: null,
                    ref: r,
                    cand: k,
                  },
                ]
                tp.attribution = {fractions: [1], weights: [1], method: 'single', ratios: [null]}
                tp.explains = true
                tp.note = 'the traces agree within tolerance and the images differ by float32 rounding only'
              } else {
                tp.note = `the traces agree, but the images differ by ${Math.abs(k - r)} here (ref ${r}, cand ${k}): the images were not made by these sides and arguments, or the difference is not traced`
              }
            } else tp.note = rep.verdict
          }
          finished++
          job.onProgress?.(0.4 + 0.6 * Math.min(1, finished / job.maxPixels))
        }),
      )
    }
    const round1 = chooseRound1(p, ref, cand, job.maxPixels)
    await traceAll(round1)
    splitMixed(p, ref, cand, traced)
    let assignment = assignGroups(p, traced, tracedClass)
    let rounds = 1
    const room = job.maxPixels - traced.length
    if (room > 0) {
      const left = assignment.filter((a) => a.how === 'unexplained').map((a) => p.groups[a.group])
      const inherited = assignment.filter((a) => a.how === 'inherited').map((a) => ({group: p.groups[a.group], distance: a.distance}))
      const round2 = chooseRound2(p, left, inherited, tracedSet, room)
      if (round2.length) {
        say(`round 2: ${round2.length} more pixel${round2.length === 1 ? '' : 's'} for groups left unexplained or only inherited…`)
        await traceAll(round2)
        splitMixed(p, ref, cand, traced)
        assignment = assignGroups(p, traced, tracedClass)
        rounds = 2
      }
    }
    void reserveFor
    const sh = shares(p, traced, assignment)
    const total = p.sumSq
    const sumDiffShare = (x: number): number | null => (Math.abs(p.sumDiff) > 1e-9 * Math.abs(p.sumRef) && p.sumDiff !== 0 ? x / p.sumDiff : null)
    const shareOf = (x: number): number => (total > 0 ? x / total : 0)
    const causes: TriageCause[] = sh.causes.map((c: CauseShare, i) => {
      const rep = traced[c.representative]
      return {
        rank: i + 1,
        name: causeName(c),
        variable: c.variable,
        class: c.class,
        classVotes: normalizeVotes(c.classes),
        label: c.label,
        scope: c.scope,
        share: shareOf(c.sumSq),
        sumDiffShare: sumDiffShare(c.sumDiff),
        sumSq: c.sumSq,
        sumDiff: c.sumDiff,
        pixels: c.pixels,
        region: region(c.box, c.sRange, c.tiles, c.shells, geo, p),
        representative: {slow: rep.slow, fast: rep.fast, evidence: rep.evidence, ref: rep.ref, cand: rep.cand, verdict: rep.verdict},
        tracedPixels: c.traced.length,
      }
    })
    // non-finite pixels carry no Δ²: when they are all there is, the share is by pixel count
    if (total === 0 && causes.length) causes.forEach((c) => (c.share = c.pixels / Math.max(1, p.discrepant)))
    const u: Residual = sh.unexplained
    const unexplainedShare = total > 0 ? u.sumSq / total : u.pixels / Math.max(1, p.discrepant)
    const verdict = verdictLine(causes, unexplainedShare)
    const map = await writeCauseMap(
      stage.path('causes.png'),
      p,
      ref,
      cand,
      assignment,
      traced,
      causes.map((c) => ({key: sh.causes[c.rank - 1].key, name: c.name, share: c.share, representative: c.representative})),
      unexplainedShare,
    )
    // nothing compared at all: the sides failed, this is no verdict on the images
    const firstFailure = traced.every((t) => t.status === 'failed') ? (traced.find((t) => t.failure)?.failure ?? null) : null
    const result: TriageResult = {
      ...base,
      status: firstFailure ? 'failed' : 'diverged',
      verdict: firstFailure
        ? `no traced pixel could be compared: ${firstFailure.side === 'ref' ? 'reference' : 'candidate'} side: ${firstFailure.what}`
        : verdict,
      exitCode: firstFailure ? 3 : 1,
      failure: firstFailure,
      discrepancy,
      features,
      causes,
      unexplained: {
        share: unexplainedShare,
        sumDiffShare: sumDiffShare(u.sumDiff),
        sumSq: u.sumSq,
        sumDiff: u.sumDiff,
        pixels: u.pixels,
        region: region(u.box, u.sRange, u.tiles, u.shells, geo, p),
        groups: u.groups,
      },
      groups: p.groups.map((g) => {
        const a = assignment[g.id]
        const t = a.traced >= 0 ? traced[a.traced] : null
        return {
          id: g.id,
          kind: g.kind,
          pixels: g.pixels,
          share: shareOf(g.sumSq),
          sumDiff: g.sumDiff,
          sign: {positive: g.positive, negative: g.negative},
          ratio: g.lnRatio ? [Math.exp(g.lnRatio[0]), Math.exp(g.lnRatio[1])] : null,
          onPeak: g.onPeak,
          region: region(g.box, g.sRange, g.tiles, g.shells, geo, p),
          assigned: a.how,
          explainedBy: t ? {slow: t.slow, fast: t.fast} : null,
          causes: t ? t.causes.map((c) => causeName(c)) : [],
        }
      }),
      traced: [...traced]
        .sort((x, y) => x.round - y.round || x.slow - y.slow || x.fast - y.fast)
        .map((t) => ({
          slow: t.slow,
          fast: t.fast,
          round: t.round,
          reason: t.reason,
          group: t.group,
          status: t.status,
          verdict: t.verdict,
          ref: t.ref,
          cand: t.cand,
          causes: t.causes.map((c, k) => ({
            name: causeName(c),
            class: c.class,
            label: c.label,
            fraction: t.attribution?.fractions[k] ?? 0,
            weight: t.attribution?.weights[k] ?? 0,
          })),
          attribution: t.attribution?.method ?? null,
          note: t.note,
          evidence: t.evidence,
        })),
      budget: {maxPixels: job.maxPixels, traced: traced.length, rounds, slots: slots.n},
      map,
      artifacts: [],
      warnings,
      elapsedMs: 0,
    }
    if (firstFailure) {
      // as trace does: a run whose sides failed leaves nothing behind (the reasons are in the result)
      stage.discard()
      result.map = null
      result.elapsedMs = Date.now() - t0
      return result
    }
    return finish(result, stage, job, t0, commit)
  } catch (e) {
    stage.discard()
    throw e
  } finally {
    await Promise.all(tracers.map((t) => t.close()))
  }
}

/** Groups whose traced pixels show different causes are split among them (nearest ratio cand/ref). */
function splitMixed(p: Partition, ref: ParityImage, cand: ParityImage, traced: TracedPixel[]): void {
  const byGroup = new Map<number, number[]>()
  traced.forEach((t, k) => {
    if (t.explains) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), k])
  })
  for (const [g, ks] of byGroup) {
    if (ks.length < 2 || p.groups[g].kind === 'non-finite') continue
    const sets = new Set(
      ks.map((k) =>
        traced[k].causes
          .map((c) => c.key)
          .sort()
          .join('+'),
      ),
    )
    if (sets.size < 2) continue
    const ids = splitGroup(
      p,
      ref,
      cand,
      g,
      ks.map((k) => traced[k].index),
    )
    ks.forEach((k, j) => (traced[k].group = ids[j]))
  }
}

/** The result of a run where a side could not render its image: nothing is written. */
function failed(
  job: TriageJob,
  demo: boolean,
  size: {fast: number; slow: number},
  failure: NonNullable<TriageResult['failure']>,
  warnings: string[],
  t0: number,
): TriageResult {
  const none = {box: null, resolution: null, tiles: [], shells: []}
  return {
    schema: 'nbtrace-triage',
    version: 1,
    status: 'failed',
    verdict: `${failure.side === 'ref' ? 'reference' : 'candidate'} side failed: ${failure.what}`,
    exitCode: 3,
    failure,
    demo,
    outDir: resolve(job.cwd, job.outDir),
    ref: {side: sideLabel(job.ref), image: job.refImage ?? '', rendered: !job.refImage},
    cand: {side: sideLabel(job.cand), image: job.candImage ?? '', rendered: !job.candImage},
    size,
    metrics: null,
    parity: null,
    discrepancy: null,
    features: null,
    causes: [],
    unexplained: {share: 0, sumDiffShare: null, sumSq: 0, sumDiff: 0, pixels: 0, region: none, groups: []},
    groups: [],
    traced: [],
    budget: {maxPixels: job.maxPixels, traced: 0, rounds: 0, slots: 0},
    map: null,
    artifacts: [],
    warnings,
    elapsedMs: Date.now() - t0,
  }
}

function normalizeVotes(v: Record<string, number>): Record<string, number> {
  const s = Object.values(v).reduce((a, b) => a + b, 0)
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, s > 0 ? x / s : 0]))
}

let factorSet: Set<string> | null = null
function factorNames(): Set<string> {
  if (!factorSet) {
    const {store, final, factors} = pixelValueNames()
    factorSet = new Set([store, final, ...factors])
  }
  return factorSet
}

/** |cand − ref| within two float32 ulps of the larger magnitude. */
export function withinFloat32Rounding(r: number, c: number): boolean {
  const m = Math.max(Math.abs(r), Math.abs(c))
  if (!Number.isFinite(m)) return false
  const ulp = m === 0 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(m)) - 23)
  return Math.abs(c - r) <= 2 * ulp
}

/** Warns when a side's traced stored value is not the value its image holds at that pixel. */
function checkReproduces(t: TracedPixel, vals: {ref: Map<string, unknown>; cand: Map<string, unknown>}, store: string, warnings: string[]): void {
  for (const [role, img] of [
    ['ref', t.ref],
    ['cand', t.cand],
  ] as const) {
    const v = vals[role].get(store)
    if (typeof v !== 'number') continue
    if (Math.fround(v) !== Math.fround(img) && !withinFloat32Rounding(v, img)) {
      warnings.push(
        `pixel ${t.slow},${t.fast}: the ${role === 'ref' ? 'reference' : 'candidate'} trace gives ${store} = ${v} but its image holds ${img}: the image and the trace do not come from the same run`,
      )
    }
  }
}

function finish(result: TriageResult, stage: EvidenceStage, job: TriageJob, t0: number, commit: () => void): TriageResult {
  result.elapsedMs = Date.now() - t0
  // the artifact list is known before the commit: the staged entries
  const staged = [
    'triage.json',
    ...(result.map ? ['causes.png'] : []),
    ...(result.ref.rendered ? ['ref.float.bin'] : []),
    ...(result.cand.rendered ? ['cand.float.bin'] : []),
    ...(result.traced.length ? ['pixels/'] : []),
    'manifest.json',
  ]
  const shown = (f: string): string => relative(job.cwd, stage.finalPath(f)) || f
  result.artifacts = staged.map(shown)
  if (result.map) result.map.path = shown('causes.png')
  // triage.json is what --json prints (schemas/triage.schema.json): the exit code is the process's
  const {exitCode: _e, ...stored} = result
  writeFileSync(stage.path('triage.json'), JSON.stringify(stored, null, 2) + '\n')
  commit()
  return result
}
