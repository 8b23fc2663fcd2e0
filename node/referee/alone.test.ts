/**
 * The referee runs alone against a network it is no part of: a real local chain (anvil and the
 * deployed contracts), a real relay + pinner with its trustless gateway, and `npm run referee` as a
 * process of its own with flags and a key file (no IPC channel, nothing handed over). Two provider
 * loops train a one-shard MNIST task whose artifacts land on the pinner, one reveals a sign-flipped
 * delta, the vote splits, and the referee reads the artifacts through the gateway, pins its
 * evidence report on the pinner over libp2p and posts the verdict the report names.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther, sha256, toHex, type Hex } from 'viem'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readStake } from '../../src/chain/actions/index.ts'
import { devAccount } from '../../src/chain/devAccounts.ts'
import { ConsensusVerifierAbi } from '../../src/chain/generated/abis.ts'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { evidenceCid } from '../../src/core/referee/evidence.ts'
import { blobArtifactStore } from '../../src/provider/artifacts.ts'
import { chainForAccount } from '../../src/provider/chain.ts'
import { ProviderLoop } from '../../src/provider/providerLoop.ts'
import { MemoryStateStore } from '../../src/provider/state.ts'
import { mnistTaskData } from '../../src/provider/taskData.ts'
import { inProcessTrainer, serialQueue } from '../../src/provider/trainers.ts'
import type { ArtifactStore, ProviderChain, Trainer } from '../../src/provider/types.ts'
import { createStorage } from '../../src/storage/index.ts'
import { mnistSplit, useNodeBackend } from '../../src/testing/mnist.ts'
import { startGateway, type Gateway } from '../gateway.ts'
import { freePort } from '../ports.ts'
import { startProcess, type RunningProcess } from '../processes.ts'
import { startLocalChain, type LocalChain } from '../testing/localChain.ts'
import { createMnistTask } from '../testing/mnistTask.ts'
import { startPinnerFixture, type PinnerFixture } from '../testing/pinnerFixture.ts'
import { refereeTestTask, signFlipping } from '../testing/refereeTask.ts'
import { runLoops } from '../testing/runLoops.ts'
import { waitFor } from '../testing/waitFor.ts'
import type { EvidenceReport } from './referee.ts'

const root = new URL('../..', import.meta.url).pathname
/** holds REFEREE_ROLE on a local chain (Deploy.s.sol's LOCAL_REFEREE) */
const REFEREE = devAccount(8)
const JOIN_WINDOW = 30
/** commit, reveal, aggregation and challenge windows (createMnistTask's default) */
const WINDOW = 600

const { spec, task } = refereeTestTask('referee-alone-test')

let local: LocalChain
let pinner: PinnerFixture
let gateway: Gateway
let dir: string
let referee: RunningProcess | undefined
const lines: Array<Record<string, unknown>> = []

beforeAll(async () => {
  local = await startLocalChain()
  pinner = await startPinnerFixture(local)
  gateway = await startGateway({ blocks: pinner.relay.helia.blockstore, port: 0 })
  dir = await mkdtemp(join(tmpdir(), 'mlbridge-referee-alone-'))
  await useNodeBackend('wasm')
}, 120_000)

afterAll(async () => {
  await referee?.stop()
  await gateway?.stop()
  await pinner?.stop()
  await local?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** A provider loop on the bundled MNIST, as the headless provider (and the referee) prepare it. */
function providerLoop (taskId: bigint, chain: ProviderChain, trainer: Trainer, artifacts: ArtifactStore): ProviderLoop {
  return new ProviderLoop({
    taskId, task, data: mnistTaskData(), chain, artifacts, trainer,
    state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, aggregatorTimeoutMs: 1500, stepTimeoutMs: 60_000
  })
}

/** `npm run referee -- <argv>` as an operator starts it: no IPC channel; its JSON lines go to `lines`. */
function npmRunReferee (argv: string[], lines: Array<Record<string, unknown>>): RunningProcess {
  const proc = startProcess(process.execPath, ['--import', 'tsx', '--import', './node/polyfills.ts', join('node', 'referee.ts'), ...argv], {
    cwd: root, env: { ...process.env, MLBRIDGE_LOG_LEVEL: 'info' }
  })
  let partial = ''
  proc.child.stdout!.on('data', (chunk: Buffer) => {
    const complete = (partial + chunk.toString()).split('\n')
    partial = complete.pop()!
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>)
  })
  return proc
}

/** The network's deployment file, as its app is served with (mlbridge.config.json). */
async function deploymentFile (): Promise<string> {
  const file = join(dir, 'mlbridge.config.json')
  await writeFile(file, JSON.stringify({ chainId: LOCAL_CHAIN_ID, rpcUrl: local.rpcUrl, contracts: local.contracts, bootstrap: [pinner.relay.multiaddrs[0]], gateway: gateway.url }))
  return file
}

async function keyFileOf (account: ReturnType<typeof devAccount>, name: string): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, `${toHex(account.getHdKey().privateKey!)}\n`)
  await chmod(file, 0o600)
  return file
}

