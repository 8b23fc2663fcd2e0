/**
 * What the stack and its referee process say to each other over the child's IPC channel (Node's
 * `advanced` serialization, so bytes and bigints cross as they are). The referee keeps nothing of
 * the stack but this channel: its settings and key come in the stack's first message, its
 * evidence reports go to the stack's pinner through it, and its counters come back through it
 * for the stack's metrics endpoint.
 */
import type { Address, Hex } from 'viem'
import type { RefereeMetrics } from '../observability/metrics.ts'

/** The stack's answer to `hello`: everything the referee needs to run. */
export interface RefereeStart {
  type: 'start'
  rpcUrl: string
  chainId: number
  contracts: Record<string, Address>
  /** where its log reads start */
  deploymentBlock?: number
  /** the trustless gateway over the pinner's blocks: where the referee reads the tasks' artifacts */
  gateway: string
  /** the key of the account that holds REFEREE_ROLE; sent here, not in argv or env, which `ps` shows */
  privateKey: Hex
  auditRate?: number
}

/** The pinner's answer to a `keep`: the report's CID, or why it was not kept. */
export type RefereeKept = { type: 'kept', id: number, cid: string } | { type: 'keepFailed', id: number, reason: string }

export type StackToReferee = RefereeStart | RefereeKept

export type RefereeToStack =
  /** the referee listens: a message sent before it did would be lost, so the stack waits for this to send `start` */
  | { type: 'hello' }
  /** the referee is running as `address` */
  | { type: 'ready', address: Address }
  /** asks the stack's pinner to keep an evidence report under its task; answered by a RefereeKept with the same id */
  | { type: 'keep', id: number, taskId: string, bytes: Uint8Array }
  /** the counters since the process started, sent each second */
  | { type: 'metrics', metrics: RefereeMetrics }
