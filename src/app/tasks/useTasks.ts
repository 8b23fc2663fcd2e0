import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { Task } from '../../sdk/schemas.ts'
import { useApi } from '../hooks/useApi.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

/** Polled about once a block on the local chain, so new tasks and round changes show up (the indexer trails by about a second). */
const REFRESH_MS = 2000

/** The list shows the newest tasks, one page of them; older ones are reached through a task's own page. */
export const TASKS_SHOWN = 50

/**
 * The newest tasks, from the indexer's API (one request per poll, however many tasks there are).
 * Idle when the network config names no API: the list says so rather than scanning the chain.
 */
export function useTasks (): UseQueryResult<Task[]> {
  const network = useNetworkConfig()
  const api = useApi()
  return useQuery({
    queryKey: ['tasks', network.api],
    queryFn: async () => api === undefined ? [] : (await api.tasks({ order: 'desc', limit: TASKS_SHOWN })).items,
    enabled: api !== undefined,
    refetchInterval: REFRESH_MS
  })
}
