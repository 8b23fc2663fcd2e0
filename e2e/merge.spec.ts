/**
 * A merge the page computes, on the real stack: a task with two final versions (real blobs pinned
 * on the relay, its round driven through the chain actions), closed; the owner picks the other
 * version from the compatible ones (another model's narrower head is listed and refused, with the
 * reason) and a weight, and the page fetches both, averages them, scores the average on the
 * held-out digits, pins it and registers the merge. The registry's record is checked against the
 * blob Node computes from the same parents, and the lineage and the viewer against the metrics.
 */
// The Playwright runner is Node 20: libp2p needs Promise.withResolvers and a global WebSocket
// before it is imported (see p2p.spec.ts), so the polyfills come first.
import '../node/polyfills.ts'
import { createTestClient, http, zeroHash, type Hex } from 'viem'
import { cancelTask, createTask, faucet, readModel, readTask, readVersion } from '../src/chain/actions/index.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { chainMembership } from '../src/chain/taskMembership.ts'
import { Rng } from '../src/core/random.ts'
import { defineTask } from '../src/core/taskDefinition.ts'
import { encodeTaskSpec, parseTaskSpec, type TaskSpec } from '../src/core/taskSpec.ts'
import type { WeightSet } from '../src/core/tensors.ts'
import { encodeVersion, versionCommitHash } from '../src/core/version/blob.ts'
import { mergedVersion } from '../src/core/version/merge.ts'
import { formatBps } from '../src/app/models/format.ts'
import { createBrowserNode } from '../src/p2p/createBrowserNode.ts'
import { startNetworkSession } from '../src/provider/networkSession.ts'
import type { ArtifactStore } from '../src/provider/types.ts'
import { placeholderTaskParams } from '../node/testing/placeholderTask.ts'
import { runPlaceholderTask, type PlaceholderRun } from '../node/testing/placeholderRound.ts'
import { devContext } from './devAccounts.ts'
import { expectAccessible } from './axe.ts'
import { expect, test } from './fixtures.ts'
import { connect, heldOutAccuracy, openRoute } from './volunteer.ts'

const OWNER = 9
const PROVIDER = 8
/** every window of the task, seconds: the shared stack's chain keeps wall-clock time, so the test waits them out */
const WINDOW = 8
const HEAD_WEIGHT = 0.25

const mlpSpec = (hidden: number[]): TaskSpec => parseTaskSpec({ model: { template: 'mlp', inputShape: [784], classes: 10, hidden }, dataset: { name: 'mnist' }, seed: `e2e-merge-${hidden.join('-')}` })

/** Small seeded weights of the spec's layout: a stand-in for a trained version (the merge does not care how weights came about). */
function seededWeights (spec: TaskSpec, seed: number): WeightSet {
  const rng = new Rng(seed)
  return defineTask(spec).layout.map(({ name, shape }) => ({ name, shape, values: Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, () => rng.nextNormal() * 0.05) }))
}

/** Puts a version blob through the store (pinned on the stack's relay); its CID and commit hash. */
async function publish (artifacts: ArtifactStore, bytes: Uint8Array): Promise<{ modelCid: Hex, commitHash: Hex }> {
  return { modelCid: await artifacts.put(bytes, 'model'), commitHash: await versionCommitHash(bytes) }
}

