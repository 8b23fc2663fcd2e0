/**
 * The provider loop's dependencies, as interfaces: the loop receives them and never reaches for a
 * global (no DOM, no Node API), so the same loop runs in a page, a worker or a Node test.
 */
import type { Address, Hex } from 'viem'
import type {
  AcceptedShard, AdvanceOutcome, CommitParams, CommittedResult, Membership, RevealedResult, RevealParams, RoundState, ShardOutcome,
  ProposalRef, ResultRef, SignedVersion, StakeLock, StakeState, TaskState, VersionData, VersionState
} from '../chain/actions/index.ts'
import type { PinReceipt } from '../core/messages/index.ts'
import type { AcceptedResult } from '../core/version/acceptedResults.ts'
import type { FraudProof } from '../core/version/deltaCheck.ts'
import type { RegistryDomain, SignerSignature, VersionContent } from '../core/version/signature.ts'
import type { ArtifactKind } from '../core/messages/schemas.ts'
import type { ContributionVerdict } from '../core/contributionPolicy.ts'
import type { Architecture } from '../core/architecture.ts'
import type { WeightSet } from '../core/tensors.ts'
import type { TrainProgress, TrainRequest, TrainShardResult } from '../train/trainShard.ts'
import type { ShardData } from '../train/workerApi.ts'

/**
 * The chain actions the loop uses, bound to one account (see `chainForAccount`). Transactions are
 * sent and awaited; a contract rejection throws `ContractRejectedError` with the error's name.
 */
export interface ProviderChain {
  readonly account: Address
  /** The ConsensusVerifier's address: part of every delta's binding. */
  readonly verifier: Address
  chainId: () => Promise<number>
  /** The attempt's fingerprint seed, or undefined while the block that draws it is not mined. */
  readFingerprintSeed: (taskId: bigint, round: number, shard: number, attempt: number) => Promise<number | undefined>
  /** Unix seconds of the latest block: the clock the contract's windows use. */
  now: () => Promise<bigint>
  readTask: (taskId: bigint) => Promise<TaskState>
  readRound: (taskId: bigint, round?: number) => Promise<RoundState>
  readStake: () => Promise<StakeState>
  /** This account's stake still locked for tasks it joined, with when each can be released. */
  readStakeLocks: () => Promise<StakeLock[]>
  /** This account's stake still locked for `taskId`. */
  readTaskLock: (taskId: bigint) => Promise<bigint>
  /** Frees the stake locked for `taskId` (after the task and its challenge window); returns the amount. */
  unlockStake: (taskId: bigint) => Promise<bigint>
  /** The task's providers, in joining order. */
  readProviders: (taskId: bigint) => Promise<Address[]>
  /** Whether the account holds a place in the task, applied for one, or did not join (`readMembership`). */
  membership: (taskId: bigint) => Promise<Membership>
  /** Whether the account has stepped away from the task's draws. */
  isAway: (taskId: bigint) => Promise<boolean>
  /** Steps away from the task's draws from the next round on; returns that round. */
  stepAway: (taskId: bigint) => Promise<number>
  /** Steps back into the task's draws from the next round on; returns that round. */
  stepBack: (taskId: bigint) => Promise<number>
  readVersion: (versionId: bigint) => Promise<VersionState>
  /** The head version of a model. */
  readModelHead: (modelId: bigint) => Promise<bigint>
  readRevealed: (taskId: bigint, round: number, shard: number, attempt: number) => Promise<RevealedResult[]>
  readAccepted: (taskId: bigint, round: number) => Promise<AcceptedShard[]>
  readProposals: (taskId: bigint, round: number) => Promise<ProposalRef[]>
  /** Whether `account` (default: this one) has confirmed `versionId`. */
  hasConfirmed: (versionId: bigint) => Promise<boolean>
  readClaimable: () => Promise<bigint>
  faucet: () => Promise<bigint>
  stake: (amount: bigint) => Promise<void>
  joinTask: (taskId: bigint) => Promise<void>
  advance: (taskId: bigint) => Promise<AdvanceOutcome>
  /** Commits results of one round in one transaction; returns the ones committed. */
  commitResults: (results: ReadonlyArray<CommitParams & { salt: Hex, replica: number }>) => Promise<CommittedResult[]>
  /** Reveals results of one round in one transaction, deciding each shard it completes. */
  revealResults: (results: readonly RevealParams[]) => Promise<void>
  /** Decides the shards in one transaction; each one's outcome, in the order given. */
  finalizeShards: (taskId: bigint, round: number, shards: readonly number[]) => Promise<{ outcomes: ShardOutcome[], roundDecided: boolean }>
  /** The registry's EIP-712 domain, what endorsements are checked against. */
  registryDomain: () => Promise<RegistryDomain>
  /** This account's EIP-712 `Version` signature of `content` (an endorsement). */
  signVersion: (content: VersionContent) => Promise<Hex>
  /** Proposes with this account's signature and `signatures`, other winners' checked endorsements, over the round's accepted `results`. */
  proposeVersion: (taskId: bigint, round: number, parent: bigint, data: VersionData, signatures: readonly SignerSignature[], results: readonly AcceptedResult[]) => Promise<{ versionId: bigint, final: boolean }>
  /** Signs the stored version (refused when its commit hash is not `commitHash`) and submits the signature. */
  confirmVersion: (versionId: bigint, commitHash: Hex) => Promise<{ final: boolean }>
  finalizeVersion: (versionId: bigint) => Promise<void>
  /** Disputes a proposed version; `claim` is `versionClaim` of the round as this provider recomputed it. */
  challengeVersion: (versionId: bigint, claim: Hex) => Promise<void>
  /** Challenges a revealed result (bonding the task's reward per result) claiming what its check found; false when it already has an open challenge. */
  challengeResult: (ref: ResultRef, claim: Hex) => Promise<boolean>
  /** Proves on chain that a revealed result's delta fails the checks a contract makes alone: slashed with no referee. */
  proveInvalidDelta: (ref: ResultRef, proof: FraudProof) => Promise<void>
  /** Reports `signer`'s two signatures of different models for one round; returns the stake slashed. */
  reportEquivocation: (signer: Address, a: SignedVersion, b: SignedVersion) => Promise<bigint>
  claim: () => Promise<bigint>
  /** Calls `onChange` when the protocol contracts emit events (new blocks with logs); returns the unsubscribe. */
  watch: (taskId: bigint, onChange: () => void) => () => void
  /** Calls `onBlock` when a new block is seen, until unsubscribed: what a step gated on the next block waits for (the draw, the fingerprint seed). */
  watchBlocks?: (onBlock: () => void) => () => void
}

