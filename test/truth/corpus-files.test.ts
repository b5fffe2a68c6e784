// Checks the truth corpus itself, not nbtrace: every case file is usable and names only what
// exists (files, report classes, catalogue names, faults), the generated cases are current, and
// the independent evidence behind each expected verdict holds — a golden log's final value is
// float.bin at its pixel, a program's float image is the image its case names, bit for bit.
import {strict as assert} from 'node:assert'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli} from '../helpers/cli.js'
import {FIXTURES, ROOT} from '../helpers/fixtures.js'
import {buildUpstream, upstreamMissing} from '../helpers/upstream.js'
import {freeformFiles} from './generate/freeform-cases.js'
import {goldenCaseFiles} from './generate/golden-cases.js'
import {type Case, CASES, type Expect, isEngine, isFile, isLog, isProgram, loadCorpus} from './lib/cases.js'
import {judge, type ReportLike} from './lib/judge.js'
import {runCase} from './lib/run.js'
import {programCommand, runShell, shellQuote, Workspace} from './lib/sides.js'

const corpus = loadCorpus()
const reportSchema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'report.schema.json'), 'utf8')) as {$defs: {class: {enum: string[]}}}
const CLASSES = new Set(reportSchema.$defs.class.enum)
const catalogue = JSON.parse(readFileSync(join(ROOT, 'schemas', 'catalogue.json'), 'utf8')) as {variables: {name: string}[]}
const NAMES = new Set(catalogue.variables.map((v) => v.name))
const faults = JSON.parse(readFileSync(join(ROOT, 'schemas', 'faults.json'), 'utf8')) as {faults: {id: string}[]; fixes: {id: string}[]}
const FAULTS = new Set(faults.faults.map((f) => f.id))
const FIXES = new Set(faults.fixes.map((f) => f.id))

/** Everything wrong with one case file, beyond its schema. */
function caseProblems(c: Case): string[] {
  const bad: string[] = []
  if (c.id.split('/')[0] !== c.group) bad.push(`group "${c.group}" but the file is in cases/${c.id.split('/')[0]}/`)
  const fixture = (p: string, what: string) => {
    if (!existsSync(join(FIXTURES, p))) bad.push(`${what} test/fixtures/${p} does not exist`)
  }
  if (c.inputs) fixture(c.inputs, 'inputs')
  if (c.image && 'file' in c.image) fixture(c.image.file, 'image')
  for (const role of ['ref', 'cand'] as const) {
    const s = c[role]
    if (isFile(s)) fixture(s.file, `${role} file`)
    if (isEngine(s)) {
      for (const id of s.inject ?? []) if (!FAULTS.has(id)) bad.push(`${role} injects unknown fault ${id} (schemas/faults.json)`)
      for (const id of s.fix ?? []) if (!FIXES.has(id)) bad.push(`${role} fixes unknown quirk ${id} (schemas/faults.json)`)
      if (s.engine === 'c' && (s.inject?.length || s.fix?.length)) bad.push(`${role}: the C engine has no faults or fixes`)
    }
  }
  const e = c.expect
  const cls = (x: string | undefined, what: string) => {
    if (x !== undefined && !CLASSES.has(x)) bad.push(`${what} class "${x}" is not one of the report schema's classes (${[...CLASSES].join(', ')})`)
  }
  const name = (x: string, what: string) => {
    if (!NAMES.has(x)) bad.push(`${what} "${x}" is not a catalogue name`)
  }
  if (e.first) {
    name(e.first.name, 'first')
    cls(e.first.class, 'first')
  }
  for (const x of e.rootClasses ?? []) cls(x, 'rootClasses')
  for (const x of e.rootClassesInclude ?? []) cls(x, 'rootClassesInclude')
  for (const x of e.roots ?? []) name(x, 'roots')
  for (const x of e.notRoot ?? []) name(x, 'notRoot')
  for (const re of e.verdict ?? []) {
    try {
      new RegExp(re, 'i')
    } catch (err) {
      bad.push(`verdict /${re}/ is not a regular expression: ${(err as Error).message}`)
    }
  }
  if (e.status === 'agree' && (e.first || e.rootClasses?.length || e.rootClassesInclude || e.roots?.length || e.provenance))
    bad.push('an agreeing case cannot name a divergence, root causes or a provenance class')
  if (e.provenance && e.status !== 'mismatch') bad.push('a provenance class is a mismatch')
  return bad
}

