// The validators compiled at build time (ajv standalone code, src/trace/schema.ts standaloneModule,
// written by scripts/validators.js) give the verdicts and first errors of the validators compiled
// at run time, on every header, value and footer line of the good and bad fixture traces and on
// every producer profile (and broken copies of each); the built CLI uses them, and reports every
// malformed fixture trace exactly as expected.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import type {ValidateFunction} from 'ajv/dist/2020.js'
import {getAjv, PRECOMPILED, schemaHash, standaloneModule} from '../../src/trace/schema.js'
import {ROOT} from '../helpers/cli.js'

const require = createRequire(import.meta.url)

/** Every JSON line of the fixture traces, and objects made from them that must fail somewhere. */
function traceSamples(): unknown[] {
  const out: unknown[] = []
  for (const dir of ['test/fixtures/good', 'test/fixtures/bad/traces']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(ROOT, dir, f), 'utf8').split('\n')) {
        let r: unknown
        try {
          r = JSON.parse(line)
        } catch {
          continue
        }
        out.push(r)
        if (r && typeof r === 'object' && !Array.isArray(r)) {
          const o = r as Record<string, unknown>
          for (const k of Object.keys(o)) {
            const {[k]: _drop, ...rest} = o
            out.push(rest, {...o, [k]: null}, {...o, [k]: 'x'}, {...o, [k]: [1]})
          }
          out.push({...o, extra: 1})
        }
      }
    }
  }
  return out
}

function profileSamples(): unknown[] {
  const dir = join(ROOT, 'schemas', 'producers')
  const out: unknown[] = []
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>
    out.push(p)
    for (const k of Object.keys(p)) {
      const {[k]: _drop, ...rest} = p
      out.push(rest, {...p, [k]: 7}, {...p, [k]: {bogus: true}})
    }
  }
  return out
}

const show = (x: unknown): string => {
  try {
    return JSON.stringify(x).slice(0, 200)
  } catch {
    return '(too deep to print)'
  }
}
const firstError = (v: ValidateFunction): string => (v.errors?.length ? `${v.errors[0].keyword} at ${v.errors[0].instancePath}` : '')

describe('trace: precompiled schema validators', function () {
  this.timeout(300_000)
  let dir: string
  let built: Record<string, ValidateFunction> & {schemaHash: string}
  before(() => {
    // inside the package (git-ignored): the module requires ajv's runtime helpers as dist/ does
    dir = mkdtempSync(join(ROOT, '.nbtrace-tmp-validators-'))
    const file = join(dir, 'validators.cjs')
    writeFileSync(file, standaloneModule())
    built = require(file) as typeof built
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('the module names the hash of the schema files it was made from', () => {
    assert.match(built.schemaHash, /^[0-9a-f]{64}$/)
    assert.equal(built.schemaHash, schemaHash())
  })

  for (const [name, ref] of Object.entries(PRECOMPILED)) {
    it(`${name} (${ref}): same verdict and first error as the run-time validator`, () => {
      const runtime = getAjv().getSchema(ref)!
      const pre = built[name]
      assert.equal(typeof pre, 'function')
      const samples = name === 'producer' ? profileSamples() : traceSamples()
      let passed = 0
      let failed = 0
      for (const s of samples) {
        const a = runtime(s)
        const b = pre(s)
        assert.equal(b, a, `verdict on ${show(s)}`)
        if (!a) assert.equal(firstError(pre), firstError(runtime), `first error on ${show(s)}`)
        if (a) passed++
        else failed++
      }
      // the corpus exercises both verdicts
      assert.ok(passed > 0 && failed > 0, `${passed} valid, ${failed} invalid samples`)
    })
  }

  it('the built CLI loads the precompiled validators and reports every malformed fixture trace as expected', async function () {
    const schemaJs = join(ROOT, 'dist', 'trace', 'schema.js')
    if (!existsSync(schemaJs) || !existsSync(join(ROOT, 'bin', 'run.js'))) {
      console.log('      (skipped: dist/ is not built; npm run build)')
      this.skip()
    }
    const src = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import(${JSON.stringify(schemaJs)}).then((m) => console.log(m.validatorSource()))`],
      {encoding: 'utf8'},
    )
    assert.equal(src.stdout.trim(), 'precompiled', 'dist/trace/validators.cjs is missing or stale: npm run build')
    const cases = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/bad/traces.expected.json'), 'utf8')) as {
      file: string
      line: number
      field: string | null
      message: string
      prefix?: boolean
    }[]
    const validate = (rel: string): Promise<{code: number | null; stderr: string}> =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'validate', rel], {
          cwd: ROOT,
          env: {...process.env, NO_COLOR: '1'},
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        let stderr = ''
        c.stderr.on('data', (d) => (stderr += d))
        c.on('error', reject)
        c.on('close', (code) => resolve({code, stderr}))
      })
    for (let i = 0; i < cases.length; i += 6) {
      const batch = cases.slice(i, i + 6)
      const rs = await Promise.all(batch.map((c) => validate(`test/fixtures/bad/traces/${c.file}`)))
      batch.forEach((c, j) => {
        const r = rs[j]
        assert.equal(r.code, 2, `${c.file}: ${r.stderr}`)
        const want = `nbtrace: test/fixtures/bad/traces/${c.file}:${c.line}: ${c.field ? c.field + ': ' : ''}${c.message}`
        const got = r.stderr.trimEnd()
        if (c.prefix) assert.ok(got.startsWith(want), `${got}\n!= ${want}…`)
        else assert.equal(got, want)
      })
    }
  })
})
