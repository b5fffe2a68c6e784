// C vs TypeScript engine on every golden traced pixel: the same config (hash) and the same
// (name, loop) keys in the same order, values within the catalogue tolerance of each variable.
import assert from 'node:assert/strict'
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {BIN_TRACE, caseArgs, dec, ensureBuilt, goldenCases, readJsonl, ROOT, run, stageCase} from './helpers.js'

interface Tol {
  rtol: number
  atol: number
}
function tolerances(): Map<string, Tol> {
  const cat = JSON.parse(readFileSync(join(ROOT, 'schemas', 'catalogue.json'), 'utf8'))
  return new Map(cat.variables.map((v: any) => [v.name, cat.tolerances[v.tolerance].f64 as Tol]))
}
const arr = (v: unknown): number[] => (Array.isArray(v) ? v.map(dec) : [dec(v)])

describe('C vs TypeScript engine traces', function () {
  this.timeout(120000)
  let traceInMemory: any = null
  const cases = goldenCases()
  before(async function () {
    if (!cases.length) this.skip()
    try {
      traceInMemory = (await import('../../src/sim/run.js')).traceInMemory
    } catch {
      this.skip() // the TypeScript engine is not there yet
    }
    if (typeof traceInMemory !== 'function') this.skip()
    const why = ensureBuilt()
    if (why) throw new Error(why)
  })
  const tol = tolerances()
  for (const name of cases) {
    it(name, () => {
      const dir = stageCase(name)
      try {
        const args = caseArgs(name, 'trace_cmd.txt')
        const pixel = {slow: Number(args[1]), fast: Number(args[2])}
        const r = run(BIN_TRACE, ['-trace_out', 'c.jsonl', '-trace_only', '-quiet', ...args], dir)
        assert.equal(r.status, 0, r.stderr)
        const c = readJsonl(join(dir, 'c.jsonl'))
        const ts = traceInMemory({args: args.slice(3), cwd: dir, pixel})
        assert.equal(ts.header.configHash, c[0].configHash, 'configHash')
        const cv = c.filter((x) => x.type === 'value')
        const keys = (xs: any[]): string[] => xs.map((x) => `${x.name} ${JSON.stringify(x.loop)}`)
        assert.deepEqual(keys(ts.values), keys(cv))
        const bad: string[] = []
        cv.forEach((x, i) => {
          const y = ts.values[i]
          if (typeof x.value === 'string' || typeof y.value === 'string') {
            if (x.value !== y.value) bad.push(`${x.name}: ${x.value} vs ${y.value}`)
            return
          }
          const a = arr(x.value)
          const b = arr(y.value)
          const t = tol.get(x.name) ?? {rtol: 0, atol: 0}
          const scale = Math.max(Math.hypot(...a), Math.hypot(...b))
          const ok = a.every((u, k) => u === b[k] || (Number.isNaN(u) && Number.isNaN(b[k])) || Math.abs(u - b[k]) <= t.rtol * scale + t.atol)
          if (!ok) bad.push(`#${i} ${x.name} ${JSON.stringify(x.loop)}: C ${a} vs TS ${b}`)
        })
        assert.deepEqual(bad.slice(0, 5), [])
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }
})
