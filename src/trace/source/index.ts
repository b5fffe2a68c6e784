// The trace-reading layer: the only code that opens a trace.
export {openSide, openSides, setupExtents, type OpenOptions} from './open.js'
export {contractSide} from './contract.js'
export {memorySide} from './memory.js'
export {detectFormat, type Format} from './format.js'
export {LineReader, MAX_LINE_BYTES, readLines, checkReadable} from './lines.js'
export {
  CHECKPOINT_EVERY,
  VALUE_PREFIX,
  NO_BYTES,
  NO_VIEW,
  restStartsWith,
  sameRecordText,
  type Checkpoint,
  type Cursor,
  type ParsedRec,
  type Role,
  type Side,
} from './side.js'
