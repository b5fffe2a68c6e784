// Reading detector images for parity checks: raw float32 little-endian (`-floatfile`) and SMV
// (`-intfile`/`-noisefile`: ASCII header `{\nHEADER_BYTES=...;...}` padded to HEADER_BYTES, then
// unsigned 16-bit pixels). Pixel index = slow * fast_size + fast in both formats.
// Every problem with an input is an InputError naming the file (and header line / field).
import {InputError} from '../util/errors.js'
import {MiB, readBounded} from '../util/files.js'

export interface ImageSize {
  /** pixels along the fast axis (SMV SIZE1, nanoBragg fpixels) */
  fast: number
  /** pixels along the slow axis (SMV SIZE2, nanoBragg spixels) */
  slow: number
}

export interface ParityImage extends ImageSize {
  path: string
  format: 'float32' | 'smv'
  /** pixel values, index = slow * fast + fast */
  data: Float32Array
}

const SMV_MAGIC = '{\nHEADER_BYTES='

/** `--size FxS` (fast x slow): the one parser, shared with `trace --size`. */
export {parseSize} from '../util/parse.js'

/** The largest image file read (a 16384² float32 image): checked before anything is allocated. */
export const MAX_IMAGE_BYTES = 1024 * MiB

export function isSmv(buf: Uint8Array): boolean {
  return Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, SMV_MAGIC.length)).toString('latin1') === SMV_MAGIC
}

function readBytes(path: string): Buffer {
  return readBounded(path, {maxBytes: MAX_IMAGE_BYTES, what: 'image'})
}

/** Reads a float32 or SMV image; `size` is required to match (SMV) or to shape (float32) the data. */
export function readImage(path: string, size?: ImageSize): ParityImage {
  const buf = readBytes(path)
  return isSmv(buf) ? decodeSmv(path, buf, size) : decodeFloat(path, buf, size)
}

export function decodeFloat(path: string, buf: Buffer, size?: ImageSize): ParityImage {
  if (buf.byteLength === 0) throw new InputError('empty image file', {file: path})
  if (buf.byteLength % 4 !== 0) {
    throw new InputError(`float32 image size ${buf.byteLength} bytes is not a multiple of 4`, {file: path, field: 'size'})
  }
  const n = buf.byteLength / 4
  let dims: ImageSize
  if (size) {
    if (size.fast * size.slow !== n) {
      throw new InputError(`holds ${n} float32 pixels but --size ${size.fast}x${size.slow} needs ${size.fast * size.slow}`, {file: path, field: '--size'})
    }
    dims = size
  } else {
    const side = Math.round(Math.sqrt(n))
    if (side * side !== n) {
      throw new InputError(`holds ${n} float32 pixels, which is not a square image; give --size FASTxSLOW`, {file: path, field: '--size'})
    }
    dims = {fast: side, slow: side}
  }
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(4 * i)
  return {path, format: 'float32', fast: dims.fast, slow: dims.slow, data}
}

interface HeaderField {
  value: string
  line: number
}

export function decodeSmv(path: string, buf: Buffer, size?: ImageSize): ParityImage {
  // HEADER_BYTES is the first field; read it before trusting anything else.
  const head = buf.subarray(0, Math.min(buf.byteLength, 64)).toString('latin1')
  const hb = /^\{\nHEADER_BYTES=\s*(\d+)\s*;/.exec(head)
  if (!hb) throw new InputError('SMV header: HEADER_BYTES is not a number followed by ";"', {file: path, line: 2, field: 'HEADER_BYTES'})
  const headerBytes = Number(hb[1])
  if (headerBytes < SMV_MAGIC.length + 2)
    throw new InputError(`SMV header: HEADER_BYTES=${headerBytes} is too small`, {file: path, line: 2, field: 'HEADER_BYTES'})
  if (buf.byteLength < headerBytes) {
    throw new InputError(`truncated SMV header: HEADER_BYTES=${headerBytes} but the file holds only ${buf.byteLength} bytes`, {
      file: path,
      line: 2,
      field: 'HEADER_BYTES',
    })
  }
  const text = buf.subarray(0, headerBytes).toString('latin1')
  const close = text.indexOf('}')
  if (close < 0) throw new InputError(`truncated SMV header: no closing "}" within HEADER_BYTES=${headerBytes}`, {file: path, field: 'HEADER_BYTES'})
  const fields = new Map<string, HeaderField>()
  const lines = text.slice(0, close).split('\n')
  for (let i = 1; i < lines.length; i++) {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*([^;]*);?\s*$/.exec(lines[i])
    if (m && !fields.has(m[1])) fields.set(m[1], {value: m[2].trim(), line: i + 1})
  }
  const need = (key: string): HeaderField => {
    const f = fields.get(key)
    if (!f) throw new InputError(`SMV header has no ${key}`, {file: path, field: key})
    return f
  }
  const int = (key: string): number => {
    const f = need(key)
    if (!/^\d+$/.test(f.value) || Number(f.value) < 1)
      throw new InputError(`SMV header: ${key}=${f.value} is not a positive integer`, {file: path, line: f.line, field: key})
    return Number(f.value)
  }
  const fast = int('SIZE1')
  const slow = int('SIZE2')
  const type = need('TYPE')
  if (type.value !== 'unsigned_short') {
    throw new InputError(`SMV header: unsupported TYPE=${type.value} (only unsigned_short)`, {file: path, line: type.line, field: 'TYPE'})
  }
  const order = need('BYTE_ORDER')
  if (order.value !== 'little_endian' && order.value !== 'big_endian') {
    throw new InputError(`SMV header: unsupported BYTE_ORDER=${order.value} (expected little_endian or big_endian)`, {
      file: path,
      line: order.line,
      field: 'BYTE_ORDER',
    })
  }
  const n = fast * slow
  const available = buf.byteLength - headerBytes
  if (available < 2 * n) {
    throw new InputError(
      `SMV header claims ${fast}x${slow} pixels (${2 * n} bytes) but the file holds only ${available} bytes after the ${headerBytes}-byte header`,
      {file: path, line: fields.get('SIZE1')!.line, field: 'SIZE1'},
    )
  }
  if (size && (size.fast !== fast || size.slow !== slow)) {
    throw new InputError(`SMV header says ${fast}x${slow} (SIZE1xSIZE2) but --size is ${size.fast}x${size.slow}`, {file: path, field: '--size'})
  }
  const data = new Float32Array(n)
  const little = order.value === 'little_endian'
  for (let i = 0; i < n; i++) data[i] = little ? buf.readUInt16LE(headerBytes + 2 * i) : buf.readUInt16BE(headerBytes + 2 * i)
  return {path, format: 'smv', fast, slow, data}
}

/** Refuses images of different dimensions (exit 2: the comparison means nothing). */
export function checkSameSize(ref: ParityImage, cand: ParityImage): void {
  if (ref.fast !== cand.fast || ref.slow !== cand.slow) {
    throw new InputError(`dimensions differ: REF ${ref.path} is ${ref.fast}x${ref.slow} but CAND is ${cand.fast}x${cand.slow} (fast x slow)`, {
      file: cand.path,
      field: 'size',
    })
  }
}
