import { createProtocolEventLog, type ProtocolEventLog } from '../../chain/eventLog.ts'
import type { ReadContext } from '../../chain/actions/index.ts'
import { createDisputeLog } from '../taskDetail/disputeLog.ts'
import { useReadContext } from './useProtocol.ts'

/** A hook giving one log per network, shared by every page that reads it, kept while the network is. */
function perNetwork (create: (ctx: ReadContext) => ProtocolEventLog): () => ProtocolEventLog {
  const logs = new WeakMap<ReadContext, ProtocolEventLog>()
  return function useLog () {
    const ctx = useReadContext()
    let log = logs.get(ctx)
    if (log === undefined) logs.set(ctx, log = create(ctx))
    return log
  }
}

/** The network's protocol events, each block read once however many pages poll them. */
export const useProtocolEventLog = perNetwork((ctx) => createProtocolEventLog(ctx))

/** The network's dispute events, with whose work each challenge names (`createDisputeLog`). */
export const useDisputeLog = perNetwork(createDisputeLog)
