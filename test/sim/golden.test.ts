// Every reference case run from its cmd.txt: float image bit-identical, int/noise SMV byte-identical.
import {strict as assert} from 'node:assert'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {simulate} from '../../src/sim/run.js'
import {caseWorkdir, diffFloat, goldenCases, readFloat32} from './helpers.js'

describe('sim: golden images (bit-exact vs reference nanoBragg)', () => {
  for (const c of goldenCases()) {
    it(c.name, async () => {
      const wd = caseWorkdir(c)
      try {
        await simulate({args: c.args, cwd: wd})
        const d = diffFloat(readFloat32(join(c.dir, 'float.bin')), readFloat32(join(wd, 'float.bin')))
        assert.equal(d.differing, 0, `${d.differing} float pixels differ (max rel ${d.maxRel})`)
        assert.ok(readFileSync(join(wd, 'int.img')).equals(readFileSync(join(c.dir, 'int.img'))), 'int.img differs')
        if (existsSync(join(c.dir, 'noise.img'))) {
          assert.ok(readFileSync(join(wd, 'noise.img')).equals(readFileSync(join(c.dir, 'noise.img'))), 'noise.img differs')
        }
      } finally {
        rmSync(wd, {recursive: true, force: true})
      }
    })
  }
})
