import { mnemonicToAccount, type Address, type HDAccount } from 'viem/accounts'

/**
 * Anvil's well-known test mnemonic. These keys are public: they only ever hold value on a local
 * development chain, which is the only place the app offers them.
 */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
export const DEV_ACCOUNT_COUNT = 10

/**
 * The addresses of `devAccount(0..9)`, written out: deriving one from the mnemonic runs 2048
 * rounds of PBKDF2 in JavaScript, and listing all ten that way blocked the page for seconds on
 * every load of the local app. devAccounts.test.ts derives them again.
 */
export const DEV_ADDRESSES: readonly Address[] = [
  '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
  '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
  '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
  '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f',
  '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720'
]

function checkIndex (index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= DEV_ACCOUNT_COUNT) {
    throw new RangeError(`Dev account index must be an integer from 0 to ${DEV_ACCOUNT_COUNT - 1}, got ${index}`)
  }
}

export function devAddress (index: number): Address {
  checkIndex(index)
  return DEV_ADDRESSES[index]!
}

const derived = new Map<number, HDAccount>()

/** The signing account, derived once per index (see DEV_ADDRESSES for why that is slow). */
export function devAccount (index: number): HDAccount {
  checkIndex(index)
  let account = derived.get(index)
  if (account === undefined) {
    account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index })
    derived.set(index, account)
  }
  return account
}
