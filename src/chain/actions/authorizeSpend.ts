import { parseSignature, type Hex, type TransactionReceipt } from 'viem'
import { getEip712Domain } from 'viem/actions'
import { MLBTokenAbi } from '../generated/abis.ts'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import type { WriteContext } from './types.ts'

/** `Permits.Permit`: an ERC-2612 permit signature, as the `...WithPermit` calls take it. */
export interface Permit {
  deadline: bigint
  v: number
  r: Hex
  s: Hex
}

/** How long a signed permit stays usable: long enough for a slow wallet and a busy chain. */
const PERMIT_LIFETIME_SECONDS = 3600n

/** EIP-5267's bit for a domain that has a salt. */
const SALT_FIELD = 0x10

const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' }
  ]
} as const

/**
 * What a call that spends `amount` MLB of the caller through the RewardDistributor (`stake`,
 * `createTask`) needs first. Nothing when the allowance covers it. Otherwise, for an account
 * without code, an ERC-2612 permit signed off chain, which the `...WithPermit` variant submits in
 * the same transaction as the spending (one transaction, no wait for an approval). An account with
 * code (a smart wallet, whose signature the token's `permit` cannot check) sends an `approve`
 * transaction first instead.
 */
export async function authorizeSpend (
  ctx: WriteContext,
  params: { amount: bigint }
): Promise<{ permit: Permit | null, approveReceipt: TransactionReceipt | null }> {
  const owner = ctx.walletClient.account.address
  const spender = ctx.contracts.RewardDistributor
  const [allowance, code] = await Promise.all([
    ctx.publicClient.readContract({ address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'allowance', args: [owner, spender] }),
    ctx.publicClient.getCode({ address: owner })
  ])
  if (allowance >= params.amount) return { permit: null, approveReceipt: null }
  if (code !== undefined && code !== '0x') return { permit: null, approveReceipt: (await ensureAllowance(ctx, params)).receipt }
  return await asAction('permit', async () => {
    const [{ domain: { salt, ...domain }, fields }, nonce, head] = await Promise.all([
      getEip712Domain(ctx.publicClient, { address: ctx.contracts.MLBToken }),
      ctx.publicClient.readContract({ address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'nonces', args: [owner] }),
      ctx.publicClient.getBlock()
    ])
    const deadline = head.timestamp + PERMIT_LIFETIME_SECONDS
    const signature = await ctx.walletClient.signTypedData({
      account: ctx.walletClient.account,
      // EIP-5267: `fields` says which members the token's domain has; viem fills in a zero salt regardless
      domain: (Number.parseInt(fields.slice(2), 16) & SALT_FIELD) === 0 ? domain : { ...domain, salt },
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: { owner, spender, value: params.amount, nonce, deadline }
    })
    const { r, s, v, yParity } = parseSignature(signature)
    return { permit: { deadline, v: Number(v ?? BigInt(yParity + 27)), r, s }, approveReceipt: null }
  })
}
