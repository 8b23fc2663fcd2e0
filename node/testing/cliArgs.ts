/** What the command-line argument tests share: the usage error they expect, and a placeholder address book. */
import { expect } from 'vitest'
import { UsageError } from '../cli/args.ts'

/** The message of the UsageError `fn` throws; fails the test when it throws anything else or nothing. */
export function usageError (fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error('expected a UsageError')
}

/** A whole contract address book of placeholder addresses, as a stack or deployment file names it. */
export const PLACEHOLDER_CONTRACTS = {
  MLBToken: `0x${'1'.repeat(40)}`, TaskManager: `0x${'2'.repeat(40)}`, ConsensusVerifier: `0x${'3'.repeat(40)}`,
  RewardDistributor: `0x${'4'.repeat(40)}`, ModelRegistry: `0x${'5'.repeat(40)}`, ResultChallenges: `0x${'6'.repeat(40)}`, DataRegistry: `0x${'7'.repeat(40)}`
}
