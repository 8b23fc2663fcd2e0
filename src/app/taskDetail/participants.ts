import { isAddressEqual, type Address } from 'viem'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'

export interface ParticipantView {
  provider: Address
  /** Results of this task accepted in a winning cluster (one RewardCredited each). */
  accepted: number
  earned: bigint
}

/** Each provider of the task with what its RewardCredited events of this task add up to. */
export function participantsOf (providers: readonly Address[], events: readonly ProtocolEvent[]): ParticipantView[] {
  return providers.map((provider) => {
    let accepted = 0
    let earned = 0n
    for (const event of events) {
      if (event.eventName === 'RewardCredited' && isAddressEqual(event.args.provider, provider)) {
        accepted++
        earned += event.args.amount
      }
    }
    return { provider, accepted, earned }
  })
}
