// --threads: worker threads over row chunks give the serial image bit for bit, including the
// order-dependent quirks (Q3 phi carry-over in c19, Q8 sticky interpolation fallback in c05).
import {strict as assert} from 'node:assert'
import {buildModel} from '../../src/sim/model.js'
import {renderImage} from '../../src/sim/run.js'
import {diffFloat, goldenCases, readFloat32} from './helpers.js'
import {join} from 'node:path'

describe('sim: --threads', function () {
  this.timeout(60000)
  for (const name of ['c05', 'c19', 'c06', 'c11']) {
    it(`${name}: 3 threads equal the serial image and the reference bit for bit`, async () => {
      const c = goldenCases().find((x) => x.name.startsWith(name))!
      const m = buildModel(c.args, {cwd: c.dir})
      const serial = await renderImage(m, 1)
      const threaded = await renderImage(m, 3)
      assert.equal(diffFloat(serial, threaded).differing, 0)
      assert.equal(diffFloat(readFloat32(join(c.dir, 'float.bin')), threaded).differing, 0)
    })
  }
})
