import { MLBridgeError } from '../errors.ts'

export type InvalidMessageReason =
  | 'too-large' | 'not-json' | 'bad-envelope' | 'bad-header' | 'bad-body'
  | 'wrong-topic' | 'wrong-chain' | 'wrong-peer' | 'stale' | 'from-future'
  | 'bad-signature' | 'bad-grant' | 'grant-expired'
  | 'replayed' | 'not-member' | 'penalized' | 'unverifiable'

/** Why a gossip message was refused; a validator turns it into Reject, the application never sees it. */
export class InvalidMessageError extends MLBridgeError {
  override name = 'InvalidMessageError'
  constructor (readonly reason: InvalidMessageReason, detail: string) {
    super('MESSAGE_INVALID', `invalid message (${reason}): ${detail}`)
  }
}
