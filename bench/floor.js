// The compare floor: read both files line by line and JSON.parse each line, nothing else.
import {createReadStream} from 'node:fs'

async function readAll(file) {
  let rest = ''
  let n = 0
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) {
    const parts = (rest + chunk.toString('utf8')).split('\n')
    rest = parts.pop()
    for (const p of parts)
      if (p) {
        JSON.parse(p)
        n++
      }
  }
  if (rest) JSON.parse(rest)
  return n
}

await Promise.all(process.argv.slice(2).map(readAll))
