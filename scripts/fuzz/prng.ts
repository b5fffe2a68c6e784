// A small seeded generator (xorshift128+ on 32-bit halves, via Math.imul), so a fuzz run is a
// function of its seed alone.
export class Prng {
  private s: Uint32Array
  constructor(seed: number) {
    // splitmix32 to spread the seed over the state
    this.s = new Uint32Array(4)
    let x = seed >>> 0 || 0x9e3779b9
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      this.s[i] = (z ^ (z >>> 16)) >>> 0
    }
  }
  /** uniform in [0, 1) */
  next(): number {
    const s = this.s
    const t = s[0] ^ (s[0] << 11)
    s[0] = s[1]
    s[1] = s[2]
    s[2] = s[3]
    s[3] = (s[3] ^ (s[3] >>> 19) ^ t ^ (t >>> 8)) >>> 0
    return s[3] / 4294967296
  }
  float(a: number, b: number): number {
    return a + (b - a) * this.next()
  }
  /** integer in [a, b] */
  int(a: number, b: number): number {
    return a + Math.floor((b - a + 1) * this.next())
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]
  }
}
