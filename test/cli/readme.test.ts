// The README's command table and docs/commands.md are the commands' own help (scripts/readme.js);
// this fails when a command, flag, summary or example changed without `npm run readme`.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT, runCli} from '../helpers/cli.js'

describe('cli: the command reference', function () {
  this.timeout(120000)

  it('README.md and docs/commands.md are current (npm run readme)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'readme.js'), '--check'], {cwd: ROOT, encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
  })

  it('lists every command `nbtrace help` lists, with the help text of each', async () => {
    const root = await runCli(['--help'], {env: {COLUMNS: '200'}})
    assert.equal(root.code, 0, root.stderr)
    const listed = [...root.stdout.slice(root.stdout.indexOf('COMMANDS')).matchAll(/^ {2}(\S+)/gm)].map((m) => m[1])
    assert.ok(listed.includes('trace') && listed.includes('help') && listed.includes('autocomplete'), listed.join(','))
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const docs = readFileSync(join(ROOT, 'docs', 'commands.md'), 'utf8')
    for (const id of listed) {
      assert.match(readme, new RegExp(`^\\| \\[\`${id}\`\\]\\(docs/commands\\.md#nbtrace-${id.replace(' ', '-')}\\)`, 'm'), id)
      assert.ok(docs.includes(`## nbtrace ${id}\n`), id)
    }
    const trace = await runCli(['help', 'trace'], {env: {COLUMNS: '80'}})
    const usage = trace.stdout.slice(trace.stdout.indexOf('USAGE')).split('\n').slice(0, 8).join('\n')
    assert.ok(docs.includes(usage), 'docs/commands.md has `nbtrace help trace` as printed')
  })
})
