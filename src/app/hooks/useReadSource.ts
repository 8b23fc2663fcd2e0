import { useApi } from './useApi.ts'
import { useProtocolEventLog } from './useProtocolEventLog.ts'
import type { ReadSource } from '../readSource.ts'

/** This network's read source, and its name for query keys (an answer from one is not the other's). */
export function useReadSource (): { source: ReadSource, via: 'api' | 'chain' } {
  const api = useApi()
  const log = useProtocolEventLog()
  return api === undefined ? { source: { log }, via: 'chain' } : { source: { api }, via: 'api' }
}
