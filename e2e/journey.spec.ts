/**
 * The volunteer journey, all from the UI on the real local stack: a creator creates an MNIST task
 * in the wizard, three volunteers (own browser contexts, own dev accounts) switch Contribute on,
 * the network trains 3 rounds, and the registry, the rewards and the viewer are checked against
 * the chain. Then the model is found by name in the market, downloaded over the gateway and checked
 * against its commit hash, and run, and a new task continuing it is created (then cancelled); the
 * auditor CLI re-verifies the task, and fails it once a
 * version's record is rewritten on the chain. Screenshots go to MLBRIDGE_SCREENSHOTS (the README's come from here) or the test's
 * output folder; the per-round time split is printed and attached.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createTestClient, getAddress, http, keccak256, parseEther, toHex, type Address } from 'viem'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { connect, createTaskInWizard, heldOutAccuracy, openRoute, submitWizard, volunteer } from './volunteer.ts'
import { readmeExample, runScriptExample, runShellExample } from './readmeExamples.ts'
import { readAcceptedShards, readClaimable, readModel, readReputation, readRound, readTask, readTokenBalance, readVersion, storedData, type ReadContext } from '../src/chain/actions/index.ts'
import { versionContentHash } from '../src/core/version/contentHash.ts'
import { hasBit } from '../src/core/bitmask.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { versionCommitHash } from '../src/core/version/blob.ts'
import { formatBps } from '../src/app/models/format.ts'
import { tamperWord } from '../node/testing/tamperStorage.ts'

const ROUNDS = 3
const REWARD = parseEther('10')
const CREATOR = 1
const VOLUNTEERS = [2, 3, 4]
const NAME = 'Handwritten digits, journey'

/** `npm run audit -- --task N` on the test's stack: its exit code and what it printed. */
async function audit (taskId: bigint): Promise<{ code: number, out: string }> {
  const args = ['node/audit.ts', '--task', String(taskId), '--stack', process.env.MLBRIDGE_STACK_FILE!]
  return await promisify(execFile)('node_modules/.bin/tsx', args, { timeout: 180_000 })
    .then(({ stdout }) => ({ code: 0, out: stdout }), (error: { code?: number, stdout?: string, stderr?: string }) => ({ code: error.code ?? -1, out: `${error.stdout ?? ''}${error.stderr ?? ''}` }))
}

/** Accepted results per provider over the task's rounds, from the verifier's ShardAccepted events and the rounds' draws. */
async function acceptedResults (ctx: ReadContext, taskId: bigint): Promise<Map<Address, number>> {
  const counts = new Map<Address, number>()
  for (const accepted of await readAcceptedShards(ctx, { taskId })) {
    const round = await readRound(ctx, { taskId, round: accepted.round })
    const shard = round.shards[accepted.shard]!
    // A re-run shard lists the providers of its last attempt, which is the accepted one.
    shard.providers.forEach((p, i) => {
      if (hasBit(accepted.winnersMask, i)) counts.set(getAddress(p), (counts.get(getAddress(p)) ?? 0) + 1)
    })
  }
  return counts
}

