// A trace held in memory as a side: legacy logs (read whole by their producer profile) and
// programmatic callers that pass a LoadedTrace.
import {loadCatalogue} from '../../catalogue/catalogue.js'
import {InputError} from '../../util/errors.js'
import type {LoadedTrace} from '../reader.js'
import {NO_BYTES, NO_VIEW, type Checkpoint, type Cursor, type ParsedRec, type Role, type Side} from './side.js'

export function memorySide(role: Role, t: LoadedTrace): Side {
  const cat = loadCatalogue()
  return {
    role,
    file: t.file,
    header: t.header,
    format: t.header.format,
    footer: t.footer,
    truncated: t.truncated?.reason,
    memory: t,
    open(from?: Checkpoint): Cursor {
      let i = from ? from.index - 1 : -1
      const c: Cursor = {
        bytes: NO_BYTES,
        view: NO_VIEW,
        start: 0,
        end: 0,
        rest: -1,
        name: () => undefined,
        line: 0,
        index: -1,
        checkpoints: [],
        close(): void {},
        next(): boolean {
          i++
          if (i >= t.values.length) return false
          c.index = i
          c.line = t.lines[i] ?? i + 2
          return true
        },
        rec(): ParsedRec {
          const v = t.values[i]
          const def = cat.byName.get(v.name)
          if (!def)
            throw new InputError(`expected a catalogue variable name, found unknown name ${JSON.stringify(v.name)}`, {
              file: t.file,
              line: c.line,
              field: '/name',
            })
          return {name: v.name, def, comp: v.origin?.component, loop: v.loop, value: v.value, line: c.line, index: i, digits: v.origin?.digits}
        },
      }
      return c
    },
  }
}
