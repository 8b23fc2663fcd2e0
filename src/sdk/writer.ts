/**
 * The ML Bridge SDK's write side: a task created and funded, stake bonded, a task joined, rewards
 * and refunds claimed, each a thin wrapper over the chain action of the same name
 * (src/chain/actions), signed by the wallet client given, as viem's clients take their transport.
 * Training for a task (the "contribute" part) is the headless provider's job: `npm run provider`.
 */
import type { Address, PublicClient, TransactionReceipt } from 'viem'
import {
  cancelTask, claim, createTask, faucet, joinTask, readTaskCreation, stake,
  type AccountWalletClient, type CancelOutcome, type CreatedTask, type TaskCreation, type TaskParams
} from '../chain/actions/index.ts'
import { deploymentOf, type ProtocolContracts } from '../chain/contracts.ts'

export interface WriterOptions {
  /** a viem wallet client with an account: it signs and sends every transaction */
  walletClient: AccountWalletClient
  /** a viem public client on the same chain: receipts and reads */
  publicClient: PublicClient
  /** the deployed addresses: stack.json's (or the network config's) `contracts` map */
  contracts: ProtocolContracts | Readonly<Record<string, Address>>
  /** the block the contracts were deployed in (stack.json's `deploymentBlock`): log reads start there */
  deploymentBlock?: number | undefined
  /** told each transaction's hash as soon as the wallet sent it, before it is mined */
  onSent?: (action: string, hash: `0x${string}`) => void
}

export interface MLBridgeWriter {
  /** the account that signs */
  account: Address
  contracts: ProtocolContracts
  /**
   * Creates a task and escrows its budget (`rounds × shards × replication × rewardPerResult`),
   * approving the RewardDistributor first when the allowance is short. `params` are the
   * contract's `TaskParams`: spec, data set and initial model CIDs, shape, windows, reward,
   * minimum stake, declared resources, `name` and `description`.
   */
  createTask: (params: TaskParams) => Promise<CreatedTask>
  /** What the task was created with, from its `TaskCreated` event (name, description, CIDs, escrow). */
  taskCreation: (taskId: bigint) => Promise<TaskCreation>
  /** The creator cancels a joining task at once (its escrow becomes claimable), or a running one as its round ends. */
  cancelTask: (taskId: bigint) => Promise<{ outcome: CancelOutcome, receipt: TransactionReceipt }>
  /** Bonds `amount` MLB (wei), approving it first when the allowance is short. */
  stake: (amount: bigint) => Promise<{ approveReceipt: TransactionReceipt | null, receipt: TransactionReceipt }>
  /** Joins a task in its joining window, locking its minimum stake and one reward of the free stake. */
  joinTask: (taskId: bigint) => Promise<{ weight: bigint, index: bigint, receipt: TransactionReceipt }>
  /** Pulls the account's claimable rewards and refunds (`NothingToClaim` when there are none). */
  claim: () => Promise<{ amount: bigint, receipt: TransactionReceipt }>
  /** The test token's faucet (local and test networks only). */
  faucet: () => Promise<{ amount: bigint, receipt: TransactionReceipt }>
}

export function createWriter (options: WriterOptions): MLBridgeWriter {
  const ctx = {
    walletClient: options.walletClient,
    publicClient: options.publicClient,
    ...deploymentOf({ contracts: options.contracts, deploymentBlock: options.deploymentBlock }),
    ...(options.onSent === undefined ? {} : { onSent: options.onSent })
  }
  return {
    account: ctx.walletClient.account.address,
    contracts: ctx.contracts,
    createTask: async (params) => await createTask(ctx, params),
    taskCreation: async (taskId) => await readTaskCreation(ctx, { taskId }),
    cancelTask: async (taskId) => await cancelTask(ctx, { taskId }),
    stake: async (amount) => await stake(ctx, { amount }),
    joinTask: async (taskId) => await joinTask(ctx, { taskId }),
    claim: async () => await claim(ctx),
    faucet: async () => await faucet(ctx)
  }
}
