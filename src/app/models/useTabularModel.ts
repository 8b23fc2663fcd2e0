import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import { browserNode } from '../browserNode.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { tabularModelOf, type TabularModel } from './tabularModel.ts'
import type { VersionModel } from './versionModel.ts'

/**
 * The class names and table description of a version's uploaded data set, from its manifest
 * (one small block, fetched read-only through this tab's node); nothing for the bundled MNIST.
 * The manifest's CID is the spec's, which useVersionModel read by the CID on chain.
 */
export function useTabularModel (model: VersionModel): UseQueryResult<TabularModel> {
  const network = useNetworkConfig()
  const { manifestCid } = model.task.spec.dataset
  return useQuery({
    queryKey: ['tabular-model', manifestCid, model.task.architecture.inputShape.join('x'), model.task.architecture.classes],
    staleTime: Infinity,
    retry: false,
    queryFn: async ({ signal }) => {
      if (manifestCid === undefined) return {}
      const node = await browserNode(network)
      const manifest = await node.storage.manifests.get(manifestCid, { signal })
      return tabularModelOf(manifest.schema, model.task.architecture, `the data set manifest ${manifestCid}`)
    }
  })
}
