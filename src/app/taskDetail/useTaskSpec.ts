import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { Hex } from 'viem'
import { decodeTaskDefinition, type TaskDefinition } from '../../core/taskDefinition.ts'
import { blobArtifactStore } from '../../provider/artifacts.ts'
import { scoredSampleCount } from '../../provider/uploadedData.ts'
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

/** How many held-out samples score the task's versions: an upload's count is in its manifest, fetched read-only. */
export function useScoredSamples (definition: TaskDefinition | undefined): number | undefined {
  const network = useNetworkConfig()
  const dataset = definition?.spec.dataset
  const query = useQuery({
    queryKey: ['scored-samples', dataset?.manifestCid ?? dataset?.name, dataset?.holdoutFraction, dataset?.evalSamples],
    enabled: dataset !== undefined,
    staleTime: Infinity,
    retry: 1,
    queryFn: async ({ signal }) => {
      if (dataset === undefined) throw new Error('no spec')
      if (dataset.manifestCid === undefined) return scoredSampleCount(dataset, 0)
      const node = await browserNode(network)
      return scoredSampleCount(dataset, (await node.storage.manifests.get(dataset.manifestCid, { signal })).totalRecords)
    }
  })
  return query.data
}
