// #14 group 1 (injection) and #12's flag order, through `nbtrace trace --cand-cmd` as a user runs
// it: placeholders are filled in one pass (a literal "{slow}" or "{cwd}" among the nanoBragg
// arguments stays literal), every value is quoted for its shell context (a folder named
// `d $(touch X)` runs nothing), {args} ends up last in its command, and the external program runs
// in a temporary folder of its own with input paths made absolute (#15 item 6).
import assert from 'node:assert/strict'
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ARGS, leftovers, oneLine, PIXEL, runCli, suiteSetup} from './helpers.js'

describe('hardening #14.1: injection and the command template', function () {
  this.timeout(120_000)
  const {dirs, good} = suiteSetup()

  /** A candidate that records the argv it was given, then prints the good trace. */
  const recorder = (file: string): string => `printf '%s\\n' {args} > {cwd}/${file}; cat ${good()}`

  it('a folder named `d $(touch X)` with {cwd} among the arguments runs nothing; placeholders in arguments stay literal', async () => {
    // a command that would run: `cd; touch PWNED` creates $HOME/PWNED (no slash: it is a folder name)
    const home = dirs.make()
    const cwd = join(dirs.make(), 'd $(cd;touch PWNED) `cd;touch PWNED2` \'"')
    mkdirSync(cwd)
    const args = [...ARGS, '-title', '{cwd}', '-note', '{slow}', '-x', "it's {out}"]
    const r = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', recorder('argv.txt'), '--', ...args], {
      cwd,
      env: {HOME: home},
    })
    assert.equal(existsSync(join(home, 'PWNED')) || existsSync(join(home, 'PWNED2')), false, 'a command in the folder name ran')
    assert.equal(r.code, 0, r.stderr + r.stdout)
    // the program saw exactly the arguments the user gave, placeholders unexpanded
    assert.deepEqual(readFileSync(join(cwd, 'argv.txt'), 'utf8').trimEnd().split('\n'), args)
  })

  it("placeholders inside the template's own quotes are quoted for that context", async () => {
    const home = dirs.make()
    const cwd = join(dirs.make(), `q'"$(cd;touch PWNED)\`cd;touch PWNED\``)
    mkdirSync(cwd)
    const tpl = `printf '%s\\n' '{cwd}' "{cwd}" {cwd} > "{cwd}/seen.txt"; cat ${good()}`
    const r = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', tpl, '--', ...ARGS], {cwd, env: {HOME: home}})
    assert.equal(existsSync(join(home, 'PWNED')), false)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readFileSync(join(cwd, 'seen.txt'), 'utf8').trimEnd().split('\n'), [cwd, cwd, cwd])
  })

  it('{args} in quotes or glued to a word is refused before anything runs (exit 2, one line)', async () => {
    for (const [tpl, msg] of [
      [`prog "{args}"`, '--cand-cmd: {args} stands for several words: write it unquoted (nbtrace quotes each argument)'],
      [`prog -a{args}`, '--cand-cmd: {args} must be a word of its own in the command template'],
      [`prog 'unterminated`, "--cand-cmd: unterminated ' quote in the command template"],
    ]) {
      const cwd = dirs.make()
      const r = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--cand-cmd', tpl, '--', ...ARGS], {cwd})
      assert.equal(r.code, 2, tpl)
      assert.equal(oneLine(r.stderr), `nbtrace: ${msg}`)
      assert.equal(existsSync(join(cwd, 'ev')), false)
    }
  })

  it('#12: {args} goes last, so words written after it (trace flags) cannot follow -misset_seed', async () => {
    const cwd = dirs.make()
    const args = [...ARGS, '-misset_seed', '5']
    const tpl = `printf '%s\\n' {args} -trace_pixel {slow} {fast} > {cwd}/argv.txt 2>{cwd}/err.txt; cat ${good()}`
    const r = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', tpl, '--', ...args], {cwd})
    // (a mismatch: the recorded trace was made without -misset_seed)
    assert.ok(r.code === 0 || r.code === 1, r.stderr)
    // the redirections stayed where they were; the trace flags moved before the arguments
    assert.deepEqual(readFileSync(join(cwd, 'argv.txt'), 'utf8').trimEnd().split('\n'), ['-trace_pixel', '33', '33', ...args])
    assert.equal(readFileSync(join(cwd, 'err.txt'), 'utf8'), '')
  })

  it("#15.6: an external program runs in a temporary folder of its own; {cwd} is the user's; inputs are absolute", async () => {
    const cwd = dirs.make()
    writeFileSync(join(cwd, 'P1.hkl'), '0 0 0 100\n1 0 0 100\n')
    const args = [...ARGS.filter((a, i) => a !== '-default_F' && ARGS[i - 1] !== '-default_F'), '-default_F', '100', '-hkl', 'P1.hkl']
    const tpl = `pwd > {cwd}/where.txt; touch floatimage.bin intimage.img noiseimage.img image.pgm; printf '%s\\n' {args} > {cwd}/argv.txt; cat ${good()}`
    const r = await runCli(['trace', '--pixel', PIXEL, '--out', 'ev', '--ref-engine', 'ts', '--cand-cmd', tpl, '--', ...args], {cwd})
    assert.ok(r.code === 0 || r.code === 1, r.stderr)
    const where = readFileSync(join(cwd, 'where.txt'), 'utf8').trim()
    assert.notEqual(where, cwd)
    assert.equal(existsSync(where), false, 'its folder was not removed')
    for (const f of ['floatimage.bin', 'intimage.img', 'noiseimage.img', 'image.pgm']) assert.equal(existsSync(join(cwd, f)), false, f)
    const seen = readFileSync(join(cwd, 'argv.txt'), 'utf8').trimEnd().split('\n')
    assert.equal(seen[seen.indexOf('-hkl') + 1], join(cwd, 'P1.hkl'))
    assert.deepEqual(leftovers(cwd), [])
  })

  it("#11/#12: a program named by a relative path (./nanoBragg, bin/port) is the user's, though it runs in a folder of its own", async () => {
    const cwd = dirs.make()
    mkdirSync(join(cwd, 'bin'))
    for (const p of ['port.sh', 'bin/port.sh']) {
      writeFileSync(join(cwd, p), `#!/bin/sh\npwd > '${cwd}/ran-${p.replace('/', '-')}.txt'\ncat '${good()}'\n`)
      chmodSync(join(cwd, p), 0o755)
    }
    for (const [tpl, mark] of [
      ['./port.sh -trace_pixel {slow} {fast} {args}', 'ran-port.sh.txt'],
      ['true && bin/port.sh {args}', 'ran-bin-port.sh.txt'],
    ]) {
      const r = await runCli(['trace', '--pixel', PIXEL, '--out', `ev-${mark}`, '--ref-engine', 'ts', '--cand-cmd', tpl, '--', ...ARGS], {cwd})
      assert.ok(r.code === 0 || r.code === 1, r.stdout + r.stderr)
      assert.notEqual(readFileSync(join(cwd, mark), 'utf8').trim(), cwd, 'it still runs in a folder of its own')
    }
  })
})
