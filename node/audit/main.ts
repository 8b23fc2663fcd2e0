/**
 * `npm run audit -- --task N [--stack FILE] [--rpc URL] [--gateway URL] [--json FILE]`: re-verifies
 * every version of task N from the chain and the trustless gateway alone (auditTask.ts) and prints
 * a verdict per version. Exit 0 when every version is exact, 1 when one is not, 2 on bad usage.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { deploymentOf } from '../../src/chain/contracts.ts'
import { errorMessage } from '../../src/core/errors.ts'
import type { SignersCheck } from '../../src/core/version/signers.ts'
import { parseStackInfo, type StackInfo } from '../../src/core/networkConfig.ts'
import { blobArtifactStore } from '../../src/provider/artifacts.ts'
import { createStorage, gatewayBlocks } from '../../src/storage/index.ts'
import { useNodeBackend } from '../../src/train/nodeBackend.ts'
import { integerFlag, parseCommandLine, printHelp, printUsageError, UsageError, type Output } from '../cli/args.ts'
import { connectReader } from '../provider/chainContext.ts'
import { defaultStackFile } from '../cli/stackFile.ts'
import { auditedData } from '../taskData.ts'
import { auditTask, type TaskAudit } from './auditTask.ts'
import { roundNumber } from '../../src/core/taskPhase.ts'

export const USAGE = `usage: npm run audit -- --task N [--stack FILE] [--rpc URL] [--gateway URL] [--json FILE]

Re-verifies every version of task N from the chain and the trustless gateway alone: the spec and
each model by their CIDs, the data against the CID and hash the chain names, every accepted delta
against its commitment and fingerprint, and each round's version recomputed (aggregation and
outer step) and compared with the registry, and its signatures and signers checked.

  --task N        the task to audit
  --stack FILE    stack file for the RPC, chain id, contracts and gateway (default: .mlbridge/stack.json)
  --rpc URL       JSON-RPC endpoint (default: the stack file's rpcUrl)
  --gateway URL   trustless gateway (default: the stack file's gateway)
  --json FILE     also write the verdicts as JSON
Exit status: 0 all exact, 1 the data or a version differs or could not be checked, 2 bad usage.`

export interface AuditConfig {
  taskId: bigint
  rpcUrl: string
  gateway: string
  stack: StackInfo
  json?: string
}

export function resolveAuditConfig (argv: readonly string[], opts: { env: NodeJS.ProcessEnv, cwd: string, readStack: (file: string) => string }): AuditConfig | 'help' {
  const values = parseCommandLine(argv, { task: { type: 'string' }, stack: { type: 'string' }, rpc: { type: 'string' }, gateway: { type: 'string' }, json: { type: 'string' } })
  if (values.help === true) return 'help'
  if (values.task === undefined) throw new UsageError('--task is required')
  const taskId = BigInt(integerFlag('--task', values.task, 1))
  const file = values.stack ?? defaultStackFile(opts.env, opts.cwd)
  let stack: StackInfo
  try {
    stack = parseStackInfo(JSON.parse(opts.readStack(file)) as unknown, file)
  } catch (error) {
    throw new UsageError(`cannot read the stack file ${file} (start the stack with npm start, or pass --stack): ${error instanceof Error ? error.message : String(error)}`)
  }
  const gateway = values.gateway ?? stack.gateway
  if (gateway === undefined) throw new UsageError(`${file} names no gateway: pass --gateway URL`)
  return { taskId, rpcUrl: values.rpc ?? stack.rpcUrl, gateway, stack, ...(values.json === undefined ? {} : { json: values.json }) }
}

export function formatAudit (audit: TaskAudit): string[] {
  const { data } = audit
  const lines = [`data: ${data.verdict === 'exact' ? 'exact' : data.verdict === 'differs' ? `DIFFERS in ${data.differences.join(', ')}` : `UNVERIFIABLE: ${data.error ?? ''}`}`]
  lines.push(...audit.versions.map((v) => {
    const what = `version ${v.versionId} (${v.round === undefined ? 'initial' : `round ${roundNumber(v.round)}`}, ${v.status})`
    if (v.verdict === 'exact') return `${what}: exact${signersLine(v.signers)}`
    if (v.verdict === 'differs') return `${what}: DIFFERS in ${v.differences.join(', ')}${signerFaults(v.signers)}`
    return `${what}: UNVERIFIABLE: ${v.error ?? ''}`
  }))
  lines.push(`task ${audit.taskId}: ${audit.passed ? 'the data and every version re-verified exactly' : 'FAILED'} (${audit.versions.length} versions)`)
  return lines
}

/** How many signed it, of how many winners, against what it needed (a version final by its quiet window needed no count). */
function signersLine (signers: SignersCheck | undefined): string {
  if (signers === undefined) return ''
  return `, ${signers.counted} of ${signers.winners} winners signed${signers.required === undefined ? '' : ` (${signers.required} needed)`}`
}

/** Why its signatures or signers fail, each fault's reason. */
function signerFaults (signers: SignersCheck | undefined): string {
  return signers === undefined || signers.faults.length === 0 ? '' : ` (${signers.faults.map((f) => f.reason).join('; ')})`
}

export async function main (argv: readonly string[], io: { env: NodeJS.ProcessEnv, cwd: string, out: Output, err: Output }): Promise<number> {
  let config: AuditConfig | 'help'
  try {
    config = resolveAuditConfig(argv, { env: io.env, cwd: io.cwd, readStack: (file) => readFileSync(file, 'utf8') })
  } catch (error) {
    return printUsageError(error, 'audit', USAGE, io.err)
  }
  if (config === 'help') return printHelp(USAGE, io.out)
  let audit: TaskAudit
  try {
    const read = await connectReader({ rpcUrl: config.rpcUrl, chainId: config.stack.chainId, ...deploymentOf(config.stack) })
    // Recomputing a version needs no training; tfjs's CPU backend only reads bundled data here.
    await useNodeBackend('cpu')
    const storage = createStorage({ blocks: gatewayBlocks({ baseUrl: config.gateway }) })
    audit = await auditTask({
      read,
      artifacts: blobArtifactStore(storage.blobs, { pin: false }),
      data: async (definition, signal) => await auditedData(definition.spec, storage, signal === undefined ? {} : { signal })
    }, config.taskId)
  } catch (error) {
    io.err.write(`audit: task ${config.taskId} could not be audited: ${errorMessage(error)}\n`)
    return 1
  }
  for (const line of formatAudit(audit)) io.out.write(`${line}\n`)
  if (config.json !== undefined) {
    writeFileSync(config.json, `${JSON.stringify(audit, (_key, value: unknown) => typeof value === 'bigint' ? value.toString() : value, 2)}\n`)
  }
  return audit.passed ? 0 : 1
}
