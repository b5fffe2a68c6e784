// The legacy producer profiles (schemas/producers/*.json) against the catalogue: every name a
// profile maps is a catalogue variable, every unit it states converts to that variable's unit,
// every loop rule names axes of the variable's loop scope. A typo here would silently drop or
// misplace a record.
import assert from 'node:assert/strict'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import {loadProfiles, type NameMap} from '../../src/trace/legacy/profile.js'
import {converter} from '../../src/trace/legacy/units.js'

const cat = loadCatalogue()

function leaves(m: NameMap): NameMap[] {
  if (m.byPivot) return [m.byPivot.beam, m.byPivot.sample]
  if (m.byFlag) return Object.values(m.byFlag.values)
  return m.redundant !== undefined ? [] : [m]
}

describe('legacy producer profiles', () => {
  const profiles = loadProfiles()

  it('the known producers have a profile each (TRACE_C, TRACE_PY, free-form)', () => {
    assert.deepEqual([...profiles.values()].map((p) => p.tag).sort(), ['c', 'freeform', 'py'])
  })

  for (const p of profiles.values()) {
    it(`${p.name}: names map to catalogue variables, units convert, loop rules fit the scope`, () => {
      const maps: [string, NameMap][] = [...Object.entries(p.aliases ?? {})]
      for (const [sec, s] of Object.entries(p.sections)) for (const [n, m] of Object.entries(s!.names)) maps.push([`${sec}.${n}`, m])
      for (const s of p.setupLines ?? []) maps.push([`setup ${s.var}`, {var: s.var}])
      assert.ok(maps.length > 0)
      for (const [n, m0] of maps) {
        for (const m of leaves(m0)) {
          const def = cat.byName.get(m.var!)
          assert.ok(def, `${p.name} ${n}: ${m.var} is not in the catalogue`)
          if (m.unit) {
            const target = m.transform === 'square' && def.unit === 'm²' ? 'm' : def.unit
            assert.ok(converter(m.unit, target), `${p.name} ${n}: ${m.unit} does not convert to ${def.name}'s ${def.unit}`)
          }
          for (const a of Object.keys(m.loop ?? {}))
            assert.ok((def.loop as string[]).includes(a), `${p.name} ${n}: loop axis ${a} is not in ${def.name}'s scope`)
          if (m.component) assert.ok(def.shape === 'vec3' || def.shape === 'ivec3', `${p.name} ${n}: a component of a ${def.shape}`)
        }
      }
      for (const s of p.setupLines ?? []) assert.equal(new RegExp(s.regex).source.length > 0, true)
    })
  }

  it('units: the forms logs write convert exactly to the catalogue unit', () => {
    const cases: [string, string, number, number][] = [
      ['Å', 'm', 1, 1e-10],
      ['A', 'm', 6.2, 6.2e-10],
      ['mm', 'm', 100, 0.1],
      ['meters', 'm', 0.1, 0.1],
      ['1/A', 'm⁻¹', 0.01, 1e8],
      ['Å⁻¹', 'm⁻¹', 0.01, 1e8],
      ['A^-1', 'm⁻¹', 1, 1e10],
      ['m^-3', 'Å⁻³', 1e30, 1],
      ['Å³', 'Å³', 5, 5],
      ['deg', 'rad', 180, Math.PI],
      ['photons/m^2', 'photons/m²', 3, 3],
      ['m^2', 'm²', 2, 2],
    ]
    for (const [from, to, x, want] of cases) {
      const f = converter(from, to)
      assert.ok(f, `${from} → ${to}`)
      assert.ok(Math.abs(f(x) - want) <= 1e-15 * Math.abs(want), `${from} → ${to}: ${f(x)} vs ${want}`)
    }
    assert.equal(converter('m', 'm⁻¹'), undefined, 'a length never becomes an inverse length')
    assert.equal(converter('rad', 'm'), undefined)
  })
})
