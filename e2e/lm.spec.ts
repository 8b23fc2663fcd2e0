/**
 * The language-model journey, kept short: a creator makes a task on the bundled Moby Dick with
 * the tiny character transformer, three volunteers train it for 3 rounds in their tabs, the
 * held-out loss falls from version to version, and the viewer continues a prompt with the final
 * version in ONNX Runtime Web and in tfjs.
 */
import { expect, test } from './fixtures.ts'
import { connect, createTaskInWizard, openRoute, volunteer } from './volunteer.ts'
import { readRound, readTask, readVersion } from '../src/chain/actions/index.ts'

const ROUNDS = 3
const CREATOR = 1
const VOLUNTEERS = [2, 3, 4]

test('@journey @lm three volunteers train a character transformer on Moby Dick; the loss falls and the viewer writes text', async ({ openPeerPage, read: ctx }) => {
  test.setTimeout(8 * 60_000)
  const volunteers = await Promise.all(VOLUNTEERS.map(async () => await openPeerPage()))
  for (const [i, page] of volunteers.entries()) await volunteer(page, VOLUNTEERS[i]!)

  const creator = await openPeerPage()
  await connect(creator, CREATOR)
  const taskId = await createTaskInWizard(creator, { rounds: ROUNDS, shards: 2, replication: 2, reward: '10', joinWindow: 40 }, async () => {
    await creator.getByTestId('wizard-dataset').selectOption('moby-dick')
    await expect(creator.getByTestId('wizard-template')).toHaveValue('char-transformer')
    await creator.getByTestId('wizard-transformer-preset').selectOption('tiny')
  })
  await expect.poll(async () => (await readTask(ctx, { taskId })).status, { timeout: 6 * 60_000, intervals: [2000] }).toBe('Completed')
  for (const page of volunteers) await page.getByTestId('contribute-toggle').uncheck()

  // The registry's held-out loss (next-character cross-entropy, scored with ONNX Runtime) falls every round.
  const losses: number[] = []
  let lastVersion = 0n
  for (let round = 0; round < ROUNDS; round++) {
    const { versionId } = await readRound(ctx, { taskId, round })
    const version = await readVersion(ctx, { versionId })
    expect(version.status).toBe('Final')
    losses.push(Number(version.loss) / 1e6)
    lastVersion = versionId
  }
  console.log(`lm journey: task ${taskId}, held-out loss by round ${losses.map((l) => l.toFixed(3)).join(' -> ')}`)
  expect(losses[0]).toBeLessThan(Math.log(80))
  for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!)

  await openRoute(creator, `#/tasks/${taskId}`)
  await expect(creator.getByTestId('version-bpc')).toHaveCount(ROUNDS, { timeout: 60_000 })

  // The viewer continues a prompt with the final version, in both runtimes.
  await openRoute(creator, `#/versions/${lastVersion}`)
  await expect(creator.getByTestId('version-model-verified')).toBeVisible({ timeout: 60_000 })
  await creator.getByTestId('viewer-prompt').fill('Call me ')
  await creator.getByTestId('viewer-length').fill('40')
  for (const runtime of ['onnx', 'tfjs']) {
    await creator.getByTestId('viewer-runtime').selectOption(runtime)
    await creator.getByTestId('viewer-generate').click()
    const out = creator.getByTestId('viewer-generated')
    await expect(out).toHaveAttribute('data-runtime', runtime, { timeout: 60_000 })
    const text = await out.textContent() ?? ''
    expect(text.startsWith('Call me ')).toBe(true)
    expect([...text]).toHaveLength('Call me '.length + 40)
  }
})
