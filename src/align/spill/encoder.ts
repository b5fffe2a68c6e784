// Records encoded into bytes for the spill files.

export /** A growable byte buffer records are encoded into. */
class Enc {
  buf = Buffer.allocUnsafe(4096)
  n = 0
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k))
    this.buf.copy(b, 0, 0, this.n)
    this.buf = b
  }
  u8(x: number): void {
    this.room(1)
    this.buf[this.n++] = x
  }
  u16(x: number): void {
    this.room(2)
    this.buf.writeUInt16LE(x, this.n)
    this.n += 2
  }
  u32(x: number): void {
    this.room(4)
    this.buf.writeUInt32LE(x, this.n)
    this.n += 4
  }
  f64(x: number): void {
    this.room(8)
    this.buf.writeDoubleLE(x, this.n)
    this.n += 8
  }
  text(s: string): void {
    const len = Buffer.byteLength(s)
    this.u32(len)
    this.room(len)
    this.buf.write(s, this.n, 'utf8')
    this.n += len
  }
  bytes(src: Buffer, from: number, to: number): void {
    const len = to - from
    this.room(len)
    // a record is ~100 bytes: a loop beats Buffer.copy's argument checks
    if (len < 256) {
      const b = this.buf
      let n = this.n
      for (let i = from; i < to; i++) b[n++] = src[i]
    } else src.copy(this.buf, this.n, from, to)
    this.n += len
  }
}
