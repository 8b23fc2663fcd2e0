import { isAddressEqual, type Address } from 'viem'
import type { ChallengeView } from '../taskDetail/challenges.ts'
import type { Disputes, SlashView } from '../taskDetail/disputes.ts'

export interface AccountRecord {
  /** Slashes of the account, oldest first. */
  slashes: SlashView[]
  /** The unclaimed earnings those slashes forfeited. */
  forfeited: bigint
  /** Open challenges the account made or faces. */
  openChallenges: ChallengeView[]
}

/** What of `disputes` (of every task) concerns `account`. */
export function accountRecordOf (disputes: Disputes, account: Address): AccountRecord {
  const isAccount = (address: Address | undefined): boolean => address !== undefined && isAddressEqual(address, account)
  const slashes = disputes.slashes.filter((s) => isAccount(s.provider))
  return {
    slashes,
    forfeited: slashes.reduce((sum, s) => sum + s.forfeited, 0n),
    openChallenges: disputes.challenges.filter((c) => c.outcome === 'open' && (isAccount(c.challenger) || isAccount(c.accused)))
  }
}
