import { useQuery } from '@tanstack/react-query'
import { readVersion, storedData } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import type { TaskSpec } from '../../core/taskSpec.ts'
import { useReadContext } from '../hooks/useProtocol.ts'
import { useVersionModel } from '../models/useVersionModel.ts'
import type { ContinuedVersion } from './publishTask.ts'

export type ContinuedState =
  | { status: 'loading' }
  | { status: 'failed', error: string }
  /** `spec` is the spec of the task that trained the version: its model and training settings */
  | { status: 'ready', parent: ContinuedVersion, spec: TaskSpec, taskId: bigint }

/**
 * The version a new task continues, read from the chain and its model fetched and checked against
 * the commit hash (read-only: the wizard pins it again when it publishes). Only a final version
 * can be continued, as the registry requires.
 */
export function useContinuedVersion (versionId: bigint): ContinuedState {
  const ctx = useReadContext()
  const version = useQuery({
    queryKey: ['version', ctx.contracts.ModelRegistry, versionId.toString()],
    queryFn: async () => await readVersion(ctx, { versionId })
  })
  const final = version.data?.status === 'Final' ? version.data : undefined
  const model = useVersionModel(final?.versionId)
  if (version.error !== null) return { status: 'failed', error: explainError(version.error) }
  if (version.data?.status === 'None') return { status: 'failed', error: `there is no version ${versionId}` }
  if (version.data !== undefined && final === undefined) return { status: 'failed', error: `version ${versionId} is ${version.data.status}, not final: only a final version can be trained further` }
  if (model.error !== null) return { status: 'failed', error: explainError(model.error) }
  if (final === undefined || model.data === undefined) return { status: 'loading' }
  return {
    status: 'ready',
    parent: { versionId, modelCid: final.modelCid, commitHash: final.commitHash, data: storedData(final), bytes: model.data.bytes, model: model.data.task.spec.model },
    spec: model.data.task.spec,
    taskId: model.data.taskId
  }
}
