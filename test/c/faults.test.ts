// The planted faults the C engine has (schemas/faults.json "engines": the partial-image ones),
// through `nbtrace simulate` as a user runs it: each changes the C image, only on its part of the
// detector, exactly as the TypeScript engine's fault does (bit-identical images), and the C
// trace with the fault first differs from the faithful C trace at the declared variable. Faults
// the C engine does not have are refused in one line, exit 2.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli} from '../helpers/cli.js'
import {ensureBuilt} from './helpers.js'

interface Fault {
  id: string
  variable: string
  engines?: string[]
}

const FAULTS = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'faults.json'), 'utf8')) as {faults: Fault[]}).faults
const C_FAULTS = FAULTS.filter((f) => f.engines?.includes('c'))

// a 20 Å cell at 20 mm: corners beyond 2θ = 30°, a table ending at |l| = 7 (outer strips outside it)
const ARGS = '-cell 20 20 20 90 90 90 -hkl t.hkl -default_F 100 -lambda 1 -distance 20 -detpixels 96 -pixel 0.2 -N 5'.split(' ')

/** Where each fault may act: the pixels it is allowed to change. */
const REGION: Record<string, (slow: number, fast: number) => boolean> = {
  'tile-fast-offset': (_s, f) => f >= 48,
  // 2θ > 30° only beyond 20 mm · tan 30° = 11.5 mm from the beam centre (the detector centre here)
  'high-angle-obliquity': (s, f) => Math.hypot((s + 0.5) * 0.2 - 9.6, (f + 0.5) * 0.2 - 9.6) > 11.0,
  'hkl-outside-zero': () => true,
}

function table(): string {
  const rows: string[] = []
  for (let h = -9; h <= 9; h++)
    for (let k = -9; k <= 9; k++) for (let l = -7; l <= 7; l++) rows.push(`${h} ${k} ${l} ${20 + (Math.abs(h * 7 + k * 3 - l * 5) % 60)}`)
  return rows.join('\n') + '\n'
}

function floats(path: string): Float32Array {
  const b = readFileSync(path)
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)
}

describe('C engine: planted partial-image faults', function () {
  this.timeout(300_000)
  let wd = ''
  before(function () {
    const why = ensureBuilt()
    if (why) throw new Error(why)
    wd = mkdtempSync(join(tmpdir(), 'nbtrace-c-faults-'))
    writeFileSync(join(wd, 't.hkl'), table())
  })
  after(() => wd && rmSync(wd, {recursive: true, force: true}))

  const image = async (engine: string, inject: string[], name: string): Promise<Float32Array> => {
    const r = await runCli(
      [
        'simulate',
        '--engine',
        engine,
        ...(inject.length ? ['--inject', inject.join(',')] : []),
        '--',
        ...ARGS,
        '-floatfile',
        name,
        '-intfile',
        `${name}.img`,
        '-nopgm',
        '-nonoise',
      ],
      {cwd: wd},
    )
    assert.equal(r.code, 0, r.stderr)
    return floats(join(wd, name))
  }

  it('the C engine has exactly the three partial-image faults', () => {
    assert.deepEqual(C_FAULTS.map((f) => f.id).sort(), ['high-angle-obliquity', 'hkl-outside-zero', 'tile-fast-offset'])
  })

  for (const f of C_FAULTS) {
    it(`${f.id}: changes only its region, as the TypeScript engine's does, first diverging at ${f.variable}`, async () => {
      const faithful = await image('c', [], `ok-${f.id}.bin`)
      const c = await image('c', [f.id], `c-${f.id}.bin`)
      const ts = await image('ts', [f.id], `ts-${f.id}.bin`)
      assert.ok(
        Buffer.from(c.buffer, c.byteOffset, c.byteLength).equals(Buffer.from(ts.buffer, ts.byteOffset, ts.byteLength)),
        'C and TS images with the fault differ',
      )
      let changed = 0
      let best = -1
      let bestD = 0
      for (let i = 0; i < c.length; i++) {
        if (c[i] === faithful[i]) continue
        changed++
        const s = Math.floor(i / 96)
        const fa = i % 96
        assert.ok(REGION[f.id](s, fa), `pixel ${s},${fa} changed outside the fault's region`)
        const d = Math.abs(c[i] - faithful[i])
        if (d > bestD) {
          bestD = d
          best = i
        }
      }
      assert.ok(changed > 50 && changed < c.length, `${changed} pixels changed`)
      // the C trace of the most changed pixel, faithful vs faulted: the first difference is the declared variable
      const pixel = `${Math.floor(best / 96)},${best % 96}`
      for (const [name, inject] of [
        ['a.jsonl', []],
        ['b.jsonl', [f.id]],
      ] as const) {
        const r = await runCli(
          ['simulate', '--engine', 'c', ...(inject.length ? ['--inject', inject.join(',')] : []), '--trace-pixel', pixel, '--trace-out', name, '--', ...ARGS],
          {cwd: wd},
        )
        assert.equal(r.code, 0, r.stderr)
      }
      const cmp = await runCli(['compare', 'a.jsonl', 'b.jsonl', '--json'], {cwd: wd})
      assert.equal(cmp.code, 1, cmp.stderr)
      const rep = JSON.parse(cmp.stdout) as {firstDivergence: {name: string}; rootCauses: {name: string}[]}
      assert.equal(rep.firstDivergence.name, f.variable)
      assert.deepEqual(
        rep.rootCauses.map((x) => x.name),
        [f.variable],
      )
    })
  }

  it('refuses, in one line, a fault the C engine does not have', async () => {
    const r = await runCli(['simulate', '--engine', 'c', '--inject', 'kahn-default-one', '--', ...ARGS, '-floatfile', 'x.bin'], {cwd: wd})
    assert.equal(r.code, 2)
    assert.match(
      r.stderr.trim(),
      /^nbtrace: .*has only the planted faults hkl-outside-zero, tile-fast-offset, high-angle-obliquity: --inject kahn-default-one needs --engine ts$/,
    )
    assert.equal(r.stderr.trim().split('\n').length, 1)
  })
})
