/**
 * `challengeDeadline` of a proposed version whose challenge lapsed with nobody judging it
 * (`ModelRegistry.expireChallenge`): no quiet window makes it final any more, only a majority of
 * the round's winners (docs/protocol.md, section 14).
 */
export const NO_QUIET_WINDOW = 2n ** 64n - 1n

/** Whether a proposed version with this `challengeDeadline` becomes final once the deadline passes unchallenged. */
export function hasQuietWindow (challengeDeadline: bigint): boolean {
  return challengeDeadline !== 0n && challengeDeadline !== NO_QUIET_WINDOW
}
