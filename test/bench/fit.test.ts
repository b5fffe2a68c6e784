// The scaling run's power-law fit (bench/fit.ts) recovers known exponents and factors.
import {strict as assert} from 'node:assert'
import {fitPowerLaw} from '../../bench/fit.js'

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`)

describe('bench fit: least-squares slope of log y vs log x', () => {
  for (const [k, c] of [
    [1, 3],
    [2, 0.5],
    [0.5, 10],
    [0, 7],
    [-1, 2],
    [1.37, 1e-6],
  ])
    it(`recovers y = ${c}·x^${k} exactly`, () => {
      const xs = [1, 2, 4, 8, 16, 100, 4096]
      const f = fitPowerLaw(
        xs,
        xs.map((x) => c * x ** k),
      )
      close(f.exponent, k)
      close(f.factor, c)
      close(f.r2, 1)
      assert.equal(f.n, xs.length)
    })

  it('averages multiplicative noise out of the slope', () => {
    const xs = [256, 512, 1024, 2048, 4096].map((s) => s * s)
    // ±5 % alternating: the fitted slope stays within 0.02 of 1
    const ys = xs.map((x, i) => 2e-5 * x * (i % 2 ? 1.05 : 0.95))
    const f = fitPowerLaw(xs, ys)
    assert.ok(Math.abs(f.exponent - 1) < 0.02, String(f.exponent))
    assert.ok(f.r2 > 0.99)
  })

  it('a constant plus a linear term fits below 1 (why the bench also fits times minus start-up)', () => {
    const xs = [1, 2, 4, 8]
    const f = fitPowerLaw(
      xs,
      xs.map((x) => 200 + 100 * x),
    )
    assert.ok(f.exponent > 0.3 && f.exponent < 0.9, String(f.exponent))
  })

  it('ignores non-positive and non-finite points and needs two', () => {
    const f = fitPowerLaw([0, 1, 2, NaN, 4], [5, 3, 6, 7, -1])
    assert.equal(f.n, 2)
    close(f.exponent, 1)
    assert.ok(Number.isNaN(fitPowerLaw([1], [1]).exponent))
    assert.ok(Number.isNaN(fitPowerLaw([2, 2], [1, 3]).exponent))
  })
})
