// scripts/upstream/instrument.ts against the guide and against upstream: the guide's edits
// section is generated from the script's EDITS, the script inserts exactly the code the guide
// shows (and nothing else), and a source it does not recognise stops it loudly.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {AnchorError, COMMAND_TEMPLATE, EDITS, GUIDE, guideWithSection, instrumentUpstream} from '../../scripts/upstream/instrument.js'
import {ROOT} from '../helpers/fixtures.js'
import {upstreamMissing, upstreamSource} from '../helpers/upstream.js'

const SCRIPT = join(ROOT, 'scripts', 'upstream', 'instrument.ts')

/** the snippet (last ```c block) under each "**N. title** (`id`)" of the guide's generated section */
function guideSnippets(): Map<string, string[]> {
  const text = readFileSync(GUIDE, 'utf8')
  const section = text.slice(text.indexOf('<!-- BEGIN edits'), text.indexOf('<!-- END edits -->'))
  const out = new Map<string, string[]>()
  for (const part of section.split(/^\*\*\d+\. /m).slice(1)) {
    const id = /\(`([^`]+)`\)/.exec(part)![1]
    const blocks = [...part.matchAll(/```c\n([\s\S]*?)\n```/g)]
    out.set(id, blocks[blocks.length - 1][1].split('\n'))
  }
  return out
}

describe('scripts/upstream/instrument.ts', function () {
  this.timeout(60000)

  it("the guide's edits section is the one the script generates (node --import tsx scripts/upstream/instrument.ts --doc)", () => {
    const guide = readFileSync(GUIDE, 'utf8')
    assert.equal(guideWithSection(guide), guide)
    const snippets = guideSnippets()
    assert.deepEqual(
      [...snippets.keys()],
      EDITS.map((e) => e.id),
    )
    const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--check-doc'], {cwd: ROOT, encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
  })

  it('the guide states the one flag order of the exported command template', () => {
    assert.equal(COMMAND_TEMPLATE, '{exe} -trace_pixel {slow} {fast} -trace_out {out} {args}')
    const guide = readFileSync(GUIDE, 'utf8')
    assert.ok(guide.includes('`{exe} -trace_pixel {slow} {fast} -trace_out {out} {args}`'))
    // no example anywhere in the guide puts the nanoBragg arguments before the trace flags
    assert.ok(!/\{args\}[^\n`']*-trace_pixel/.test(guide), 'an example with {args} before -trace_pixel')
  })

  describe('on upstream nanoBragg.c', function () {
    let src = ''
    before(function () {
      const why = upstreamMissing('bl831')
      if (why) {
        console.log(`      (skipped: ${why})`)
        this.skip()
      }
      src = readFileSync(upstreamSource('bl831'), 'utf8')
    })

    it("inserts exactly the guide's snippets: removing them gives back upstream byte for byte", () => {
      const out = instrumentUpstream(src).split('\n')
      const used = new Array<boolean>(out.length).fill(false)
      for (const [id, snippet] of guideSnippets()) {
        const want = snippet.map((l) => l.trim())
        let found = -1
        for (let i = 0; i + want.length <= out.length && found < 0; i++) {
          if (want.every((w, k) => !used[i + k] && out[i + k].trim() === w)) found = i
        }
        assert.ok(found >= 0, `the guide's snippet "${id}" is not in the instrumented source`)
        for (let k = 0; k < want.length; k++) {
          used[found + k] = true
          // re-indented to the anchor line, preprocessor lines at column 0
          if (want[k].startsWith('#')) assert.equal(out[found + k], want[k])
        }
      }
      assert.equal(out.filter((_, i) => !used[i]).join('\n'), src)
    })

    it('stops on a missing or repeated anchor, naming the edit', () => {
      assert.throws(
        () => instrumentUpstream(src.replace('/* fill in blanks */', '/* blanks */')),
        (e: Error) => e instanceof AnchorError && /edit "config".*found 0 times/.test(e.message),
      )
      assert.throws(
        () => instrumentUpstream(src.replace('floatimage[imgidx] += test;', 'floatimage[imgidx] += test;\nfloatimage[imgidx] += test;')),
        (e: Error) => e instanceof AnchorError && /edit "final".*found 2 times/.test(e.message),
      )
      assert.throws(() => instrumentUpstream(instrumentUpstream(src)), /already includes nbtrace\.h/)
      // whitespace is not part of an anchor
      assert.doesNotThrow(() => instrumentUpstream(src.replace('airpath = unitize(pixel_pos,diffracted);', 'airpath  =  unitize(pixel_pos,diffracted) ;')))
    })

    it('as a command: text in, text out; exit 2 with the reason on a source it does not recognise', () => {
      const dir = mkdtempSync(join(tmpdir(), 'nbtrace-instrument-'))
      try {
        const out = join(dir, 'nb.c')
        let r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, upstreamSource('bl831'), out], {cwd: ROOT, encoding: 'utf8'})
        assert.equal(r.status, 0, r.stderr)
        assert.equal(readFileSync(out, 'utf8'), instrumentUpstream(src))
        writeFileSync(join(dir, 'bad.c'), src.replace('/* sweep over phi angles */', ''))
        r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], {cwd: ROOT, encoding: 'utf8', input: readFileSync(join(dir, 'bad.c'))})
        assert.equal(r.status, 2)
        assert.equal(r.stdout, '')
        assert.match(r.stderr, /^instrument: edit "polar": anchor .* found 0 times/)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  })
})
