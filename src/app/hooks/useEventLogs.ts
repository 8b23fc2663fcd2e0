import { createTaskEventLog, type ProtocolEventLog } from '../../chain/eventLog.ts'
import type { ReadContext } from '../../chain/actions/index.ts'
import { createDisputeLog } from '../taskDetail/disputeLog.ts'
import { useReadContext } from './useProtocol.ts'

/** A hook giving one value per network, shared by every page that reads it, kept while the network is. */
function perNetwork<T> (create: (ctx: ReadContext) => T): () => T {
  const values = new WeakMap<ReadContext, T>()
  return function useValue () {
    const ctx = useReadContext()
    let value = values.get(ctx)
    if (value === undefined) values.set(ctx, value = create(ctx))
    return value
  }
}

/** Task logs kept per network: the tasks visited last, each log growing with its task alone. */
const TASK_LOGS_KEPT = 8

/** The event log of a task of this network (`createTaskEventLog`), each block read once however often its page polls. */
export const useTaskEventLogs = perNetwork((ctx) => {
  const logs = new Map<bigint, ProtocolEventLog>()
  return (taskId: bigint): ProtocolEventLog => {
    const log = logs.get(taskId) ?? createTaskEventLog(ctx, taskId)
    // most recently used last, so the first is the one to let go
    logs.delete(taskId)
    logs.set(taskId, log)
    if (logs.size > TASK_LOGS_KEPT) logs.delete(logs.keys().next().value!)
    return log
  }
})

/** The network's dispute events, with whose work each challenge names (`createDisputeLog`). */
export const useDisputeLog = perNetwork(createDisputeLog)
