import { parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalChain, type LocalChain } from '../../../node/testing/localChain.ts'
import { MLBTokenAbi } from '../generated/abis.ts'
import { faucet, readStake, stake, type WriteContext } from './index.ts'

let local: LocalChain
beforeAll(async () => { local = await startLocalChain() }, 120_000)
afterAll(async () => { await local?.stop() })

const nonceOf = async (ctx: WriteContext): Promise<bigint> =>
  await ctx.publicClient.readContract({ address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'nonces', args: [ctx.walletClient.account.address] })

/** Every transaction `action` sends, by action name. */
async function sentBy (ctx: WriteContext, action: (ctx: WriteContext) => Promise<unknown>): Promise<string[]> {
  const sent: string[] = []
  await action({ ...ctx, onSent: (name) => { sent.push(name) } })
  return sent
}

describe('spending MLB through the RewardDistributor', () => {
  it('stakes in one transaction: the approval travels as a signed permit', async () => {
    const ctx = local.ctxOf(3)
    await faucet(ctx)
    expect(await sentBy(ctx, async (c) => await stake(c, { amount: parseEther('7') }))).toEqual(['stake'])
    expect(await nonceOf(ctx)).toBe(1n)
    expect((await readStake(ctx, { account: ctx.walletClient.account.address })).staked).toBe(parseEther('7'))
  })

  it('signs nothing when the allowance already covers the amount', async () => {
    const ctx = local.ctxOf(4)
    await faucet(ctx)
    const hash = await ctx.walletClient.writeContract({ address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'approve', args: [ctx.contracts.RewardDistributor, parseEther('5')], chain: ctx.walletClient.chain ?? null })
    await ctx.publicClient.waitForTransactionReceipt({ hash })
    expect(await sentBy(ctx, async (c) => await stake(c, { amount: parseEther('5') }))).toEqual(['stake'])
    expect(await nonceOf(ctx)).toBe(0n)
  })

  it('approves in a transaction of its own from an account with code, whose signature a permit cannot check', async () => {
    const ctx = local.ctxOf(5)
    await faucet(ctx)
    // a smart wallet, as far as the token can tell
    await local.testClient.setCode({ address: ctx.walletClient.account.address, bytecode: '0x00' })
    expect(await sentBy(ctx, async (c) => await stake(c, { amount: parseEther('2') }))).toEqual(['approve', 'stake'])
    expect(await nonceOf(ctx)).toBe(0n)
  })
})
