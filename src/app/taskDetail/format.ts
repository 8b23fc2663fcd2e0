import { formatUnits, type Address } from 'viem'

/** `0x1234…abcd`: enough to tell dev accounts apart. */
export const shortAddress = (address: Address): string => `${address.slice(0, 6)}…${address.slice(-4)}`

/** An MLB amount (18 decimals) in words. */
export const mlb = (amount: bigint): string => `${formatUnits(amount, 18)} MLB`
