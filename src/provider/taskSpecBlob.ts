/** The task spec as a pinned blob: its CID is `specCid` on chain, and every provider parses it the same way. */
import { parseTaskSpec, type TaskSpec, type TaskSpecInput } from '../core/taskSpec.ts'
import type { Hex } from 'viem'
import type { ArtifactStore } from './types.ts'

export function encodeTaskSpec (spec: TaskSpec | TaskSpecInput): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(spec))
}

/** Throws InvalidTaskSpecError naming the fields when the bytes are not a valid spec. */
export function decodeTaskSpec (bytes: Uint8Array, source = 'task spec'): TaskSpec {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw new Error(`${source} is not JSON text`, { cause: error })
  }
  return parseTaskSpec(json, source)
}

export async function fetchTaskSpec (artifacts: Pick<ArtifactStore, 'get'>, specCid: Hex, options: { signal?: AbortSignal } = {}): Promise<TaskSpec> {
  return decodeTaskSpec(await artifacts.get(specCid, 'spec', options), `the task spec ${specCid}`)
}
