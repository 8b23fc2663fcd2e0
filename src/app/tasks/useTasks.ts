import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import { readTask, readTaskCount, type TaskState } from '../../chain/actions/index.ts'
import { useReadContext } from '../hooks/useProtocol.ts'

/** Polled about once a block on the local chain, so new tasks and round changes show up. */
const REFRESH_MS = 2000

/** Every task on chain, newest first (ids run from 1 to TaskManager.taskCount). */
export function useTasks (): UseQueryResult<TaskState[]> {
  const ctx = useReadContext()
  return useQuery({
    queryKey: ['tasks', ctx.contracts.TaskManager],
    queryFn: async () => {
      const count = await readTaskCount(ctx)
      const ids = Array.from({ length: Number(count) }, (_, i) => count - BigInt(i))
      return await Promise.all(ids.map(async (taskId) => await readTask(ctx, { taskId })))
    },
    refetchInterval: REFRESH_MS
  })
}
