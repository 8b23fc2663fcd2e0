import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import { readVersion } from '../../chain/actions/index.ts'
import { blobArtifactStore } from '../../provider/artifacts.ts'
import { browserNode } from '../browserNode.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { loadVersionModel, type VersionModel } from './versionModel.ts'

/**
 * The version's checked weights and architecture, fetched read-only (nothing is pinned) through
 * this tab's node. Its CID and commit hash are read from the chain here, whatever source the page
 * showed the version from: an indexer that lied about them must not get other bytes run.
 */
export function useVersionModel (versionId: bigint | undefined): UseQueryResult<VersionModel> {
  const network = useNetworkConfig()
  const ctx = useReadContext()
  return useQuery({
    queryKey: ['version-model', ctx.contracts.ModelRegistry, versionId?.toString()],
    enabled: versionId !== undefined,
    staleTime: Infinity,
    retry: false,
    queryFn: async ({ signal }) => {
      if (versionId === undefined) throw new Error('no version')
      const [onChain, node] = await Promise.all([readVersion(ctx, { versionId }), browserNode(network)])
      return await loadVersionModel(ctx, blobArtifactStore(node.storage.blobs, { pin: false }), onChain, signal)
    }
  })
}
