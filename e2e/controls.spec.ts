import { cancelTask, readIsProvider, readTask } from '../src/chain/actions/index.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { devContext } from './devAccounts.ts'
import { expect, test } from './fixtures.ts'
import { connect, createTaskInWizard } from './volunteer.ts'

const CREATOR = 1
const VOLUNTEER = 7

/**
 * The volunteer's controls gate the provider in the page: switched off on this device, Contribute
 * runs but the provider picks no task while one is open for joining, and says why; switched on
 * again, it takes the task at once. The page is real Chromium with the real stack behind it.
 */
test('@ux volunteer controls pause and resume the worker', async ({ openPeerPage, read, stack }) => {
  test.setTimeout(180_000)
  const [page, creator] = await Promise.all([openPeerPage(), openPeerPage()])
  // The creator publishes a task meanwhile: it opens for joining while the volunteer is paused.
  const created = (async () => {
    await connect(creator, CREATOR)
    return await createTaskInWizard(creator, { rounds: 1, shards: 1, replication: 1, reward: '10', joinWindow: 60 })
  })()

  await page.goto('/#/contribute')
  await page.getByTestId('controls-device').uncheck()
  await expect(page.getByTestId('controls-status')).toHaveAttribute('data-allowed', 'false')
  await expect(page.getByTestId('controls-status')).toContainText('Paused: contributing is off on this device')
  // The settings live in this browser: a fresh load keeps them.
  await connect(page, VOLUNTEER)
  await expect(page.getByTestId('controls-device')).not.toBeChecked()
  await page.getByTestId('backend-select').selectOption('wasm')
  await page.getByTestId('contribute-toggle').check()
  await expect(page.getByTestId('provider-phase')).toHaveAttribute('data-phase', 'paused', { timeout: 60_000 })
  await expect(page.getByTestId('provider-detail')).toHaveText('Paused: contributing is off on this device')

  const taskId = await created
  try {
    // The host looks every 3 s: two looks after the task opened, it is still not taken.
    await page.waitForTimeout(6000)
    await expect(page.getByTestId('provider-phase')).toHaveAttribute('data-phase', 'paused')
    await expect(page.getByTestId('contribute-task')).toHaveText('none')
    expect(await readIsProvider(read, { taskId, account: devAccount(VOLUNTEER).address })).toBe(false)

    await page.getByTestId('controls-device').check()
    await expect(page.getByTestId('controls-status')).toHaveAttribute('data-allowed', 'true')
    await expect(page.getByTestId('contribute-task')).toHaveText(`#${taskId}`, { timeout: 30_000 })
    await expect.poll(async () => await readIsProvider(read, { taskId, account: devAccount(VOLUNTEER).address }), { timeout: 30_000, intervals: [1000] }).toBe(true)
    await expect(page.getByTestId('provider-phase')).not.toHaveAttribute('data-phase', 'paused')
  } finally {
    // A task left open would be taken by the volunteers of the specs that run next.
    if ((await readTask(read, { taskId })).status === 'Joining') await cancelTask(devContext(stack, CREATOR), { taskId })
  }
})
