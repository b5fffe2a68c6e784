// Shares as people read them (src/util/numbers.ts percent): the triage verdict, table and cause
// map print shares whose sums carry float round-off.
import {strict as assert} from 'node:assert'
import {percent} from '../../src/util/numbers.js'
import {verdictLine} from '../../src/triage/triage.js'

describe('triage: shares as percentages', () => {
  it('round-off of a sum of shares is 100% / 0%, a real remainder never rounds to 100%', () => {
    assert.equal(percent(0.619 + 0.381 - 1e-16), '100%')
    assert.equal(percent(4.8e-18), '0%')
    assert.equal(percent(0.9996), '99.9%')
    assert.equal(percent(0.5), '50%')
    assert.equal(percent(0.0355), '3.55%')
    assert.equal(percent(0.000123), '0.012%')
    assert.equal(percent(null), 'n/a')
  })
  it('a verdict whose causes explain everything says 100%', () => {
    const c = (cls: string, variable: string, share: number) => ({class: cls, variable, share}) as Parameters<typeof verdictLine>[0][number]
    assert.equal(
      verdictLine([c('geometry', 'Fdet', 0.619), c('structure-factor', 'F_cell', 1 - 0.619 - 1e-16)], 4.8e-18),
      '2 independent causes explain 100% of the discrepancy: geometry (Fdet) 61.9%, structure-factor (F_cell) 38.1%',
    )
  })
})
