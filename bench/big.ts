// Generates the large pairs used for the compare memory/time figures in docs/compare.md:
//   node --import tsx bench/big.ts DIR [N]   → DIR/a.jsonl (loop order), DIR/a2.jsonl (a copy
//   written again), DIR/b.jsonl (one record perturbed 1000 before the end), DIR/v.jsonl (the
//   records of a.jsonl written variable by variable).
// Then e.g. /usr/bin/time -f '%e s %M KiB' node bin/run.js compare DIR/a.jsonl DIR/v.jsonl --json
import {join} from 'node:path'
import {generateTrace} from './gen.js'

const dir = process.argv[2]
const n = Number(process.argv[3] ?? 5_000_000)
const which = (process.argv[4] ?? 'a,a2,b,v').split(',')
if (which.includes('a')) await generateTrace(join(dir, 'a.jsonl'), n)
if (which.includes('a2')) await generateTrace(join(dir, 'a2.jsonl'), n)
if (which.includes('b')) await generateTrace(join(dir, 'b.jsonl'), n, {perturbAt: n - 1000})
if (which.includes('v')) await generateTrace(join(dir, 'v.jsonl'), n, {order: 'variable'})
