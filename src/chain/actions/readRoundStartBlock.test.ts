import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { readAcceptedShards } from './readAcceptedShards.ts'
import { readProposals } from './readProposals.ts'
import type { ReadContext } from './types.ts'

/** A client that records each log query's range; the round started at block `startBlock` (0: not yet). */
function recording (startBlock: bigint): { ctx: ReadContext, ranges: Array<{ eventName: string, fromBlock: unknown }>, reads: unknown[] } {
  const ranges: Array<{ eventName: string, fromBlock: unknown }> = []
  const reads: unknown[] = []
  const publicClient = {
    readContract: async ({ functionName, args }: { functionName: string, args: unknown[] }) => {
      if (functionName !== 'roundStarts') throw new Error(`unexpected read ${functionName}`)
      reads.push(args)
      return [1_700_000_000n, startBlock, 0n]
    },
    getContractEvents: async ({ eventName, fromBlock }: { eventName: string, fromBlock: unknown }) => { ranges.push({ eventName, fromBlock }); return [] }
  }
  const contracts = { ConsensusVerifier: '0x00000000000000000000000000000000000000c1', ModelRegistry: '0x00000000000000000000000000000000000000c2' } as Record<string, Address>
  return { ctx: { publicClient, contracts, deploymentBlock: 7n } as unknown as ReadContext, ranges, reads }
}

describe('a round\'s event scans', () => {
  it('start at the block the round started in, not at the deployment block, so they stay short however old the chain is', async () => {
    const { ctx, ranges, reads } = recording(5_000_000n)
    await readProposals(ctx, { taskId: 3n, round: 9000 })
    await readAcceptedShards(ctx, { taskId: 3n, round: 9000 })
    expect(reads).toEqual([[3n, 9000n], [3n, 9000n]])
    expect(ranges).toEqual([{ eventName: 'VersionProposed', fromBlock: 5_000_000n }, { eventName: 'ShardAccepted', fromBlock: 5_000_000n }])
  })

  it('start at the deployment block for a round not started yet, or where the caller says', async () => {
    const { ctx, ranges } = recording(0n)
    await readProposals(ctx, { taskId: 3n, round: 2 })
    await readAcceptedShards(ctx, { taskId: 3n, round: 2, fromBlock: 40n })
    await readAcceptedShards(ctx, {})
    expect(ranges.map((r) => r.fromBlock)).toEqual([7n, 40n, 7n])
  })
})
