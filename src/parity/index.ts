// Image parity: REF vs CAND metrics, pass/fail, pixel rankings, an optional pixel check and heat map.
// The result object is what `nbtrace parity --json` prints (schemas/parity.schema.json) and what
// `nbtrace trace --out DIR` stores as parity.json.
import {existsSync, statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {InputError} from '../util/errors.js'
import {checkOutputs} from '../util/files.js'
import {writeHeatmap, type ColourScale, type HeatmapInfo} from './heatmap.js'
import {checkSameSize, readImage, type ImageSize, type ParityImage} from './image.js'
import {computeMetrics, DEFAULT_THRESHOLDS, judge, SIGNAL_FRACTION, type Metrics, type Thresholds} from './metrics.js'
import {queryPixel, rankPixels, suggestTracePixel, type PixelQuery, type Rankings, type TraceSuggestion} from './rank.js'
import type {PixelCoord} from './metrics.js'

export * from './image.js'
export * from './metrics.js'
export * from './rank.js'
export * from './heatmap.js'

export interface ParityOptions {
  size?: ImageSize
  thresholds?: Partial<Thresholds>
  top?: number
  pixel?: PixelCoord
  png?: string
  /** |Δ| at which heat-map colours saturate */
  pngScale?: number
  pngColourScale?: ColourScale
  /** the reference as the heat map's faint background (default true) */
  pngBackground?: boolean
}

export interface ImageInfo {
  path: string
  format: ParityImage['format']
  fast: number
  slow: number
}

export interface ParityResult {
  schema: 'nbtrace-parity'
  version: 1
  ref: ImageInfo
  cand: ImageInfo
  pass: boolean
  failures: string[]
  thresholds: Thresholds
  signalDefinition: string
  metrics: Metrics
  top: Rankings
  pixel: PixelQuery | null
  suggestion: TraceSuggestion
  png: HeatmapInfo | null
  warnings: string[]
}

function info(img: ParityImage): ImageInfo {
  return {path: img.path, format: img.format, fast: img.fast, slow: img.slow}
}

/** Checks options that do not depend on the images, before anything is read or written. */
export function checkOptions(o: ParityOptions): void {
  const t = o.thresholds ?? {}
  if (t.minCorr !== undefined && !(t.minCorr >= -1 && t.minCorr <= 1)) throw new InputError(`must be in [-1, 1], got ${t.minCorr}`, {field: '--min-corr'})
  if (t.maxSumDev !== undefined && !(t.maxSumDev >= 0)) throw new InputError(`must be a number >= 0, got ${t.maxSumDev}`, {field: '--max-sum-dev'})
  if (o.top !== undefined && !(Number.isInteger(o.top) && o.top >= 0)) throw new InputError(`must be an integer >= 0, got ${o.top}`, {field: '--top'})
  if (o.pngScale !== undefined && !(o.pngScale > 0 && Number.isFinite(o.pngScale)))
    throw new InputError(`must be a number > 0, got ${o.pngScale}`, {field: '--png-scale'})
  if (o.png !== undefined) {
    const dir = dirname(resolve(o.png))
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`directory ${dir} does not exist`, {file: o.png, field: '--png'})
    if (existsSync(o.png) && statSync(o.png).isDirectory()) throw new InputError('is a directory', {file: o.png, field: '--png'})
  }
}

/** Compares two loaded images (no file output). */
export function compareImages(ref: ParityImage, cand: ParityImage, o: ParityOptions = {}): ParityResult {
  checkSameSize(ref, cand)
  const thresholds: Thresholds = {
    minCorr: o.thresholds?.minCorr ?? DEFAULT_THRESHOLDS.minCorr,
    maxSumDev: o.thresholds?.maxSumDev ?? DEFAULT_THRESHOLDS.maxSumDev,
    exact: o.thresholds?.exact ?? DEFAULT_THRESHOLDS.exact,
  }
  const metrics = computeMetrics(ref, cand)
  const failures = judge(metrics, thresholds)
  const top = rankPixels(ref, cand, o.top ?? 10, metrics.sumAbsDiff)
  const pixel = o.pixel ? queryPixel(ref, cand, o.pixel, metrics.sumAbsDiff) : null
  const warnings: string[] = []
  if (pixel?.warning) warnings.push(pixel.warning)
  if (metrics.nonFinite.ref + metrics.nonFinite.cand > 0)
    warnings.push(`non-finite pixels left out of the metrics: ${metrics.nonFinite.ref} in REF, ${metrics.nonFinite.cand} in CAND`)
  return {
    schema: 'nbtrace-parity',
    version: 1,
    ref: info(ref),
    cand: info(cand),
    pass: failures.length === 0,
    failures,
    thresholds,
    signalDefinition: `signal pixels: ref > ${SIGNAL_FRACTION} * max(ref)`,
    metrics,
    top,
    pixel,
    suggestion: suggestTracePixel(ref, cand, metrics.sumAbsDiff),
    png: null,
    warnings,
  }
}

/** Reads both images, compares them and writes the heat map when asked. Bad input throws InputError before any write. */
export async function runParity(refPath: string, candPath: string, o: ParityOptions = {}): Promise<ParityResult> {
  checkOptions(o)
  // the heat map replaces only a regular file, and never one of the two images
  if (o.png !== undefined)
    checkOutputs(
      [{path: o.png, field: '--png'}],
      [
        {path: refPath, field: 'REF'},
        {path: candPath, field: 'CAND'},
      ],
    )
  const ref = readImage(refPath, o.size)
  const cand = readImage(candPath, o.size)
  const result = compareImages(ref, cand, o)
  if (o.png !== undefined) {
    const m = result.metrics
    const marked = result.top.largestShare.map((p) => ({slow: p.slow, fast: p.fast}))
    const footer = [
      m.bitIdentical ? 'bit-identical' : `not bit-identical: ${m.differingPixels} of ${m.pixels} pixels differ`,
      m.maxAbsDiff.pixel ? `max |Δ| ${m.maxAbsDiff.value.toPrecision(4)} at ${m.maxAbsDiff.pixel.slow},${m.maxAbsDiff.pixel.fast}` : null,
      `correlation ${m.correlation === null ? 'n/a' : m.correlation.toPrecision(6)}`,
      `sum ratio ${m.sumRatio === null ? 'n/a' : m.sumRatio.toPrecision(6)}`,
      result.pass ? 'PASS' : 'FAIL',
    ]
      .filter((x) => x !== null)
      .join(' · ')
    result.png = await writeHeatmap(o.png, ref, cand, {
      marked,
      suggested: m.sumAbsDiff > 0 ? result.suggestion.pixel : null,
      colourScale: o.pngColourScale,
      saturation: o.pngScale,
      background: o.pngBackground,
      footer,
    })
  }
  return result
}

/** The pixel `nbtrace trace --pixel auto` should trace, from two image files (see suggestTracePixel). */
export function suggestTracePixelFromFiles(refPath: string, candPath: string, size?: ImageSize): TraceSuggestion {
  const ref = readImage(refPath, size)
  const cand = readImage(candPath, size)
  checkSameSize(ref, cand)
  return suggestTracePixel(ref, cand)
}
