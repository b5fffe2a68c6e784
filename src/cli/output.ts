// Human output helpers: colour only on a TTY without NO_COLOR (chalk 5 ignores NO_COLOR itself).
import {Chalk, type ChalkInstance} from 'chalk'

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({level: colorEnabled(stream) ? 1 : 0})
}

/** Progress on stderr for long work: a redrawn line on a TTY, sparse plain lines otherwise. */
export class Progress {
  private last = -1
  private readonly started = Date.now()
  private readonly tty: boolean
  constructor(private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr, private readonly delayMs = 1000) {
    this.tty = Boolean(stream.isTTY)
  }
  update(fraction: number): void {
    if (Date.now() - this.started < this.delayMs) return
    const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)))
    if (this.tty) {
      if (pct === this.last) return
      const width = 30
      const filled = Math.round((pct / 100) * width)
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}%`)
    } else {
      const step = Math.floor(pct / 25) * 25
      if (step <= this.last) return
      this.stream.write(`${this.label}: ${step}%\n`)
      this.last = step
      return
    }
    this.last = pct
  }
  done(): void {
    if (this.tty && this.last >= 0) this.stream.write('\n')
  }
}
