import { readClaimable, readTask, readTaskCreation } from '../src/chain/actions/index.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { expect, test } from './fixtures.ts'
import { connect, createTaskInWizard, openRoute } from './volunteer.ts'

const CREATOR = 2
const JOIN_WINDOW_S = 20

/**
 * A task nobody joins: the list and its page say so in the same words while it waits, call it
 * Expired once its window closes, and one click ends it and refunds the whole escrow to its creator
 * (real Chromium, the real stack; no provider runs while this spec does).
 */
test('@ux an unjoined task expires and refunds its escrow', async ({ openPeerPage, read }) => {
  test.setTimeout(150_000)
  const creator = await openPeerPage()
  await connect(creator, CREATOR)
  const account = devAccount(CREATOR).address
  const taskId = await createTaskInWizard(creator, { name: 'Nobody comes', rounds: 2, shards: 1, replication: 2, reward: '3', joinWindow: JOIN_WINDOW_S })
  const { escrow } = await readTaskCreation(read, { taskId })
  const claimableBefore = await readClaimable(read, { account })

  await openRoute(creator, `#/tasks/${taskId}`)
  await expect(creator.getByTestId('task-status')).toHaveText('Joining')
  await expect(creator.getByTestId('task-providers')).toHaveText('0 joined, 2 needed')
  await expect(creator.getByTestId('task-round')).toHaveText('not started')
  await expect(creator.getByTestId('end-expired')).toHaveCount(0)

  // The page refreshes every 2 s: once the window has closed it offers the refund.
  await expect(creator.getByTestId('task-status')).toHaveText('Expired', { timeout: (JOIN_WINDOW_S + 30) * 1000 })
  await expect(creator.getByTestId('task-phase')).toContainText('The join window closed with 0 of the 2 providers')
  // The list reads the indexer's row the same way.
  await openRoute(creator, '#/tasks')
  const row = creator.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`)
  await expect(row.getByTestId('task-status')).toHaveText('Expired', { timeout: 30_000 })
  await expect(row.getByTestId('task-providers')).toHaveText('0 joined, 2 needed')
  await expect(row.getByTestId('task-round')).toHaveText('not started')

  await openRoute(creator, `#/tasks/${taskId}`)
  await creator.getByTestId('end-expired').click()
  await expect(creator.getByTestId('end-expired-status')).toHaveAttribute('data-phase', 'confirmed', { timeout: 30_000 })
  await expect(creator.getByTestId('end-expired-refund')).toContainText('Refunded')
  expect((await readTask(read, { taskId })).status).toBe('Cancelled')
  expect(await readClaimable(read, { account }) - claimableBefore).toBe(escrow)
  // the page's history comes from the indexer, which trails the chain by a block or so
  await expect(creator.getByTestId('task-phase')).toContainText('never started', { timeout: 30_000 })
  await expect(creator.getByTestId('task-status')).toHaveText('Expired')
  await expect(creator.getByTestId('end-expired')).toHaveCount(0)
  // Ended, the list still tells it from a cancel: the indexer keeps why it closed.
  await openRoute(creator, '#/tasks')
  await expect(row.getByTestId('task-status')).toHaveText('Expired')
  await expect(row.getByTestId('task-status')).toHaveAttribute('title', /never started/, { timeout: 30_000 })
})
