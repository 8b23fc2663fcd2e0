/**
 * The merge's effects in a page: which versions can be merged into the head (each candidate's task
 * spec against the head's), and the fetching, scoring and pinning computeMerge asks for, through
 * this tab's node, an evaluator worker and the wallet's pinning session.
 */
import { useQueries, type UseQueryResult } from '@tanstack/react-query'
import { readVersion, type ReadContext, type VersionState, type WriteContext } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import type { NetworkConfig } from '../../core/networkConfig.ts'
import { mergeIncompatibility } from '../../core/version/merge.ts'
import { blobArtifactStore } from '../../provider/artifacts.ts'
import { browserNode } from '../browserNode.ts'
import type { MergeEffects } from './computeMerge.ts'
import { loadVersionModel, loadVersionTask } from './versionModel.ts'

/** How long a candidate's task spec may take to arrive before the candidate is shown as unreadable. */
const SPEC_TIMEOUT_MS = 20_000

/** Why a version cannot be merged into the head, in words; null when it can. */
export type MergeCheck = string | null

/** For each candidate, in order, whether it can be merged into `head`: their task specs build the same weights. */
export function useMergeChecks (ctx: ReadContext, network: NetworkConfig, head: VersionState | undefined, candidates: readonly VersionState[]): Array<UseQueryResult<MergeCheck>> {
  return useQueries({
    queries: head === undefined
      ? []
      : candidates.map((candidate) => ({
        queryKey: ['merge-check', ctx.contracts.ModelRegistry, head.versionId.toString(), candidate.versionId.toString()],
        staleTime: Infinity,
        retry: false,
        queryFn: async (): Promise<MergeCheck> => {
          const artifacts = blobArtifactStore((await browserNode(network)).storage.blobs, { pin: false })
          const signal = AbortSignal.timeout(SPEC_TIMEOUT_MS)
          const [ours, theirs] = await Promise.all([
            loadVersionTask(ctx, artifacts, head, signal),
            loadVersionTask(ctx, artifacts, candidate, signal).catch((error: unknown) => error instanceof Error ? error : new Error(String(error)))
          ])
          if (theirs instanceof Error) return `its task spec could not be read: ${explainError(theirs)}`
          return mergeIncompatibility(ours.task, theirs.task)
        }
      }))
  })
}

/**
 * computeMerge's effects in this tab: versions read from the chain (whatever source the page
 * listed them from) and fetched read-only through the tab's node; scores from an evaluator worker
 * on the head's task's held-out data, as a provider scores the version it proposes; the blob pinned
 * on a relay under task 0, where the pinner takes a model from any wallet (the merge belongs to no
 * task). `close` ends the worker.
 */
export function pageMergeEffects (ctx: ReadContext, network: NetworkConfig, write: WriteContext): MergeEffects & { close: () => void } {
  let close = (): void => {}
  return {
    load: async (version) => {
      const node = await browserNode(network)
      return await loadVersionModel(ctx, blobArtifactStore(node.storage.blobs, { pin: false }), await readVersion(ctx, { versionId: version.versionId }))
    },
    score: async (task, weights) => {
      const [node, { heldOutOf, loadUploadedDataset }, { startEvaluator }] = await Promise.all([
        browserNode(network), import('../../provider/uploadedData.ts'), import('../../train/trainerClient.ts')
      ])
      const heldOut = heldOutOf(task.spec.dataset.manifestCid === undefined ? undefined : await loadUploadedDataset(node.storage, task.spec))
      const evaluator = startEvaluator()
      close = () => { evaluator.terminate() }
      return await evaluator.scorer(heldOut).evaluate(task.architecture, weights)
    },
    pin: async (bytes) => {
      const { appSession } = await import('../session.ts')
      return await (await appSession(network, write)).artifacts('0').put(bytes, 'model')
    },
    close: () => { close() }
  }
}
