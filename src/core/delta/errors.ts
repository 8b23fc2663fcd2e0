import { errorKind } from '../errors.ts'

/** A weight set the delta codec cannot encode (a bad name, shape, value or option). */
export class DeltaEncodeError extends errorKind('DELTA_ENCODE') {
  override name = 'DeltaEncodeError'
}

/** Bytes that are not a delta this build accepts; the message names the first problem found. */
export class DeltaDecodeError extends errorKind('DELTA_DECODE') {
  override name = 'DeltaDecodeError'
}
