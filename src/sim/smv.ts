// SMV frames as nanoBragg reads them for -img and -mask (its own reader, quirks kept):
//  * the file must start with "{\nHEADER_BYT" (12 characters) and hold 512 header bytes;
//  * HEADER_BYTES other than 512 re-reads that many bytes as the header;
//  * a keyword's value is the atof() after the first '=' following its LAST occurrence anywhere
//    in the header, as a substring: DISTANCE therefore reads CLOSE_DISTANCE's value when that
//    comes later, ORGX matches XDS_ORGX; a keyword that is absent is NaN (not given), one with
//    no '=' after it is 0;
//  * SIZE1/SIZE2 are truncated to int (DETECTOR_DIMENSIONS when SIZE1 is 0);
//  * pixel data are native uint16 starting at 2*floor(HEADER_BYTES/2); missing bytes read as 0.
import {InputError} from '../util/errors.js'
import {atof, cInt} from './cnum.js'

export interface SmvFrame {
  file: string
  /** the header as a C string (up to its first NUL) */
  header: string
  headerSize: number
  width: number
  height: number
  bytes: Uint8Array
}

function cString(b: Uint8Array, n: number): string {
  const end = Math.min(n, b.length)
  let i = 0
  while (i < end && b[i] !== 0) i++
  return Buffer.from(b.subarray(0, i)).toString('latin1')
}

/** The value of a header keyword (see above). */
export function headerValue(header: string, keyword: string): number {
  const at = header.lastIndexOf(keyword)
  if (at < 0) return Number.NaN
  const eq = header.indexOf('=', at + keyword.length)
  if (eq < 0) return 0.0
  return atof(header.slice(eq + 1))
}

export function smvValue(f: SmvFrame, keyword: string): number {
  return headerValue(f.header, keyword)
}

/** Reads a frame; refuses (exit 2) what nanoBragg would exit on or read as garbage. */
export function readSmv(buf: Uint8Array, file: string): SmvFrame {
  if (buf.length < 512) throw new InputError(`SMV header needs 512 bytes, the file has ${buf.length}`, {file, line: 1})
  let header = cString(buf, 512)
  if (!header.startsWith('{\nHEADER_BYT')) throw new InputError('not an SMV image (header must start with "{\\nHEADER_BYT")', {file, line: 1})
  const headerSize = cInt(headerValue(header, 'HEADER_BYTES'))
  if (!(headerSize > 0) || headerSize > buf.length)
    throw new InputError(`HEADER_BYTES=${headerSize} does not fit the file (${buf.length} bytes)`, {file, field: 'HEADER_BYTES'})
  if (headerSize !== 512) header = cString(buf, headerSize)
  let width = cInt(headerValue(header, 'SIZE1'))
  let height = cInt(headerValue(header, 'SIZE2'))
  if (width === 0) width = height = cInt(headerValue(header, 'DETECTOR_DIMENSIONS'))
  return {file, header, headerSize, width, height, bytes: buf}
}

/** The frame's pixels as a mask (non-zero = use), for a detector of fpixels x spixels. */
export function maskPixels(f: SmvFrame, fpixels: number, spixels: number): Uint8Array {
  if (f.width !== fpixels || f.height !== spixels) {
    throw new InputError(`mask is ${f.width}x${f.height} pixels but the detector is ${fpixels}x${spixels} (nanoBragg would read past the mask)`, {
      file: f.file,
      field: '-mask',
    })
  }
  const n = fpixels * spixels
  const out = new Uint8Array(n)
  const base = 2 * Math.floor(f.headerSize / 2)
  const b = f.bytes
  for (let i = 0; i < n; i++) {
    const o = base + 2 * i
    const v = o + 1 < b.length ? b[o] | (b[o + 1] << 8) : o < b.length ? b[o] : 0
    out[i] = v !== 0 ? 1 : 0
  }
  return out
}