/** Content-addressed blobs; CIDs are the binary CIDs as hex, the form the contracts store. */
export interface ArtifactStore {
  put: (bytes: Uint8Array, kind: ArtifactKind, options?: { signal?: AbortSignal }) => Promise<Hex>
  get: (cid: Hex, kind: ArtifactKind, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
  /** The pinner's signed receipt for a blob this store put (not staged), where a pinner keeps them; taken once. */
  receiptOf?: (cid: Hex) => PinReceipt | undefined
  /**
   * A put in two halves, where the store has a pinner: stores the blob here (its CID known, this
   * node serving it), and `publish` then has the pinner keep it, as the rest of `put` does.
   */
  stage?: (bytes: Uint8Array, kind: ArtifactKind, options?: { signal?: AbortSignal }) => Promise<{ cid: Hex, publish: (options?: { signal?: AbortSignal }) => Promise<void> }>
}

/** Trains one shard: the worker (`TrainerClient`) in a page, `trainShard` in process in Node. */
export interface Trainer {
  train: (request: TrainRequest<ShardData>, options: { onProgress?: (progress: TrainProgress) => void, signal?: AbortSignal }) => Promise<TrainShardResult>
}

/** Scores a version on held-out data (the metrics an aggregator records); optional. */
export interface Evaluator {
  evaluate: (architecture: Architecture, weights: WeightSet, options: { signal?: AbortSignal }) => Promise<{ accuracy: number, loss: number }>
}

/** A result between training and reveal: everything the commit and the reveal need. */
export interface PendingResult {
  round: number
  shard: number
  attempt: number
  replica: number
  /** The plaintext delta's CID (a content hash: only the sealed delta is uploaded). */
  deltaCid: Hex
  /** The sealed delta, pinned before the commit. */
  sealedCid: Hex
  salt: Hex
  /** Computed at reveal, under the seed drawn after the attempt's last commit... */
  fingerprint?: number[]
  /** ...which is this one: a later commit moves the seed, and the sketch is computed again. */
  fingerprintSeed?: number
  /** The pinner's signed receipt for the sealed delta, from before the commit (evidence it was published). */
  receipt?: PinReceipt
  committed: boolean
  revealed: boolean
}

/** What this provider computed for a round's version, and what it did with it. */
export interface RoundVersionRecord {
  round: number
  parent: string
  modelCid: Hex
  commitHash: Hex
  /** The root of `results`' delta leaves, which the verifier computes too. */
  deltaRoot: Hex
  dataHash: Hex
  /** What every winner of the round revealed, in (shard, replica) order: the proposal's list. */
  results: AcceptedResult[]
  /** The accepted providers of the round (winners of every accepted shard), lowest first. */
  winners: Address[]
  /** The aggregator's signed content, published as its endorsement before it proposes (loss as a decimal string). */
  draft?: { accuracyBps: number, loss: string, signature: Hex }
  /** This winner published its endorsement of the aggregator's content. */
  endorsed?: boolean
  /** The version this provider proposed (decimal string). */
  proposed?: string
  /** Versions it confirmed, ones whose hash differed from its own, and those of them it challenged (decimal strings). */
  confirmed: string[]
  mismatched: string[]
  challenged?: string[]
}

/** The loop's persisted state for one task (JSON: bigints as decimal strings). */
export interface ProviderState {
  version: 1
  taskId: string
  account: Address
  joined: boolean
  /** keyed `round/shard/attempt` */
  results: Record<string, PendingResult>
  /** keyed by round */
  versions: Record<string, RoundVersionRecord>
  /** Rounds whose results were counted (accepted slots), for the earnings line. */
  accepted: number
  step: StepEvent | null
}

/** Loads and saves the loop's state; IndexedDB in a page, memory in tests. */
export interface ProviderStateStore {
  load: (key: string) => Promise<ProviderState | undefined>
  save: (key: string, state: ProviderState) => Promise<void>
}

/** Time and waiting, injected so tests and pages control them. */
export interface Clock {
  /** Milliseconds. */
  now: () => number
  /** Resolves after `ms`, rejects with the signal's reason when it aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export type Phase =
  | 'joining' | 'waiting' | 'fetching' | 'training' | 'uploading' | 'committing' | 'revealing' | 'finalizing'
  | 'aggregating' | 'proposing' | 'confirming' | 'advancing' | 'claiming' | 'paused' | 'done' | 'stopped'

/**
 * The volunteer's controls, asked at every pass of the loop; paused says why. Paused, a provider
 * joins nothing and steps away from the task's later rounds (`stepAway`); the shards of the running
 * round, drawn before the step, are still trained, committed and revealed, so a pause never leaves
 * a drawn shard missed or a commitment unrevealed.
 */
export type WorkGate = () => ContributionVerdict

/** The gate's verdict now; no gate always allows. */
export const askGate = (gate: WorkGate | undefined): ContributionVerdict => gate?.() ?? { allowed: true }

export interface StepEvent {
  phase: Phase
  round?: number
  shard?: number
  /** Words for the page: why idle, what is being done. */
  detail?: string
}

export interface ProgressEvent {
  round: number
  shard: number
  progress: TrainProgress
}

// A type alias (not an interface) so that it fits Emitter's Record<string, unknown> bound.
export type ProviderEvents = {
  step: StepEvent
  /** A step started at `at`, the loop's clock (ms): what timing tools use, as `step` waits for the state to be saved. */
  phase: { phase: Phase, round?: number, at: number }
  progress: ProgressEvent
  /** A step failed; the loop retries it on a later tick unless it was fatal. */
  error: { phase: Phase, error: unknown, fatal: boolean, round?: number, shard?: number }
  /** A transaction this provider sent (or a version it recomputed). */
  action: { name: string, round?: number, shard?: number, versionId?: bigint, detail?: string }
  /** A blob this provider published: a delta it trained or a version it recomputed. */
  artifact: { kind: 'delta' | 'model', cid: Hex, size: number, round: number, shard?: number }
}
