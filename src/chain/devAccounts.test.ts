import { mnemonicToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { DEV_ACCOUNT_COUNT, DEV_ADDRESSES, DEV_MNEMONIC, devAccount, devAddress } from './devAccounts.ts'

describe('dev accounts', () => {
  it('lists the addresses the mnemonic derives', () => {
    expect(DEV_ADDRESSES).toHaveLength(DEV_ACCOUNT_COUNT)
    DEV_ADDRESSES.forEach((address, index) => {
      expect(mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).address).toBe(address)
      expect(devAddress(index)).toBe(address)
    })
  })

  it('signs as the listed address', () => {
    expect(devAccount(3).address).toBe(DEV_ADDRESSES[3])
    expect(devAccount(3)).toBe(devAccount(3))
  })

  it('refuses an index outside the ten', () => {
    expect(() => devAddress(10)).toThrow(RangeError)
    expect(() => devAccount(-1)).toThrow(RangeError)
  })
})
