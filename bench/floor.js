// The compare floor: read both files (1 MiB chunks, as compare reads them) and find every line,
// nothing else. node bench/floor.js [--split|--bytes|--parse] A B
//   --split (default): decode each chunk to a string and split it at '\n' (the issue's "node
//                      read+split", the floor compare's same-order target is measured against)
//   --bytes:           scan the Buffers for '\n' without making any string (a lower floor)
//   --parse:           --split, then JSON.parse every line (what a parse-everything reader pays)
import {createReadStream} from 'node:fs'

const mode = process.argv.find((a) => a.startsWith('--'))?.slice(2) ?? 'split'
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'))

async function strings(file, parse) {
  let rest = ''
  let n = 0
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) {
    const parts = (rest + chunk.toString('utf8')).split('\n')
    rest = parts.pop()
    for (const p of parts)
      if (p) {
        if (parse) JSON.parse(p)
        n++
      }
  }
  if (rest) {
    if (parse) JSON.parse(rest)
    n++
  }
  return n
}

async function bytes(file) {
  let n = 0
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++
  }
  return n
}

const counts = await Promise.all(files.map((f) => (mode === 'bytes' ? bytes(f) : strings(f, mode === 'parse'))))
console.log(counts.join(' '))