describe('truth corpus files', () => {
  it('every case file is valid against test/truth/case.schema.json', () => {
    assert.deepEqual(corpus.errors, [])
    assert.ok(corpus.cases.length > 0, `no cases under ${CASES}`)
  })

  it('cases name only existing files, report classes, catalogue names and faults', () => {
    const bad = corpus.cases.flatMap((c) => caseProblems(c).map((p) => `${c.id}: ${p}`))
    assert.deepEqual(bad, [])
  })

  it('the generated golden-c and hoidn cases are what generate/golden-cases.ts writes', () => {
    const stale: string[] = []
    for (const [p, text] of goldenCaseFiles()) {
      const f = join(CASES, p)
      if (!existsSync(f) || readFileSync(f, 'utf8') !== text) stale.push(p)
    }
    assert.deepEqual(stale, [], 'run: node --import tsx test/truth/generate/golden-cases.ts')
  })

  it('the freeform logs and cases are what generate/freeform-cases.ts renders from their committed traces', () => {
    const stale: string[] = []
    for (const [f, text] of freeformFiles()) if (!existsSync(f) || readFileSync(f, 'utf8') !== text) stale.push(f.slice(ROOT.length + 1))
    assert.deepEqual(stale, [], 'run: node --import tsx test/truth/generate/freeform-cases.ts')
  })
})

// ---- the evidence behind the truths ----------------------------------------------------------

/** The detector size from nanoBragg arguments (what the float image's layout depends on). */
function detectorSize(args: string[]): {fast: number; slow: number} {
  const at = (flag: string) => {
    const i = args.lastIndexOf(flag)
    return i >= 0 ? Number(args[i + 1]) : undefined
  }
  const n = at('-detpixels')
  const fast = at('-detpixels_x') ?? at('-detpixels_f') ?? n
  const slow = at('-detpixels_y') ?? at('-detpixels_s') ?? n
  if (!fast || !slow) throw new Error(`cannot tell the detector size from ${args.join(' ')}`)
  return {fast, slow}
}

function floatAt(file: string, args: string[], pixel: [number, number]): number {
  const {fast, slow} = detectorSize(args)
  const buf = readFileSync(file)
  assert.equal(buf.length, fast * slow * 4, `${file}: ${buf.length} bytes for a ${fast}x${slow} float image`)
  return buf.readFloatLE((pixel[0] * fast + pixel[1]) * 4)
}

/** The value a TRACE_C log states as the pixel's float image value. */
function loggedFloat(text: string): number | undefined {
  const m = text.match(/^TRACE_C:\s+floatimage_accumulated\s+(\S+)\s*$/m)
  return m ? Number(m[1]) : undefined
}

/** Arguments with the float image sent to `name` (one -floatfile, first, so nothing else moves). */
function withFloatfile(args: string[], name: string): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-floatfile') i++
    else out.push(args[i])
  }
  return ['-floatfile', name, ...out]
}

const sameBytes = (a: string, b: string): boolean => readFileSync(a).equals(readFileSync(b))

