/** The ML Bridge SDK: `createClient({ api, gateway })` reads tasks and versions and downloads models (client.ts). */
export { ApiError, createClient, ModelMismatchError, type ClientOptions, type MLBridgeClient, type PageQuery } from './client.ts'
export type { Page, Round, Task, TaskDetail, TaskProvider, Version } from './schemas.ts'
