// One error type for every bad input: it carries the place (file, line, field) so the CLI can
// print the single line users and tests rely on, and it always means exit code 2.

export interface ErrorPlace {
  file?: string
  line?: number
  /** JSON pointer, flag name or field name */
  field?: string
}

export class InputError extends Error {
  readonly file?: string
  readonly line?: number
  readonly field?: string
  readonly exitCode = 2

  constructor(message: string, place: ErrorPlace = {}) {
    super(message)
    this.name = 'InputError'
    this.file = place.file
    this.line = place.line
    this.field = place.field
  }

  /** `file:line: field: message`, omitting the parts that are unknown. */
  oneLine(): string {
    const where = [this.file, this.line !== undefined ? String(this.line) : undefined].filter(Boolean).join(':')
    const parts = [where, this.field, this.message].filter((p) => p !== undefined && p !== '')
    return parts.join(': ')
  }

  toJSON(): Record<string, unknown> {
    return {code: 'bad-input', message: this.message, file: this.file ?? null, line: this.line ?? null, field: this.field ?? null}
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError
}

/**
 * A simulator engine that ran and failed (non-zero exit, timeout, no output): its one-line reason,
 * and the tail of its stderr for whoever shows more (trace's side failures). Exit code 2.
 */
export class EngineFailure extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(message)
    this.name = 'EngineFailure'
  }
}
