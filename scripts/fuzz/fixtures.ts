// Fuzz fixtures (test/fixtures/fuzz/*.json): a shrunk configuration that once made an engine
// disagree with upstream nanoBragg, with upstream's outputs (bytes when small, else SHA-256), so
// the fixture test holds both engines to upstream even where upstream is not at hand.
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT} from '../../test/helpers/fixtures.js'
import {UPSTREAM_ONLY} from './compare.js'
import type {RunOutcome} from './programs.js'
import type {FuzzConfig} from './space.js'

export const FUZZ_FIXTURES = join(ROOT, 'test', 'fixtures', 'fuzz')

export interface FixtureFile {
  sha256: string
  /** base64 of the bytes, when under 64 KiB */
  base64?: string
}

export interface FuzzFixture {
  id: string
  /** what differed when it was found, and in which engine */
  found: string
  engine: 'c' | 'ts'
  /** how it was fixed (filled in by hand) */
  fixed?: string
  groups: FuzzConfig['groups']
  files: Record<string, {base64: string}>
  upstream: {status: number | string; outputs: Record<string, FixtureFile>}
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

export function fixtureOf(c: FuzzConfig, engine: 'c' | 'ts', found: string, up: RunOutcome): FuzzFixture {
  const outputs: Record<string, FixtureFile> = {}
  for (const [f, b] of up.outputs) {
    if (UPSTREAM_ONLY.has(f)) continue
    outputs[f] = {sha256: sha(b), ...(b.length < 65536 ? {base64: b.toString('base64')} : {})}
  }
  return {
    id: c.id,
    found,
    engine,
    groups: c.groups,
    files: Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, {base64: Buffer.from(v).toString('base64')}])),
    upstream: {status: up.status, outputs},
  }
}

export function saveFixture(fx: FuzzFixture, dir = FUZZ_FIXTURES): string {
  const path = join(dir, `${fx.id}-${fx.engine}.json`)
  writeFileSync(path, JSON.stringify(fx, null, 1) + '\n')
  return path
}

export function loadFixtures(dir = FUZZ_FIXTURES): FuzzFixture[] {
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  } catch {
    return []
  }
  return names.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FuzzFixture)
}

export function configOf(fx: FuzzFixture): FuzzConfig {
  return {id: fx.id, groups: fx.groups, files: Object.fromEntries(Object.entries(fx.files).map(([k, v]) => [k, Buffer.from(v.base64, 'base64')]))}
}

/** The upstream outcome a fixture recorded, as a RunOutcome (only outputs stored as bytes). */
export function upstreamOf(fx: FuzzFixture): RunOutcome {
  const outputs = new Map<string, Buffer>()
  for (const [f, o] of Object.entries(fx.upstream.outputs)) if (o.base64) outputs.set(f, Buffer.from(o.base64, 'base64'))
  return {program: 'upstream', status: fx.upstream.status, why: '', outputs, ms: 0}
}
