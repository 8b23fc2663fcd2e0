import { createProtocolEventLog, type ProtocolEventLog } from '../../chain/eventLog.ts'
import type { ReadContext } from '../../chain/actions/index.ts'
import { useReadContext } from './useProtocol.ts'

// One log per network, shared by every page that reads events, kept while the network is.
const logs = new WeakMap<ReadContext, ProtocolEventLog>()

/** The network's protocol events, each block read once however many pages poll them. */
export function useProtocolEventLog (): ProtocolEventLog {
  const ctx = useReadContext()
  let log = logs.get(ctx)
  if (log === undefined) logs.set(ctx, log = createProtocolEventLog(ctx))
  return log
}