describe('truth corpus evidence (independent of nbtrace compare)', function () {
  this.timeout(600_000)
  const ws = new Workspace()
  after(() => ws.cleanup())
  const withImage = corpus.cases.filter((c) => c.image)

  /** The float image a program writes when run as the case runs it (its trace flags included). */
  async function programImage(c: Case, role: 'ref' | 'cand'): Promise<string> {
    const s = c[role]
    if (!isProgram(s)) throw new Error('not a program side')
    const b = await ws.build(s)
    const dir = ws.folder(c, `${c.id}-${role}-image`)
    const cmd = programCommand(b.template, withFloatfile(c.args ?? [], 'truth-image.bin'), c.pixel!, join(dir, 'trace.out'), dir)
    await runShell(cmd, dir, b.env, join(dir, 'stdout.txt'))
    return join(dir, 'truth-image.bin')
  }

  /** bl831's float image of the case's configuration (built as is, no trace flags). */
  const upstreamImages = new Map<string, Promise<string>>()
  function upstreamImage(c: Case): Promise<string> {
    const key = JSON.stringify([c.inputs, c.args])
    let p = upstreamImages.get(key)
    if (!p) {
      p = (async () => {
        const exe = buildUpstream('bl831')
        const dir = ws.folder(c, `${c.id}-bl831-image`)
        await runShell(
          `${shellQuote(exe)} ${withFloatfile(c.args ?? [], 'truth-image.bin')
            .map(shellQuote)
            .join(' ')}`,
          dir,
          {},
          join(dir, 'stdout.txt'),
        )
        return join(dir, 'truth-image.bin')
      })()
      upstreamImages.set(key, p)
    }
    return p
  }

  async function engineImage(c: Case, engine: 'c' | 'ts'): Promise<string> {
    const dir = ws.folder(c, `${c.id}-${engine}-image`)
    const r = await runCli(['simulate', '--engine', engine, '--', ...withFloatfile(c.args ?? [], 'truth-image.bin')], {cwd: dir, timeoutMs: 600_000})
    assert.equal(r.code, 0, `nbtrace simulate --engine ${engine} failed: ${r.stderr}`)
    return join(dir, 'truth-image.bin')
  }

  for (const c of withImage) {
    it(`${c.id}: every side reproduces the image the case names`, async function () {
      const checks = await (async () => {
        const done: string[] = []
        const golden = 'file' in c.image! ? join(FIXTURES, c.image!.file) : null
        let image = golden
        if (!image) {
          const why = upstreamMissing('bl831')
          if (why) return {skip: why}
          image = await upstreamImage(c)
        }
        for (const role of ['ref', 'cand'] as const) {
          const s = c[role]
          if (isFile(s) || isLog(s)) {
            const what = isFile(s) ? s.file : s.name
            const v = loggedFloat(isFile(s) ? readFileSync(join(FIXTURES, s.file), 'utf8') : s.log)
            assert.ok(v !== undefined, `${role}: ${what} states no floatimage_accumulated`)
            const want = floatAt(image, c.args ?? [], c.pixel!)
            assert.equal(Math.fround(v), want, `${role}: the log's floatimage_accumulated ${v} is not the image's ${want} at ${c.pixel}`)
            done.push(`${role} log states the image's value ${want}`)
          } else if (isProgram(s)) {
            if (s.edits?.length) continue // a planted fault: its image is not the configuration's
            const why = await ws.unavailable(s)
            if (why) return {skip: why}
            const img = await programImage(c, role)
            assert.ok(sameBytes(img, image), `${role}: ${s.program}'s float image differs from ${golden ? (c.image as {file: string}).file : "bl831's"}`)
            done.push(`${role} ${s.program} image bit-identical`)
          } else if (isEngine(s) && !golden) {
            // golden images are the engines' own tests (test/c, test/sim); others are checked here
            if (s.inject?.length || s.fix?.length) continue
            const why = await ws.unavailable(s)
            if (why) return {skip: why}
            assert.ok(sameBytes(await engineImage(c, s.engine), image), `${role}: the ${s.engine} engine's float image differs from bl831's`)
            done.push(`${role} ${s.engine} engine image bit-identical`)
          }
        }
        return {done}
      })()
      if ('skip' in checks) {
        console.log(`      skipped: ${checks.skip}`)
        this.skip()
      }
    })
  }
})

