// Validation of whole files (the `validate` command's library half).
import {InputError} from '../util/errors.js'
import {readRecords} from './reader.js'

export interface FileVerdict {
  file: string
  valid: boolean
  records: number
  error: string | null
  line: number | null
  field: string | null
}

export interface ValidateResult {
  valid: boolean
  files: FileVerdict[]
}

export async function validateFile(file: string): Promise<FileVerdict> {
  let records = 0
  try {
    for await (const {rec} of readRecords(file)) if (rec.type === 'value') records++
    return {file, valid: true, records, error: null, line: null, field: null}
  } catch (e) {
    if (!(e instanceof InputError)) throw e
    return {file, valid: false, records, error: e.oneLine(), line: e.line ?? null, field: e.field ?? null}
  }
}

export async function validateFiles(files: string[]): Promise<ValidateResult> {
  const out: FileVerdict[] = []
  for (const f of files) out.push(await validateFile(f))
  return {valid: out.every((f) => f.valid), files: out}
}