test('@journey @market a creator funds a named MNIST task, three volunteers train it over 3 rounds, get paid, the market lists, downloads, runs and continues the model, and the auditor passes it', async ({ openPeerPage, read: ctx, stack }, testInfo) => {
  test.setTimeout(12 * 60_000)
  const shots = process.env.MLBRIDGE_SCREENSHOTS ?? testInfo.outputPath('screenshots')
  await mkdir(shots, { recursive: true })
  const shot = async (page: Page, name: string): Promise<void> => { await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }) }

  // ------------------------------------------------------------ volunteers switch Contribute on first
  const volunteers = await Promise.all(VOLUNTEERS.map(async () => await openPeerPage()))
  for (const [i, page] of volunteers.entries()) await volunteer(page, VOLUNTEERS[i]!)

  // ------------------------------------------------------------ the creator creates the task in the wizard
  const creator = await openPeerPage()
  await connect(creator, CREATOR)
  const taskId = await createTaskInWizard(creator, { name: NAME, description: 'an MLP on the bundled digits', rounds: ROUNDS, shards: 2, replication: 2, reward: '10', joinWindow: 40 }, async () => {
    await expect(creator.getByTestId('wizard-budget')).toHaveText('181.8 MLB')
    await shot(creator, 'create-task')
  })
  const task = await readTask(ctx, { taskId })
  expect(task.status).toBe('Joining')

  // ------------------------------------------------------------ the volunteers join and train
  for (const page of volunteers) await expect(page.getByTestId('contribute-task')).toHaveText(`#${taskId}`, { timeout: 30_000 })
  await expect(volunteers[0]!.getByTestId('round-timings')).toBeVisible({ timeout: 120_000 })
  await shot(volunteers[0]!, 'contribute')

  // ------------------------------------------------------------ a volunteer reloads its tab right after a commit
  // The switch comes back on by itself and the loop resumes from IndexedDB: a committed result is
  // revealed with the saved salt, so nobody's result goes missing (checked with the reputations below).
  const committed = await Promise.any(volunteers.map(async (page) => {
    await expect(page.getByTestId('contribute-log')).toContainText('commitResult', { timeout: 120_000 })
    return page
  }))
  await committed.reload()
  await expect(committed.getByTestId('contribute-toggle')).toBeChecked()
  await expect(committed.getByTestId('contribute-task')).toHaveText(`#${taskId}`)
  await expect.poll(async () => (await readTask(ctx, { taskId })).status, { timeout: 6 * 60_000, intervals: [2000] }).toBe('Completed')

  // ------------------------------------------------------------ versions: final, chained, better
  const versionIds: bigint[] = []
  let parent = (await readVersion(ctx, { versionId: (await readRound(ctx, { taskId, round: 0 })).versionId })).parent
  const initialVersionId = parent
  for (let round = 0; round < ROUNDS; round++) {
    const { versionId } = await readRound(ctx, { taskId, round })
    const version = await readVersion(ctx, { versionId })
    expect(version).toMatchObject({ status: 'Final', parent, taskId, round: BigInt(round) })
    versionIds.push(versionId)
    parent = versionId
  }
  const last = await readVersion(ctx, { versionId: versionIds.at(-1)! })
  expect(last.accuracyBps).toBeGreaterThanOrEqual(8500)

  // ------------------------------------------------------------ rewards: accepted results x reward, then a claim
  const accepted = await acceptedResults(ctx, taskId)
  for (const account of VOLUNTEERS.map((i) => devAccount(i).address)) {
    expect(await readClaimable(ctx, { account })).toBe(BigInt(accepted.get(account) ?? 0) * REWARD)
    expect(await readReputation(ctx, { account })).toMatchObject({ missed: 0, outvoted: 0 })
  }
  const claimer = volunteers[0]!
  const claimerAddress = devAccount(VOLUNTEERS[0]!).address
  const owed = await readClaimable(ctx, { account: claimerAddress })
  expect(owed).toBeGreaterThan(0n)
  await expect(claimer.getByTestId('claimable')).toHaveAttribute('data-wei', owed.toString())
  const balanceOf = async (): Promise<bigint> => await readTokenBalance(ctx, { account: claimerAddress })
  const before = await balanceOf()
  await claimer.getByTestId('claim').click()
  await expect(claimer.getByTestId('claim-status')).toHaveAttribute('data-phase', 'confirmed')
  await expect(claimer.getByTestId('claimed')).toHaveAttribute('data-wei', owed.toString())
  expect(await balanceOf() - before).toBe(owed)
  await shot(claimer, 'earnings')

  // ------------------------------------------------------------ the time split each volunteer measured
  const timings = await Promise.all(volunteers.map(async (page) => JSON.parse(await page.getByTestId('round-timings').getAttribute('data-timings') ?? '[]') as unknown))
  const split = JSON.stringify(timings, null, 1)
  console.log(`journey: per-round time split (seconds) of each volunteer\n${split}`)
  await writeFile(testInfo.outputPath('round-timings.json'), split)
  for (const page of volunteers) await page.getByTestId('contribute-toggle').uncheck()

  // ------------------------------------------------------------ the creator's view: task, lineage, viewer
  await openRoute(creator, `#/tasks/${taskId}`)
  await expect(creator.getByTestId('task-status')).toHaveText('Completed')
  await expect(creator.getByTestId('task-name')).toHaveText(`${NAME} #${taskId}`)
  // Provenance: the registry's record of the data the task cites, checked on chain against its data hash.
  await expect(creator.getByTestId('task-dataset')).toContainText('MNIST, licence CC-BY-SA-3.0')
  await expect(creator.getByTestId('version-row')).toHaveCount(ROUNDS)
  // How far the accuracy can be trusted: the 1,000 bundled held-out digits score every version.
  await expect(creator.getByTestId('metric-reliability')).toHaveAttribute('data-samples', '1000', { timeout: 30_000 })
  await shot(creator, 'task-detail')
  await openRoute(creator, `#/models/${task.modelId}`)
  // The initial version and each round's final one; a competing proposal that never became final
  // (a slow aggregator's stand-in, under load) is history too and may show beside them.
  for (const id of [initialVersionId, ...versionIds]) await expect(creator.locator(`[data-testid="lineage-node"][data-version-id="${id}"]`)).toHaveCount(1)
  expect(await creator.getByTestId('lineage-node').count()).toBeGreaterThanOrEqual(ROUNDS + 1)
  await shot(creator, 'lineage')

  const initialAccuracy = await heldOutAccuracy(creator, initialVersionId)
  const lastAccuracy = await heldOutAccuracy(creator, versionIds.at(-1)!)
  // The aggregator scored the same 1,000 held-out digits with ONNX Runtime (WASM); so does the viewer.
  expect(lastAccuracy).toBeCloseTo(last.accuracyBps / 10_000, 4)
  expect(lastAccuracy).toBeGreaterThanOrEqual(0.85)
  expect(lastAccuracy).toBeGreaterThan(initialAccuracy)
  await shot(creator, 'viewer')
  console.log(`journey: task ${taskId}, accuracy ${initialAccuracy} -> ${versionIds.length} versions -> ${lastAccuracy}`)

  // ------------------------------------------------------------ the market: found by name, downloaded over the gateway, run
  const lastId = versionIds.at(-1)!
  await creator.getByTestId('nav-models').click()
  await creator.getByTestId('market-search').fill('digits, JOURNEY')
  await expect(creator.getByTestId('models-table').locator('tbody tr')).toHaveCount(1, { timeout: 30_000 })
  await expect(creator.getByTestId(`model-link-${task.modelId}`)).toHaveText(NAME)
  await expect(creator.getByTestId(`model-data-${task.modelId}`)).toHaveText('MNIST, licence CC-BY-SA-3.0')
  await expect(creator.getByTestId(`model-accuracy-${task.modelId}`)).toHaveText(formatBps(last.accuracyBps))
  await shot(creator, 'market')
  // a visitor's first page, with no wallet: the network's figures and its best models
  const visitor = await openPeerPage()
  await openRoute(visitor, '#/')
  await expect(visitor.getByTestId('featured-model').first()).toBeVisible({ timeout: 30_000 })
  await shot(visitor, 'landing')
  await visitor.close()
  const [download] = await Promise.all([creator.waitForEvent('download'), creator.getByTestId(`model-download-${task.modelId}`).click()])
  await expect(creator.getByTestId(`model-download-status-${task.modelId}`)).toHaveAttribute('data-phase', 'done')
  expect(await versionCommitHash(await readFile(await download.path()))).toBe(last.commitHash)
  await creator.getByTestId(`model-run-${task.modelId}`).click()
  await expect(creator).toHaveURL(new RegExp(`#/versions/${lastId}$`))
  await expect(creator.getByTestId('version-model-verified')).toBeVisible({ timeout: 60_000 })
  await creator.getByTestId('viewer-run-heldout').click()
  await expect(creator.getByTestId('viewer-accuracy')).toHaveAttribute('data-accuracy', /\d/, { timeout: 60_000 })
  expect(Number(await creator.getByTestId('viewer-accuracy').getAttribute('data-accuracy'))).toBe(lastAccuracy)

  // ------------------------------------------------------------ trained further: a new task that continues the head
  await creator.getByTestId('nav-models').click()
  await creator.getByTestId('market-search').fill('digits, JOURNEY')
  await creator.getByTestId(`model-continue-${task.modelId}`).click()
  await expect(creator).toHaveURL(new RegExp(`#/versions/${lastId}/continue$`))
  await expect(creator.getByTestId('wizard-continued')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 })
  const continuedId = await submitWizard(creator, { name: `${NAME}, continued`, rounds: 1, shards: 1, replication: 1, reward: '1', joinWindow: 600 })
  const continued = await readTask(ctx, { taskId: continuedId })
  const start = await readVersion(ctx, { versionId: (await readModel(ctx, { modelId: continued.modelId })).head })
  expect(start).toMatchObject({ parent: lastId, modelCid: last.modelCid, commitHash: last.commitHash, status: 'Final' })
  await creator.getByTestId('nav-models').click()
  await creator.getByTestId('market-search').fill('journey, continued')
  await expect(creator.getByTestId(`model-versions-${continued.modelId}`)).toHaveText(`task #${continuedId} from v${lastId}, 1 version`, { timeout: 30_000 })
  // Nobody trains it here: the creator cancels it, so its escrow comes back and no later test's volunteer joins it.
  await openRoute(creator, `#/tasks/${continuedId}`)
  await creator.getByTestId('cancel-task').click()
  await creator.getByTestId('cancel-confirm').click()
  await expect(creator.getByTestId('cancel-refund')).toBeVisible({ timeout: 30_000 })

  // ------------------------------------------------------------ the auditor: every version exact, until one is rewritten
  const passed = await audit(taskId)
  expect(passed.out).toContain(`task ${taskId}: the data and every version re-verified exactly (${ROUNDS + 1} versions)`)
  expect(passed.code).toBe(0)
  const testClient = createTestClient({ mode: 'anvil', transport: http(stack.rpcUrl) })
  // The record rewritten: its content hash names another model than the one its event carries.
  const forged = versionContentHash({ ...storedData(last), commitHash: keccak256(toHex('another model')) })
  const restore = await tamperWord({ publicClient: ctx.publicClient, testClient }, stack.contracts.ModelRegistry!, lastId, last.contentHash, forged)
  try {
    const failed = await audit(taskId)
    expect(failed.out).toContain(`version ${lastId} (round ${ROUNDS}, Final): DIFFERS in content hash`)
    expect(failed.code).toBe(1)
  } finally {
    await restore()
  }

  // ------------------------------------------------------------ the README's API and SDK examples, run as written
  const target = { api: stack.api!, stackFile: process.env.MLBRIDGE_STACK_FILE!, taskId }
  for (const { command, code, out } of await runShellExample(await readmeExample('api'), target)) {
    if (command.includes('/events/stream')) {
      // a stream never ends by itself: the example's curl is cut off by its time limit (exit 28) once it has printed the events so far
      expect(out, command).toContain('event: TaskCompleted\n')
      continue
    }
    expect(code, `${command}\n${out}`).toBe(0)
    expect(JSON.parse(out), command).not.toHaveProperty('error')
  }
  const printed = await runScriptExample(await readmeExample('sdk'), target)
  expect(printed).toContain(`${NAME}: head v${lastId}, accuracy ${last.accuracyBps / 100}%, data MNIST`)
  expect(printed).toMatch(/downloaded and verified \d+ bytes/)
  expect(printed).toContain(`completed { taskId: '${taskId}'`)
})
