import { commitResults, type CommitParams, type CommittedResult } from './commitResults.ts'
import type { WriteContext } from './types.ts'

export type { CommitParams, CommittedResult } from './commitResults.ts'

/** Commits one result: `commitResults` with a batch of one. */
export async function commitResult (ctx: WriteContext, params: CommitParams): Promise<CommittedResult> {
  const [committed] = await commitResults(ctx, [params])
  return committed!
}
