// The name cache of the contract cursor guesses the next name from the last cycle; a wrong guess
// must never be taken for a name that merely starts like it (F_latt and F_latt_a).
import assert from 'node:assert/strict'
import {NameCache} from '../../src/trace/source/side.js'

const line = (name: string): {b: Buffer; rest: number} => {
  const text = `{"type":"value","seq":12,"name":"${name}","loop":{"mosaic":0},"value":1}`
  return {b: Buffer.from(text), rest: text.indexOf(',"name"')}
}

describe('name cache (contract cursor)', () => {
  it('reads every name right through cycles that change order, prefixes of each other and escaped names', () => {
    const cache = new NameCache()
    const cycles = [
      ['F_latt_a', 'F_latt', 'F_latt_b', 'F_latt_c'],
      ['F_latt', 'F_latt_a', 'F_latt_b', 'F_latt_c'],
      ['F_latt_b', 'F_latt_c', 'F_latt', 'F_latt_a'],
      ['F', 'F_latt', 'F_latt_a', 'F'],
    ]
    for (let i = 0; i < 40; i++) {
      for (const name of cycles[i % 3 === 0 ? 0 : i % 7 === 0 ? 3 : i % 2 ? 1 : 2]) {
        const {b, rest} = line(name)
        // the line sits anywhere in a bigger buffer, as in a read chunk
        const big = Buffer.concat([Buffer.from('xx\n'), b, Buffer.from('\n')])
        const view = new DataView(big.buffer, big.byteOffset, big.length)
        assert.equal(cache.at(big, view, 3, 3 + b.length, rest), name)
      }
    }
    const esc = Buffer.from('{"type":"value","seq":1,"name":"F_l\\u0061tt","loop":{},"value":1}')
    assert.equal(cache.at(esc, new DataView(esc.buffer, esc.byteOffset, esc.length), 0, esc.length, esc.indexOf(',"name"')), undefined)
    const cut = line('F_latt').b.subarray(0, 38)
    assert.equal(cache.at(cut, new DataView(cut.buffer, cut.byteOffset, cut.length), 0, cut.length, cut.indexOf(',"name"')), undefined)
  })
})
