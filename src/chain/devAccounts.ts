import { mnemonicToAccount, type HDAccount } from 'viem/accounts'

/**
 * Anvil's well-known test mnemonic. These keys are public: they only ever hold value on a local
 * development chain, which is the only place the app offers them.
 */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
export const DEV_ACCOUNT_COUNT = 10

export function devAccount (index: number): HDAccount {
  if (!Number.isInteger(index) || index < 0 || index >= DEV_ACCOUNT_COUNT) {
    throw new RangeError(`Dev account index must be an integer from 0 to ${DEV_ACCOUNT_COUNT - 1}, got ${index}`)
  }
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index })
}