it('refuses to start for an account without REFEREE_ROLE, saying so', async () => {
  const out: Array<Record<string, unknown>> = []
  const stranger = npmRunReferee(['--deployment', await deploymentFile(), '--key-file', await keyFileOf(devAccount(3), 'stranger.key')], out)
  await new Promise((resolve) => stranger.child.once('close', resolve))
  expect(stranger.child.exitCode, stranger.output()).toBe(1)
  expect(out.find((l) => l.event === 'failed')?.reason).toMatch(new RegExp(`account ${devAccount(3).address} does not hold REFEREE_ROLE on the ConsensusVerifier at ${local.contracts.ConsensusVerifier} \\(chain 31337\\): its verdicts would revert`))
  expect(stranger.output()).not.toContain(toHex(devAccount(3).getHdKey().privateKey!).slice(2))
}, 120_000)

it('referees a network it is no part of: reads the artifacts through the gateway, pins its evidence on the pinner over libp2p and posts the verdict', async () => {
  // The network as an operator is told of it: its deployment file, and a key file of the referee's own.
  const relay = pinner.relay.multiaddrs[0]!
  const deployment = await deploymentFile()
  const keyFile = await keyFileOf(REFEREE, 'referee.key')
  const metricsPort = await freePort()

  referee = npmRunReferee(['--deployment', deployment, '--key-file', keyFile, '--metrics-port', String(metricsPort)], lines)
  await waitFor('the referee\'s started line', () => lines.some((l) => l.event === 'started') || referee!.child.exitCode !== null, 90_000)
  expect(referee.child.exitCode, referee.output()).toBeNull()
  // a process of its own, with nothing handed over: no IPC channel
  expect(referee.child.connected).toBe(false)
  expect(lines.find((l) => l.event === 'started')).toMatchObject({ component: 'referee', account: REFEREE.address, chainId: LOCAL_CHAIN_ID, gateway: gateway.url, relays: [relay] })

  // A split: the providers publish on the pinner (its blockstore, which the gateway serves), one reveals a flipped delta.
  const artifacts = blobArtifactStore(createStorage({ blocks: pinner.relay.helia.blockstore }).blobs, { pin: false })
  const { train } = await mnistSplit()
  const honestTrainer = inProcessTrainer({ mnist: async () => train, queue: serialQueue() })
  const { created } = await createMnistTask(local.ctxOf(1), artifacts, spec, { joinWindow: JOIN_WINDOW, rewardPerResult: parseEther('10'), minStake: parseEther('100'), rounds: 1, shards: 1, replication: 2, maxReplication: 2 })
  const taskId = created.taskId
  const [honest, cheat] = [5, 6].map((i) => chainForAccount(local.ctxOf(i))) as [ProviderChain, ProviderChain]
  const loops = [providerLoop(taskId, honest, honestTrainer, artifacts), providerLoop(taskId, cheat, signFlipping(honestTrainer, task), artifacts)]
  // one winner is too few to finalize by signatures: the version is final once its challenge window passes quietly
  loops[0]!.on('action', (a) => { if (a.name === 'proposeVersion') void local.timeTravel(WINDOW + 1) })
  expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 100_000 })).toEqual(['completed', 'completed'])

  // On chain: the referee's verdict, naming the honest replica the winner.
  const [resolved] = await local.publicClient.getContractEvents({ address: local.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'SplitResolved', args: { taskId }, fromBlock: 0n, strict: true })
  expect(resolved).toBeDefined()
  const evidence: Hex = resolved!.args.evidence
  const verdict = await local.publicClient.getTransaction({ hash: resolved!.transactionHash })
  expect(verdict.from.toLowerCase()).toBe(REFEREE.address.toLowerCase())

  // On the pinner: the report the verdict names, pinned under the task by the referee's wallet, and served by the gateway.
  const cid = evidenceCid(evidence)
  expect(await pinner.relay.helia.pins.isPinned(cid)).toBe(true)
  expect((await pinner.relay.helia.pins.get(cid)).metadata).toMatchObject({ taskId: taskId.toString(), kind: 'evidence', wallet: REFEREE.address.toLowerCase() })
  const served = new Uint8Array(await (await fetch(`${gateway.url}/ipfs/${cid.toString()}?format=raw`)).arrayBuffer())
  expect(sha256(served)).toBe(evidence)
  const report = JSON.parse(new TextDecoder().decode(served)) as EvidenceReport
  const honestReplica = report.replicas.find((r) => r.provider.toLowerCase() === honest.account.toLowerCase())!
  const cheatReplica = report.replicas.find((r) => r.provider.toLowerCase() === cheat.account.toLowerCase())!
  expect(report).toMatchObject({ type: 'mlbridge/referee-verdict/1', taskId: taskId.toString(), outcome: { kind: 'verdict', winnersMask: 1 << honestReplica.replica } })
  expect(resolved!.args.winnersMask).toBe(BigInt(1 << honestReplica.replica))
  expect(cheatReplica.fault).toMatch(/beyond the tolerance/)
  expect((await readStake(local.ctxOf(1), { account: cheat.account })).staked).toBeLessThan((await readStake(local.ctxOf(1), { account: honest.account })).staked)

  // Its own metrics endpoint, and its own log line for the verdict.
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics.json`)).json() as Record<string, unknown>
  expect(metrics).toEqual({ referee: expect.objectContaining({ disputes: 1, verdicts: 1, slashed: 1 }) })
  expect(lines.find((l) => l.event === 'verdict')).toMatchObject({ taskId: taskId.toString(), evidence })

  await referee.stop()
  await waitFor('the referee\'s stopped line', () => lines.some((l) => l.event === 'stopped'), 10_000)
  expect(referee.child.exitCode).toBe(0)
  expect(lines.find((l) => l.event === 'stopped')).toMatchObject({ reason: 'SIGTERM' })
}, 240_000)
