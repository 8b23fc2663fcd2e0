import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { VersionState } from '../../chain/actions/index.ts'
import { blobArtifactStore } from '../../provider/artifacts.ts'
import { browserNode } from '../browserNode.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { loadVersionModel, type VersionModel } from './versionModel.ts'

/** The version's checked weights and architecture, fetched read-only (nothing is pinned) through this tab's node. */
export function useVersionModel (version: VersionState | undefined): UseQueryResult<VersionModel> {
  const network = useNetworkConfig()
  const ctx = useReadContext()
  return useQuery({
    queryKey: ['version-model', ctx.contracts.ModelRegistry, version?.versionId.toString(), version?.commitHash],
    enabled: version !== undefined,
    staleTime: Infinity,
    retry: false,
    queryFn: async ({ signal }) => {
      if (version === undefined) throw new Error('no version')
      const node = await browserNode(network)
      return await loadVersionModel(ctx, blobArtifactStore(node.storage.blobs, { pin: false }), version, signal)
    }
  })
}
