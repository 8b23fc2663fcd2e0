import type { PinKind } from '../core/messages/schemas.ts'
import { errorKind } from '../core/errors.ts'

/** Base of every storage failure, so callers can tell them from network or programming errors. */
export class StorageError extends errorKind('STORAGE') {
  override name = 'StorageError'
}

export class BlobTooLargeError extends StorageError {
  override name = 'BlobTooLargeError'
  override readonly code: string = 'BLOB_TOO_LARGE'
  constructor (readonly kind: PinKind, readonly size: number, readonly limit: number, readonly cid?: string) {
    super(`${kind} ${cid ?? ''}${cid == null ? '' : ' '}is ${size} bytes, over the ${kind} limit of ${limit} bytes`)
  }
}

/** The bytes do not hash to the CID they were asked for or announced under. */
export class CidMismatchError extends StorageError {
  override name = 'CidMismatchError'
  override readonly code: string = 'CID_MISMATCH'
  constructor (readonly expected: string, readonly actual: string) {
    super(`CID mismatch: expected ${expected}, the bytes hash to ${actual}`)
  }
}

/** A root or manifest that decodes but is not what ML Bridge writes (or is the wrong kind). */
export class InvalidArtifactError extends StorageError {
  override name = 'InvalidArtifactError'
  override readonly code: string = 'INVALID_ARTIFACT'
  constructor (readonly cid: string, detail: string) {
    super(`${cid} is not a valid artifact: ${detail}`)
  }
}

/** A DAG links more payload bytes than its roots declare: the roots lied about its size. */
export class DagTooLargeError extends StorageError {
  override name = 'DagTooLargeError'
  override readonly code: string = 'DAG_TOO_LARGE'
  constructor (readonly cid: string, readonly fetched: number, readonly declared: number, detail: string) {
    super(`${cid} links more than the ${declared} payload bytes its roots declare (${fetched} bytes with this block): ${detail}`)
  }
}

/** A CAR stream that does not parse, ends early, or frames a section larger than allowed. */
export class CarFormatError extends StorageError {
  override name = 'CarFormatError'
  override readonly code: string = 'CAR_INVALID'
}

/**
 * A trustless gateway answered with something other than the verifiable bytes asked for: an HTTP
 * error, the wrong content type, a redirect, too many bytes, or a CAR that lacks a block.
 */
export class GatewayError extends StorageError {
  override name = 'GatewayError'
  override readonly code: string = 'GATEWAY_FAILED'
  constructor (readonly url: string, detail: string, readonly status?: number, options?: { cause?: unknown }) {
    super(`gateway ${url}: ${detail}`, options)
  }
}
