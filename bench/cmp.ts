// One comparison in process, for time and peak-RSS measurements of large pairs (see bench/big.ts):
//   /usr/bin/time -f '%e s %M KiB' node --import tsx bench/cmp.ts REF CAND [--json]
import {compareTraces} from '../src/compare/pipeline.js'

const [a, b] = process.argv.slice(2)
const t = performance.now()
const r = await compareTraces(a, b)
const ms = performance.now() - t
if (process.argv.includes('--json')) console.log(JSON.stringify({...r, elapsedMs: 0}))
else
  console.log(`${r.status} ${(ms / 1000).toFixed(2)} s, maxPending ${r.alignment.maxPending}, textEqual ${r.alignment.textEqual}: ${r.verdict.slice(0, 200)}`)
