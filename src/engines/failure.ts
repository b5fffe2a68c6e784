// A simulator engine that ran and failed (non-zero exit, timeout, no output): its one-line
// reason, and the tail of its stderr for whoever shows more (trace's side failures).
export class EngineFailure extends Error {
  constructor(message: string, readonly stderrTail: string) {
    super(message)
    this.name = 'EngineFailure'
  }
}
