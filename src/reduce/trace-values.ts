// What reduce reads from a trace, through the one trace reader (trace/source): the loop counts
// its set-up states, the beam source a root cause is first seen at, and the range of fractional
// Miller indices the pixel visited. Variables are chosen by catalogue role, never by name.
import {loadCatalogue} from '../catalogue/catalogue.js'
import {countName, DIMENSIONS, type Loops, type SourceRow} from './dimensions.js'
import {openSide, setupExtents, type Report} from './ports.js'

/** The loop counts a trace's set-up states (null where it does not). */
export async function loopsOf(trace: string): Promise<Loops> {
  const side = await openSide('ref', trace)
  const ext = setupExtents(side)
  const out: Loops = {}
  for (const d of DIMENSIONS) {
    const name = countName(d)
    const v = ext[name]
    out[name] = typeof v === 'number' ? v : null
  }
  return out
}

/** The loop counts of a run: the reference's set-up values, completed by the candidate's. */
export async function loopsOfRun(refTrace: string, candTrace: string): Promise<Loops> {
  const a = await loopsOf(refTrace)
  if (Object.values(a).every((v) => v !== null)) return a
  const b = await loopsOf(candTrace)
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v ?? b[k] ?? null]))
}

/** The source index of the first root cause (in report order) that has a source coordinate. */
export function divergentSource(r: Report): number | null {
  for (const rc of r.rootCauses) if (rc.loop && typeof rc.loop.source === 'number') return rc.loop.source
  const fd = r.firstDivergence
  if (fd?.loop && typeof fd.loop.source === 'number') return fd.loop.source
  return null
}

/** Source `index` as the trace's set-up states it (direction, wavelength, weight), or null. */
export async function sourceRow(trace: string, index: number): Promise<SourceRow | null> {
  const cat = loadCatalogue()
  const setup = (v: {loop: string[]}): boolean => v.loop.length === 1 && v.loop[0] === 'source'
  const dirVar = cat.byRole('source-attribute').find((v) => setup(v) && v.shape === 'vec3')
  const lambdaVar = cat.byRole('source-wavelength').find(setup)
  const weightVar = cat.byRole('source-weight').find(setup)
  if (!dirVar || !lambdaVar || !weightVar) return null
  const side = await openSide('ref', trace)
  const c = side.open()
  const row: Partial<SourceRow> = {index}
  try {
    while (c.next()) {
      const r = c.rec()
      // set-up records come first: the pixel's loops start with the detector layer
      if (r.def.loop.includes('thick')) break
      if (!r.loop || r.loop.source !== index) continue
      if (r.def.name === dirVar.name && Array.isArray(r.value) && r.value.every((x) => typeof x === 'number')) row.dir = r.value as number[]
      if (r.def.name === lambdaVar.name && typeof r.value === 'number') row.lambda = r.value
      if (r.def.name === weightVar.name && typeof r.value === 'number') row.weight = r.value
    }
  } finally {
    c.close()
  }
  return row.dir && row.lambda !== undefined && row.weight !== undefined ? (row as SourceRow) : null
}

/** The range [min, max] of each fractional Miller index the pixel's trace visits, or null. */
export async function millerRange(trace: string): Promise<[number, number][] | null> {
  const frac = new Set(
    loadCatalogue()
      .byRole('fractional-index')
      .map((v) => v.name),
  )
  const side = await openSide('ref', trace)
  const c = side.open()
  let range: [number, number][] | null = null
  try {
    while (c.next()) {
      const r = c.rec()
      if (!frac.has(r.def.name) || !Array.isArray(r.value) || r.value.length !== 3) continue
      const v = r.value as number[]
      if (!v.every(Number.isFinite)) continue
      range ??= v.map((x) => [x, x] as [number, number])
      v.forEach((x, i) => {
        if (x < range![i][0]) range![i][0] = x
        if (x > range![i][1]) range![i][1] = x
      })
    }
  } finally {
    c.close()
  }
  return range
}
