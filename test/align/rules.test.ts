// The classification rules and the catalogue agree: every role and class a rule (or the compare
// pipeline) uses is defined in schemas/catalogue.json and held by a variable; the class list has
// one definition (the schemas' copies are generated from it); and the compare side's code names
// no catalogue variable (renaming one cannot silently switch a rule off).
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {loadCatalogue} from '../../src/catalogue/catalogue.js'
import {ROLE, SERIES_ROLES, SETUP_ROLES} from '../../src/classify/context.js'
import {RULES} from '../../src/classify/rules.js'
import {ROOT} from '../helpers/cli.js'

const cat = loadCatalogue()
const classes = new Set(cat.classes.map((c) => c.name))
const stages = new Set(cat.variables.map((v) => v.stage))

describe('classification rules against the catalogue', () => {
  it('every role the rules use is a catalogue role held by at least one variable', () => {
    const used = new Set<string>([...Object.values(ROLE), ...SETUP_ROLES, ...SERIES_ROLES, ...RULES.flatMap((r) => r.when.roles ?? [])])
    for (const r of used) {
      assert.ok(
        cat.roles.some((d) => d.name === r),
        `role ${r} is not defined in catalogue.json roles`,
      )
      assert.ok(cat.byRole(r).length > 0, `no variable holds role ${r}`)
    }
  })

  it('every stage, unit and loop axis a rule selects exists; every rule gives a catalogue class', () => {
    for (const r of RULES) {
      // a rule whose class is a function gives the kind class of another variable (a rule's class)
      if (typeof r.class === 'string') assert.ok(classes.has(r.class), `rule ${r.id}: class ${r.class} is not a catalogue class`)
      for (const s of [...(r.when.stages ?? []), ...(r.when.notStages ?? [])]) assert.ok(stages.has(s), `rule ${r.id}: no variable has stage ${s}`)
      if (r.when.unit)
        assert.ok(
          cat.variables.some((v) => v.unit === r.when.unit),
          `rule ${r.id}: no variable has unit ${r.when.unit}`,
        )
      if (r.when.axis) assert.ok(cat.loopOrder.includes(r.when.axis), `rule ${r.id}: unknown loop ${r.when.axis}`)
    }
    assert.deepEqual(RULES.at(-1)!.when, {}, 'the last rule applies to every variable')
    assert.equal(typeof RULES.at(-1)!.class, 'string')
    for (const l of cat.loops)
      assert.ok(
        cat.byName.get(l.count)?.shape === 'int' && cat.byName.get(l.count)!.loop.length === 0,
        `loop ${l.name}: count ${l.count} is an integer set-up variable`,
      )
    assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length, 'rule ids are unique')
  })

  it('every rule selects at least one catalogue variable, and is reachable', () => {
    // a rule whose selector is covered by an earlier rule that always applies can never fire
    const sel = (r: (typeof RULES)[number]) =>
      cat.variables
        .filter((v) => {
          const w = r.when
          if ((w.roles || w.stages) && !(w.roles?.some((x) => v.roles.includes(x)) || w.stages?.includes(v.stage))) return false
          if (w.notStages?.includes(v.stage)) return false
          if (w.scoped && v.loop.length === 0) return false
          if (w.axis && !v.loop.includes(w.axis)) return false
          if (w.unit && v.unit !== w.unit) return false
          return true
        })
        .map((v) => v.name)
    const taken = new Set<string>()
    for (const r of RULES) {
      const s = sel(r)
      assert.ok(s.length > 0, `rule ${r.id} selects no variable`)
      assert.ok(
        s.some((n) => !taken.has(n)),
        `rule ${r.id} is unreachable: every variable it selects is taken by an earlier unconditional rule`,
      )
      if (r.test.length === 0) for (const n of s) taken.add(n)
    }
  })

  it('faults.json names only catalogue classes and variables', () => {
    const f = JSON.parse(readFileSync(join(ROOT, 'schemas', 'faults.json'), 'utf8')) as {
      faults: {id: string; class: string; variable: string}[]
      fixes: {id: string; class: string; variable: string}[]
    }
    for (const e of [...f.faults, ...f.fixes]) {
      assert.ok(classes.has(e.class), `${e.id}: class ${e.class}`)
      assert.ok(cat.byName.has(e.variable), `${e.id}: variable ${e.variable}`)
    }
  })

  it('the schemas repeat the catalogue lists exactly (scripts/schemas.js --check)', () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'schemas.js'), '--check'], {stdio: 'pipe'})
  })

  it('compare, align, classify and report code names no catalogue variable', () => {
    const loops = new Set<string>(cat.loopOrder)
    const names = cat.variables.map((v) => v.name).filter((n) => !loops.has(n))
    const quoted = new RegExp(`['"\`](${names.join('|')})['"\`]`)
    const hits: string[] = []
    for (const dir of ['align', 'classify', 'compare', 'report']) {
      for (const f of readdirSync(join(ROOT, 'src', dir)).filter((x) => x.endsWith('.ts'))) {
        readFileSync(join(ROOT, 'src', dir, f), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/^\s*(\/\/|\*)/.test(line)) return
            const m = quoted.exec(line)
            if (m) hits.push(`src/${dir}/${f}:${i + 1}: ${m[1]}`)
          })
      }
    }
    assert.deepEqual(hits, [], 'variable names in code (use a catalogue role)')
  })
})