// ---- the runner itself: a wrong expectation is judged wrong ------------------------------------

describe('truth corpus runner', function () {
  this.timeout(300_000)
  const report = (over: Partial<ReportLike> = {}): ReportLike => ({
    status: 'diverged',
    verdict: 'DIVERGED: first divergence F_cell [structure-factor]; final pixel value differs',
    firstDivergence: {name: 'F_cell', class: 'structure-factor', loop: {thick: 0, subS: 0, subF: 0, source: 0, phi: 0, mosaic: 0}},
    rootCauses: [{name: 'F_cell', class: 'structure-factor', loop: null}],
    provenance: {class: null},
    ...over,
  })

  it('judges every stated field, and only those', () => {
    const e: Expect = {
      status: 'diverged',
      first: {name: 'F_cell', class: 'structure-factor', loop: {phi: 0}},
      rootClasses: ['structure-factor'],
      roots: ['F_cell'],
      notRoot: ['I_pixel_final'],
      verdict: ['F_cell'],
    }
    assert.deepEqual(judge(e, report(), 1), [])
    assert.deepEqual(judge({status: 'diverged'}, report({firstDivergence: null, rootCauses: []}), 1), [])
    const wrong = (over: Partial<ReportLike>, code = 1) => judge(e, report(over), code)
    assert.equal(wrong({status: 'agree'}, 0).length, 1)
    assert.equal(wrong({}, 0).length, 1, 'exit code 0 with status diverged')
    assert.match(wrong({firstDivergence: {name: 'F_latt', class: 'structure-factor', loop: null}}).join(), /first divergence: expected F_cell, got F_latt/)
    assert.match(
      wrong({firstDivergence: {name: 'F_cell[0]', class: 'lattice', loop: {phi: 1}}}).join(),
      /class: expected structure-factor.*loop phi: expected 0, got 1/,
    )
    assert.match(
      wrong({
        rootCauses: [
          {name: 'F_cell', class: 'structure-factor', loop: null},
          {name: 'polar', class: 'polarization', loop: null},
        ],
      }).join(),
      /root-cause classes/,
    )
    assert.match(
      wrong({rootCauses: [{name: 'I_pixel_final', class: 'structure-factor', loop: null}]}).join(),
      /F_cell among them.*I_pixel_final must not be a root cause/,
    )
    assert.match(wrong({verdict: 'DIVERGED'}).join(), /verdict must match/)
    assert.match(
      judge({status: 'mismatch', provenance: 'pixel'}, report({status: 'mismatch', provenance: {class: 'configuration'}}), 1).join(),
      /provenance class: expected pixel, got configuration/,
    )
    assert.match(judge({status: 'diverged', rootClassesInclude: ['polarization']}, report(), 1).join(), /expected polarization among them/)
  })

  it('runs a case through nbtrace compare: a trace agrees with itself, and an expectation of divergence is judged wrong', async () => {
    const ws = new Workspace()
    try {
      const trace = 'truth/freeform/traces/cubic-43-33.jsonl'
      const base = {
        group: 'self',
        description: 'a trace against itself',
        via: 'compare' as const,
        ref: {file: trace},
        cand: {file: trace},
        id: 'self/same',
        path: '',
      }
      const right = await runCase({...base, expect: {status: 'agree'}}, ws)
      assert.equal(right.result, 'right', right.problems.join('; '))
      assert.match(right.command, /^nbtrace compare --json /)
      const wrong = await runCase({...base, expect: {status: 'diverged', first: {name: 'F_cell'}}}, ws)
      assert.equal(wrong.result, 'wrong')
      assert.deepEqual(wrong.problems, ['status: expected diverged, got agree', 'first divergence: expected F_cell, got none'])
    } finally {
      ws.cleanup()
    }
  })
})
