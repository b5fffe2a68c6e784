// Byte-faithful text handling for hand-kept markdown files: strict UTF-8 decoding that names the
// first bad byte, and lines that keep their own terminators so that joining them gives back the
// exact original text (CRLF, LF, mixed, no final newline, BOM all preserved).

export type Eol = '' | '\n' | '\r\n'

export interface Line {
  text: string
  eol: Eol
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the buffer is valid UTF-8. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0
  const n = b.length
  while (i < n) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1
      min = 0x80
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      min = 0x800
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      min = 0x10000
    } else return i
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07)
    for (let k = 1; k <= need; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

/** 1-based line number of a byte offset (counting LF bytes before it). */
export function lineOfOffset(b: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < b.length; i++) if (b[i] === 0x0a) line++
  return line
}

/** Decodes valid UTF-8 exactly (a BOM is kept as U+FEFF so it is written back). */
export function decodeUtf8(b: Uint8Array): string {
  return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(b)
}

export function splitLines(text: string): Line[] {
  const out: Line[] = []
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf('\n', start)
    if (nl < 0) {
      out.push({text: text.slice(start), eol: ''})
      break
    }
    const cr = nl > start && text.charCodeAt(nl - 1) === 13
    out.push({text: text.slice(start, cr ? nl - 1 : nl), eol: cr ? '\r\n' : '\n'})
    start = nl + 1
  }
  return out
}

export function joinLines(lines: Line[]): string {
  let s = ''
  for (const l of lines) s += l.text + l.eol
  return s
}

/** The terminator most lines use (LF when there is none). */
export function dominantEol(lines: Line[]): '\n' | '\r\n' {
  let crlf = 0
  let lf = 0
  for (const l of lines) {
    if (l.eol === '\r\n') crlf++
    else if (l.eol === '\n') lf++
  }
  return crlf > lf ? '\r\n' : '\n'
}
