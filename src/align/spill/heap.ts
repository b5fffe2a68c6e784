// The k-way merge of the partitions' event runs.

export /** A binary min-heap of run indices by a key per run. */
class Heap {
  private readonly h: number[] = []
  constructor(private readonly key: Float64Array) {}
  get size(): number {
    return this.h.length
  }
  push(i: number): void {
    const h = this.h
    h.push(i)
    let j = h.length - 1
    while (j > 0) {
      const p = (j - 1) >> 1
      if (this.key[h[p]] <= this.key[h[j]]) break
      ;[h[p], h[j]] = [h[j], h[p]]
      j = p
    }
  }
  top(): number {
    return this.h[0]
  }
  /** re-places the top after its key grew, or removes it */
  fix(remove: boolean): void {
    const h = this.h
    if (remove) {
      const last = h.pop()!
      if (!h.length) return
      h[0] = last
    }
    const k = this.key
    let j = 0
    for (;;) {
      const a = 2 * j + 1
      const b = a + 1
      let m = j
      if (a < h.length && k[h[a]] < k[h[m]]) m = a
      if (b < h.length && k[h[b]] < k[h[m]]) m = b
      if (m === j) break
      ;[h[m], h[j]] = [h[j], h[m]]
      j = m
    }
  }
}
