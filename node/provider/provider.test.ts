/**
 * Two headless providers (the CLI's `main`, in this process) run a one-round MNIST task on a real
 * local chain and relay: the spec and initial model come from the relay, deltas are pinned on it,
 * and the round's version ends Final.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalChain, type LocalChain } from '../testing/localChain.ts'
import { startRelay, type Relay } from '../relay.ts'
import { readRound, readTask, readVersion } from '../../src/chain/actions/index.ts'
import { TaskManagerAbi } from '../../src/chain/generated/abis.ts'
import { devAccount } from '../../src/chain/devAccounts.ts'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { parseTaskSpec } from '../../src/core/taskSpec.ts'
import { useNodeBackend } from '../../src/train/nodeBackend.ts'
import { createMnistTask } from '../testing/mnistTask.ts'
import { main } from './main.ts'
import type { Shutdown } from './shutdown.ts'
import { startProviderNetwork } from './network.ts'

const JOIN_WINDOW = 60
const WINDOW = 600

const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [16] },
  training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 5, batchSize: 32, samplesPerShard: 64 },
  outer: { learningRate: 0.7, momentum: 0.9 },
  fingerprint: { length: 16 },
  seed: 'headless-provider-test'
}, 'provider.test')

let local: LocalChain
let relay: Relay
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlb-headless-'))
  local = await startLocalChain()
  relay = await startRelay({ port: 0, dataDir: join(dir, 'relay'), chainId: LOCAL_CHAIN_ID })
  await useNodeBackend('wasm')
}, 120_000)

afterAll(async () => {
  await relay?.stop()
  await local?.stop()
  await rm(dir, { recursive: true, force: true, maxRetries: 5 })
})

async function until (what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const keyOf = (index: number): `0x${string}` => toHex(devAccount(index).getHdKey().privateKey!)

describe('headless provider', () => {
  it('two headless providers run a one-round MNIST task to a Final version', async () => {
    const stackFile = join(dir, 'stack.json')
    await writeFile(stackFile, JSON.stringify({
      appUrl: 'http://localhost:5173', rpcUrl: local.rpcUrl, chainId: LOCAL_CHAIN_ID, relayMultiaddr: relay.multiaddrs[0], contracts: local.contracts
    }))

    // The creator publishes the spec and initial model through its own node, pinned on the relay.
    const creatorCtx = local.ctxOf(1)
    const creatorNet = await startProviderNetwork({ relays: relay.multiaddrs, chainId: LOCAL_CHAIN_ID, chain: creatorCtx, account: devAccount(1), stateDir: join(dir, 'creator') })
    let taskId: bigint
    try {
      const artifacts = creatorNet.artifacts('0')
      ;({ created: { taskId } } = await createMnistTask(creatorCtx, artifacts, spec, {
        rounds: 1, shards: 1, replication: 2, maxReplication: 2, joinWindow: JOIN_WINDOW, window: WINDOW
      }))
    } finally {
      await creatorNet.stop()
    }

    // Provider 2 gets a Ctrl-C as soon as it is past training: it finishes the shard (commits),
    // stops, and a second run resumes from its state files (reveals with the saved salt).
    const providers = [2, 3]
    const outputs = providers.map(() => [] as string[])
    const shutdowns = new Map<number, Shutdown>()
    let interrupted = false
    const run = async (i: number): Promise<number> => {
      const account = providers[i]!
      const keyFile = join(dir, `key-${account}`)
      await writeFile(keyFile, `${keyOf(account)}\n`, { mode: 0o600 })
      const out = {
        write: (text: string) => {
          outputs[i]!.push(text)
          if (i === 0 && !interrupted && text.includes('uploading ')) {
            interrupted = true
            shutdowns.get(i)!.request()
          }
        }
      }
      return await main(
        ['--stack', stackFile, '--key-file', keyFile, '--task', taskId.toString(), '--faucet', '--claim'],
        { env: {}, cwd: dir, out, err: out, pollIntervalMs: 200, onShutdown: (s) => shutdowns.set(i, s) }
      )
    }
    const runs = [(async () => [await run(0), await run(0)])(), run(1)]
    const guard = setTimeout(() => { for (const s of shutdowns.values()) s.request() }, 90_000)
    try {
      // The joining window is chain time: jump past it once both joined.
      const { TaskManager } = local.contracts
      const joined = async (account: number): Promise<boolean> => await local.publicClient.readContract({
        address: TaskManager, abi: TaskManagerAbi, functionName: 'isProvider', args: [taskId, devAccount(account).address]
      })
      await until('both providers to join', async () => (await Promise.all(providers.map(joined))).every(Boolean), 60_000)
      await local.timeTravel(JOIN_WINDOW + 1)
      expect(await Promise.all(runs)).toEqual([[0, 0], 0])
    } finally {
      clearTimeout(guard)
      for (const s of shutdowns.values()) s.request()
      await Promise.allSettled(runs)
      console.log(outputs.map((o, i) => `--- provider ${providers[i]}\n${o.join('')}`).join('\n'))
    }

    const stopped = outputs[0]!.join('')
    expect(stopped).toMatch(/stopping: round 0 shard 0 is past training \(uploading\); finishing it before exit/)
    expect(stopped).toMatch(/\* commitResult round 0 shard 0[^]*task \d+: stopped[^]*left the task channel[^]*p2p node stopped[^]*task \d+: fetching its spec/)
    expect((await readTask(creatorCtx, { taskId })).status).toBe('Completed')
    const round = await readRound(creatorCtx, { taskId, round: 0 })
    expect(round.versionId).not.toBe(0n)
    expect((await readVersion(creatorCtx, { versionId: round.versionId })).status).toBe('Final')
    for (const [i, account] of providers.entries()) {
      const text = outputs[i]!.join('')
      expect(text).toContain(`account ${devAccount(account).address}`)
      // --backend auto, the default: the GPU's adapter, or WASM and why not WebGPU.
      expect(text).toMatch(/training on tfjs (webgpu \(adapter: .+\)|wasm: (no WebGPU adapter \(.+\)|WebGPU on .+))\n/)
      expect(text).toMatch(/\* commitResult round 0 shard 0/)
      expect(text).toMatch(/\* revealResult round 0 shard 0/)
      expect(text).toContain(`task ${taskId}: completed`)
      // The key never reaches the terminal, in any form.
      expect(text.toLowerCase()).not.toContain(keyOf(account).slice(2, 18).toLowerCase())
    }
  }, 150_000)
})
