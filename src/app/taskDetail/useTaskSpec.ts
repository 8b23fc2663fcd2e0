import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { Hex } from 'viem'
import { decodeTaskDefinition, type TaskDefinition } from '../../core/taskDefinition.ts'
import { blobArtifactStore } from '../../provider/artifacts.ts'
import { browserNode } from '../browserNode.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

/**
 * The task's spec, fetched read-only through this tab's node once `enabled`: the page asks for it
 * only when it has versions to describe, so a visit to a new task starts no node.
 */
export function useTaskSpec (specCid: Hex | undefined, enabled: boolean): UseQueryResult<TaskDefinition> {
  const network = useNetworkConfig()
  return useQuery({
    queryKey: ['task-spec', specCid],
    enabled: enabled && specCid !== undefined,
    staleTime: Infinity,
    retry: 1,
    queryFn: async ({ signal }) => {
      if (specCid === undefined) throw new Error('no spec CID')
      const node = await browserNode(network)
      const bytes = await blobArtifactStore(node.storage.blobs, { pin: false }).get(specCid, 'spec', { signal })
      return decodeTaskDefinition(bytes, `the task spec ${specCid}`)
    }
  })
}
