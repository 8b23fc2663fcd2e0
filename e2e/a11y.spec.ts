import { cancelTask, readModel, readTask } from '../src/chain/actions/index.ts'
import { landingFigures, UNKNOWN } from '../src/app/landing/figures.ts'
import { createClient } from '../src/sdk/index.ts'
import { expectAccessible } from './axe.ts'
import { devContext } from './devAccounts.ts'
import { expect, test } from './fixtures.ts'
import { connect, createTaskInWizard, openRoute } from './volunteer.ts'

/**
 * Every page through axe-core, as a visitor and as a creator, on the stack's real data: a task
 * created in the wizard gives the task, model and version pages (and the viewer) something to
 * show (the viewer of a table model is scanned by viewer.spec.ts).
 */
/** the dev account that creates the task the pages show */
const CREATOR = 7

test('@ux a visitor without a wallet sees what the network is, its live figures from the API and the way to contribute', async ({ peerPage: page, stack }) => {
  const api = createClient({ api: stack.api! })
  await openRoute(page, '#/')
  await expect(page.getByTestId('connect-dev')).toBeVisible()
  await expect(page.getByTestId('landing-summary')).toContainText('volunteers train in their browsers')
  await expect(page.getByTestId('landing-figures')).toHaveAttribute('data-state', 'ready')
  // the figures are the API's (other specs' work may move them: read both until they agree)
  await expect.poll(async () => {
    const expected = landingFigures(await api.stats()).map((f) => f.value).join(' | ')
    const shown = (await page.locator('[data-testid^="figure-"]').allTextContents()).join(' | ')
    return shown === expected ? 'agree' : `shown ${shown}, API ${expected}`
  }, { timeout: 30_000 }).toBe('agree')
  await expect(page.locator('[data-testid^="figure-"]', { hasText: UNKNOWN })).toHaveCount(0)
  await page.getByTestId('start-contributing').click()
  await expect(page.locator('main[data-page="contribute"]')).toBeVisible()
})

test('@ux @a11y axe finds no serious or critical violation on any page', async ({ peerPage: page, read, stack }) => {
  test.setTimeout(4 * 60_000)
  // as a visitor
  await openRoute(page, '#/')
  await expect(page.getByTestId('landing-figures')).toHaveAttribute('data-state', 'ready')
  await expectAccessible(page, 'the landing page')
  await openRoute(page, '#/tasks')
  await expectAccessible(page, 'the task list')
  await openRoute(page, '#/models')
  await expectAccessible(page, 'the market')

  // as a creator: the wizard, filled, then publishing; then the pages of what it created
  await connect(page, CREATOR)
  await expectAccessible(page, 'the contribute page')
  const taskId = await createTaskInWizard(page, { name: 'Accessible digits', rounds: 1, shards: 1, replication: 1, reward: '1', joinWindow: 600 }, async () => {
    await expectAccessible(page, 'the new task wizard')
  })
  try {
    await expectAccessible(page, 'the wizard after publishing')
    const { modelId } = await readTask(read, { taskId })
    const { head } = await readModel(read, { modelId })

    await openRoute(page, `#/tasks/${taskId}`)
    await expect(page.getByTestId('task-header')).toBeVisible()
    await expect(page.getByTestId('event-log').locator('li').first()).toBeVisible()
    await expectAccessible(page, 'the task page')
    // the event log scrolls: it is in the Tab order, so a keyboard user can reach and scroll it
    const log = page.getByRole('region', { name: 'Events, newest first' })
    await expect(log).toHaveAttribute('tabindex', '0')
    await log.focus()
    await page.keyboard.press('End')
    await expect(log).toBeFocused()

    await openRoute(page, `#/models/${modelId}`)
    await expect(page.getByTestId('lineage-graph')).toBeVisible()
    await expectAccessible(page, 'the model page')
    await openRoute(page, `#/versions/${head}`)
    await expect(page.getByTestId('viewer')).toBeVisible({ timeout: 60_000 })
    await expectAccessible(page, 'the version page and its viewer')
    await openRoute(page, `#/versions/${head}/continue`)
    await expect(page.getByTestId('wizard')).toBeVisible()
    await expectAccessible(page, 'the wizard continuing a version')
    await openRoute(page, '#/models')
    await expect(page.getByTestId('models-table')).toBeVisible()
    await expectAccessible(page, 'the market with a model')
    await openRoute(page, '#/tasks')
    await expect(page.getByTestId('tasks-table')).toBeVisible()
    await expectAccessible(page, 'the task list with a task')
  } finally {
    // the task was only there to be looked at: the volunteers of the specs that follow must not join it
    await cancelTask(devContext(stack, CREATOR), { taskId })
  }
})
