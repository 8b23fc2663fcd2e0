import type { ContractFunctionArgs, ContractFunctionName, TransactionReceipt } from 'viem'
import { abis, type ContractName } from '../generated/abis.ts'
import { TransactionRevertedError } from './errors.ts'
import type { WriteContext } from './types.ts'

/** Extra gas over the estimate, as a fraction: 1/4 = 25%. */
const GAS_HEADROOM_DIVISOR = 4n

type Abi<C extends ContractName> = (typeof abis)[C]
type WriteFunction<C extends ContractName> = ContractFunctionName<Abi<C>, 'nonpayable' | 'payable'>

/** One call to a protocol contract, named by contract and function so the ABI is never passed around. */
export interface ContractCall<C extends ContractName, F extends WriteFunction<C>> {
  contract: C
  functionName: F
  args?: ContractFunctionArgs<Abi<C>, 'nonpayable' | 'payable', F>
}

/**
 * The one way a transaction is sent, by the app, the wizard, the faucet, the provider loop and
 * the CLI alike: simulate it (a revert is decoded before any gas is spent), estimate with
 * headroom, send it from the wallet, tell `ctx.onSent` the hash, wait for the receipt and check its
 * status (a revert on chain is replayed to name its reason). Callers wrap it in `asAction`, which turns any failure into a typed ChainActionError.
 */
export async function transact<C extends ContractName, F extends WriteFunction<C>> (
  ctx: WriteContext,
  action: string,
  call: ContractCall<C, F>
): Promise<TransactionReceipt> {
  const simulation = {
    account: ctx.walletClient.account,
    address: ctx.contracts[call.contract],
    abi: abis[call.contract],
    functionName: call.functionName,
    ...(call.args === undefined ? {} : { args: call.args })
  }
  const { request } = await ctx.publicClient.simulateContract(simulation as never)
  // Protocol calls cost more when they are the ones that close a shard or a round, and another
  // provider's transaction can make them so between estimate and inclusion: leave headroom.
  const estimate = await ctx.publicClient.estimateContractGas(request as never)
  const gas = estimate + estimate / GAS_HEADROOM_DIVISOR
  const hash = await ctx.walletClient.writeContract({ ...(request as object), gas, chain: ctx.walletClient.chain ?? null } as never)
  ctx.onSent?.(action, hash)
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') {
    // Another transaction of the same block won a race the simulation could not see: replaying the
    // call on the state after that block names the contract's reason (a lost race is often benign).
    await ctx.publicClient.simulateContract({ ...simulation, blockNumber: receipt.blockNumber } as never)
    throw new TransactionRevertedError(action, hash)
  }
  return receipt
}

/** Resolves once the chain's head is past `block` (polled at the client's interval). */
export async function waitForBlockAfter (ctx: WriteContext, block: bigint): Promise<void> {
  while (await ctx.publicClient.getBlockNumber({ cacheTime: 0 }) <= block) {
    await new Promise((resolve) => setTimeout(resolve, ctx.publicClient.pollingInterval))
  }
}
