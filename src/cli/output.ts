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

/** "12 s", "3 min 05 s": a duration for humans. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/**
 * Progress of long work on stderr, shown only once the work has taken longer than `delayMs`.
 * On a terminal: one redrawn line, "label [#####-----]  42%  ETA 12 s", as wide as the terminal
 * allows. Whatever else is written to stdout or stderr while the bar is drawn first erases the
 * bar (so a status line never starts at "100%"), and done() erases it for good. Piped: a plain
 * "label: 25% (ETA 12 s)" line when first shown, at each further quarter, and every 30 s between.
 */
export class Progress {
  private lastPct = -1
  private lastLine = 0
  private drawn = false
  private readonly started = Date.now()
  private readonly tty: boolean
  private restore: (() => void) | null = null
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 1000,
  ) {
    this.tty = Boolean(stream.isTTY)
  }

  update(fraction: number): void {
    const now = Date.now()
    const elapsed = now - this.started
    if (elapsed < this.delayMs) return
    const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0))
    const pct = Math.floor(f * 100)
    // the ETA once there is something to extrapolate from
    const left = (elapsed * (1 - f)) / f
    const eta = f > 0.02 && f < 1 ? `ETA ${left < 1000 ? '<1 s' : formatDuration(left)}` : ''
    if (this.tty) {
      if (pct === this.lastPct && this.drawn && now - this.lastLine < 1000) return
      this.hook()
      const width = Math.max(20, (this.stream.columns || 80) - 1)
      const tail = ` ${String(pct).padStart(3)}%${eta ? '  ' + eta : ''}`
      const room = width - this.label.length - tail.length - 3
      const barWidth = Math.max(0, Math.min(40, room))
      const bar = barWidth >= 5 ? ` [${'#'.repeat(Math.round(f * barWidth)).padEnd(barWidth, '-')}]` : ''
      this.write(`\r${this.label}${bar}${tail}\x1b[K`)
      this.drawn = true
      this.lastPct = pct
      this.lastLine = now
    } else {
      // a line when shown, at each further quarter, and every 30 s in between on long runs
      const step = Math.floor(pct / 25) * 25
      if (step <= this.lastPct && now - this.lastLine < 30000) return
      this.stream.write(`${this.label}: ${step > this.lastPct ? step : pct}%${eta ? ` (${eta})` : ''}\n`)
      this.lastPct = Math.max(this.lastPct, step)
      this.lastLine = now
    }
  }

  /** Erases the bar (a terminal) and stops drawing. Safe to call more than once. */
  done(): void {
    this.erase()
    this.restore?.()
    this.restore = null
  }

  private erase(): void {
    if (this.drawn) this.write('\r\x1b[K')
    this.drawn = false
  }

  private original: ((chunk: unknown, ...rest: unknown[]) => boolean) | null = null

  private write(text: string): void {
    ;(this.original ?? this.stream.write.bind(this.stream))(text)
  }

  /** While the bar is up, any other write to stdout or stderr erases it first. */
  private hook(): void {
    if (this.restore) return
    const streams = [...new Set([this.stream, ...[process.stdout, process.stderr].filter((s) => s.isTTY)])]
    const saved = streams.map((s) => s.write)
    this.original = this.stream.write.bind(this.stream) as (chunk: unknown, ...rest: unknown[]) => boolean
    for (const s of streams) {
      const orig = s.write.bind(s) as (chunk: unknown, ...rest: unknown[]) => boolean
      s.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.erase()
        return orig(chunk, ...rest)
      }) as typeof s.write
    }
    this.restore = () => {
      streams.forEach((s, i) => (s.write = saved[i]))
      this.original = null
    }
  }
}