test('@ux the model owner merges two versions: the page averages, evaluates, pins and registers the merge, and the lineage shows its measured metrics', async ({ peerPage: page, stack, read }) => {
  test.setTimeout(4 * 60_000)
  const owner = devContext(stack, OWNER)

  // A closed task with two final versions of real blobs, pinned on the stack's relay under task 0
  // as a creator publishes them; its round is driven through the chain actions, nothing trained.
  const node = await createBrowserNode({ relayMultiaddrs: [stack.relayMultiaddr], allowLoopback: true, storage: 'memory', webRTC: false, chainId: stack.chainId, membership: chainMembership(read) })
  const spec = mlpSpec([16])
  const genesis = seededWeights(spec, 1)
  const trained = seededWeights(spec, 2)
  const narrow = mlpSpec([8])
  let run: PlaceholderRun
  let narrowModel: bigint
  try {
    const { artifacts } = await startNetworkSession(node, { wallet: devAccount(OWNER), chainId: stack.chainId, relays: [stack.relayMultiaddr] })
    const store = artifacts('0')
    const specCid = await store.put(encodeTaskSpec(spec), 'spec')
    const initial = await publish(store, encodeVersion({ weights: genesis, momentum: null }))
    const roundVersion = await publish(store, encodeVersion({ weights: trained, momentum: seededWeights(spec, 3) }))
    const waitOut = { testClient: createTestClient({ mode: 'anvil', transport: http(stack.rpcUrl) }), timeTravel: async (seconds: number) => { await new Promise((resolve) => setTimeout(resolve, seconds * 1000)) } }
    run = await runPlaceholderTask(waitOut, owner, devContext(stack, PROVIDER), {
      window: WINDOW,
      params: { specCid, initialModelCid: initial.modelCid, initialCommitHash: initial.commitHash, name: 'merge e2e' },
      version: () => roundVersion
    })
    // Another model, whose spec builds narrower weights: listed, and refused with the reason.
    const narrowInitial = await publish(store, encodeVersion({ weights: seededWeights(narrow, 4), momentum: null }))
    await faucet(owner)
    const created = await createTask(owner, placeholderTaskParams({ specCid: await store.put(encodeTaskSpec(narrow), 'spec'), initialModelCid: narrowInitial.modelCid, initialCommitHash: narrowInitial.commitHash, name: 'merge e2e, narrower' }))
    // cancelled at once, so no volunteer of a later test joins it
    await cancelTask(owner, { taskId: created.taskId })
    narrowModel = created.modelId
  } finally {
    await node.stop()
  }
  const { modelId } = await readVersion(read, { versionId: run.versionId })
  expect((await readTask(read, { taskId: run.taskId })).status).toBe('Completed')

  await connect(page, OWNER)
  await openRoute(page, `#/models/${modelId}`)
  const candidate = (versionId: bigint) => page.locator(`[data-testid="merge-candidate"][data-version-id="${versionId}"]`)
  await expect(candidate(run.initialVersionId)).toHaveAttribute('data-state', 'compatible')
  const narrowHead = (await readModel(read, { modelId: narrowModel })).head
  await expect(candidate(narrowHead)).toHaveAttribute('data-state', 'incompatible')
  await expect(candidate(narrowHead).getByTestId('merge-candidate-problem')).toHaveText('Cannot be merged: its weights differ from the head\'s: wrong shape for tensor "hidden1/kernel": expected [784, 16], got [784, 8].')
  await expect(candidate(narrowHead).getByRole('radio')).toBeDisabled()

  await expectAccessible(page, 'the model page offering a merge')
  await candidate(run.initialVersionId).getByRole('radio').check()
  await page.getByTestId('merge-weight').fill(String(HEAD_WEIGHT))
  await expect(page.getByTestId('merge-weight-value')).toHaveText(`0.25 × version ${run.versionId} + 0.75 × version ${run.initialVersionId}`)
  await page.getByTestId('merge-button').click()
  await expect(page.getByTestId('merge-progress')).toHaveAttribute('data-step', 'done', { timeout: 90_000 })
  await expect(page.getByTestId('merge-step')).toHaveCount(5)
  for (const step of await page.getByTestId('merge-step').all()) await expect(step).toHaveAttribute('data-state', 'done')
  await expect(page.getByTestId('merge-status')).toHaveAttribute('data-phase', 'confirmed')
  await expectAccessible(page, 'the model page after a merge')

  // The registry holds what the page computed: the blob Node computes from the same parents, the metrics it measured.
  const head = (await readModel(read, { modelId })).head
  const merged = await readVersion(read, { versionId: head })
  const expected = mergedVersion(trained, genesis, HEAD_WEIGHT)
  const measured = page.getByTestId('merge-measured')
  expect(merged).toMatchObject({ parent: run.versionId, mergeParent: run.initialVersionId, status: 'Final', commitHash: await versionCommitHash(expected.bytes), deltaRoot: zeroHash, dataHash: zeroHash })
  expect(merged.modelCid).toBe(await measured.getAttribute('data-model-cid'))
  expect(String(merged.accuracyBps)).toBe(await measured.getAttribute('data-accuracy-bps'))
  expect(merged.loss.toString()).toBe(await measured.getAttribute('data-loss'))
  // scored on the held-out digits: ten classes from small random weights lose about ln 10 each
  expect(Number(merged.loss) / 1e6).toBeGreaterThan(1.5)
  expect(Number(merged.loss) / 1e6).toBeLessThan(3.5)

  // The lineage draws the merge as the head, with two parents and the measured metrics.
  const node2 = page.locator(`[data-testid="lineage-node"][data-version-id="${head}"]`)
  await expect(node2).toHaveAttribute('data-head', 'true', { timeout: 30_000 })
  await expect(node2).toHaveAttribute('data-accuracy-bps', String(merged.accuracyBps))
  await expect(node2).toHaveAttribute('data-loss', merged.loss.toString())
  await expect(node2.locator('title')).toHaveText(new RegExp(`^Version ${head} \\(Final\\), head, accuracy ${formatBps(merged.accuracyBps).replace('.', '\\.')}, loss `))
  await expect(page.locator('.lineage-edge.merge')).toHaveCount(1)
  await expect(page.getByTestId('model-head')).toHaveAttribute('data-version-id', head.toString())

  // The pinned blob is the registered one, and the viewer, fetching it by its CID and scoring it on
  // the same held-out digits, measures the accuracy the merge registered.
  expect(await heldOutAccuracy(page, head)).toBeCloseTo(merged.accuracyBps / 10_000, 4)
})
