/**
 * The root of every error ML Bridge raises on purpose, modelled on viem's `BaseError`: `code` is
 * stable (tools, tests and the UI match on it; wording may change), the message is a sentence a
 * user can act on, and `cause` keeps what a lower layer threw. Module errors extend it, so a caller
 * tells our errors from bugs with one `instanceof`.
 */
export class MLBridgeError extends Error {
  override name = 'MLBridgeError'
  /** e.g. `DELTA_INVALID`: one per error class, never reworded */
  readonly code: string

  constructor (code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }

  /** The message without the layers of context its callers may have added: the first line. */
  get shortMessage (): string {
    return this.message.split('\n')[0] ?? this.message
  }

  /**
   * Follows the `cause` chain from this error: the first error `predicate` accepts, or null; without
   * a predicate, the deepest cause.
   */
  walk (predicate?: (error: unknown) => boolean): unknown {
    let current: unknown = this
    for (let depth = 0; depth < 32; depth++) {
      if (predicate?.(current) === true) return current
      const next = current instanceof Error ? current.cause : undefined
      if (next === undefined) return predicate === undefined ? current : null
      current = next
    }
    return predicate === undefined ? current : null
  }
}

/** The error's own words (the first line), whatever was thrown. */
export function errorMessage (error: unknown): string {
  if (error instanceof MLBridgeError) return error.shortMessage
  return error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error)
}

/**
 * The base of a module error that carries only a message (and a cause), with its fixed code:
 * `class DeltaDecodeError extends errorKind('DELTA_DECODE') { override name = 'DeltaDecodeError' }`.
 */
export function errorKind (code: string): new (message: string, options?: { cause?: unknown }) => MLBridgeError {
  return class extends MLBridgeError {
    constructor (message: string, options?: { cause?: unknown }) {
      super(code, message, options)
    }
  }
}
