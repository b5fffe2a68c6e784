// Every golden case: the float image is bit-identical to float.bin and the SMV images
// (int.img, noise.img) are byte-identical.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {BIN_NOTRACE, caseArgs, ensureBuilt, GOLDEN, goldenCases, run, stageCase} from './helpers.js'

describe('C reference engine: golden images', function () {
  this.timeout(120000)
  const cases = goldenCases()
  before(function () {
    if (!cases.length) this.skip()
    const why = ensureBuilt()
    if (why) throw new Error(why)
  })
  for (const name of cases) {
    it(name, () => {
      const dir = stageCase(name)
      try {
        const r = run(BIN_NOTRACE, caseArgs(name), dir)
        assert.equal(r.status, 0, r.stderr)
        const ref = readFileSync(join(GOLDEN, name, 'float.bin'))
        const out = readFileSync(join(dir, 'float.bin'))
        assert.equal(out.length, ref.length, 'float image size')
        let differ = 0
        let maxRel = 0
        for (let i = 0; i < ref.length; i += 4) {
          if (ref.readUInt32LE(i) !== out.readUInt32LE(i)) {
            differ++
            const a = ref.readFloatLE(i)
            const b = out.readFloatLE(i)
            maxRel = Math.max(maxRel, Math.abs(a - b) / Math.max(Math.abs(a), 1e-30))
          }
        }
        assert.equal(differ, 0, `${differ} float pixels differ (max relative error ${maxRel})`)
        for (const img of ['int.img', 'noise.img']) {
          if (!existsSync(join(GOLDEN, name, img))) continue
          const a = readFileSync(join(GOLDEN, name, img))
          const b = readFileSync(join(dir, img))
          assert.ok(a.equals(b), `${img} differs`)
        }
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }
})
