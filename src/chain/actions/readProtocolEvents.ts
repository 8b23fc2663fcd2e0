import type { BlockNumber, BlockTag } from 'viem'
import { decodeProtocolLog, type ProtocolEvent } from '../protocolEvents.ts'
import { asAction } from './errors.ts'
import { logsFrom, type ReadContext } from './types.ts'

/** Every protocol event in a block range, in chain order (for a task's event log or a state rebuild). */
export async function readProtocolEvents (
  ctx: ReadContext,
  range: { fromBlock?: BlockNumber | BlockTag, toBlock?: BlockNumber | BlockTag } = {}
): Promise<ProtocolEvent[]> {
  return await asAction('readProtocolEvents', async () => {
    const logs = await ctx.publicClient.getLogs({
      address: Object.values(ctx.contracts),
      fromBlock: typeof range.fromBlock === 'string' ? range.fromBlock : logsFrom(ctx, range.fromBlock),
      toBlock: range.toBlock ?? 'latest'
    })
    return logs.map((log) => decodeProtocolLog(ctx.contracts, log)).filter((event): event is ProtocolEvent => event !== null)
  })
}
