/**
 * The ML Bridge SDK: `createClient({ api, gateway })` reads tasks, versions, the market's models and data
 * sets, disputes, and events (paged or live), and downloads models and specs (client.ts);
 * `chainEventsOfTask(client, id)` reads a task's events typed as the chain's log decodes them (chainEvent.ts);
 * `chainModelOf` and `chainVersionOf` give a model or version the shape the chain's reads return (chainState.ts);
 * `createWriter({ walletClient, publicClient, contracts })` creates and funds tasks, stakes, joins and
 * claims (writer.ts); `loadVersion(client, id)` downloads a version and runs it with tfjs or exports
 * it to ONNX, loading tfjs only when first run (run.ts);
 * `verifyWebhook` checks a webhook delivery's signature (webhook.ts).
 * Training for a task is the headless provider's work: `npm run provider`.
 */
export {
  ApiError, ApiMismatchError, createClient, ModelMismatchError, type ClientOptions, type DisputeQuery, type EventFilter, type MLBridgeClient, type ModelQuery, type ModelSort, type PageQuery,
  type TaskQuery, type VersionQuery, type WatchEventsOptions
} from './client.ts'
export {
  DISPUTE_STATES, EVENT_NAMES, type DataSet, type Dispute, type DisputeState, type EventName, type Model, type NetworkStats, type Page, type ProtocolEvent, type Provider, type Round, type Task, type TaskDetail, type TaskProvider, type TaskStatus,
  type Version, type WebhookPayload
} from './schemas.ts'
export { allPages, MAX_PAGE } from './allPages.ts'
export { chainEventOf, chainEventsOfTask, EventDecodeError } from './chainEvent.ts'
export { chainModelOf, chainVersionOf } from './chainState.ts'
export { createWriter, type MLBridgeWriter, type WriterOptions } from './writer.ts'
export { loadVersion, type RunnableVersion } from './run.ts'
export {
  DEFAULT_TOLERANCE_S, DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions, type WebhookVerificationReason
} from './webhook.ts'
