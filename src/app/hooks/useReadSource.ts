import { useApi } from './useApi.ts'
import { useTaskEventLogs } from './useEventLogs.ts'
import type { ReadSource } from '../readSource.ts'

/** This network's read source, and its name for query keys (an answer from one is not the other's). */
export function useReadSource (): { source: ReadSource, via: 'api' | 'chain' } {
  const api = useApi()
  const taskLog = useTaskEventLogs()
  return api === undefined ? { source: { taskLog }, via: 'chain' } : { source: { api }, via: 'api' }
}
