import type { Page } from '@playwright/test'
import { devAccount } from '../src/chain/devAccounts.ts'
import { expect } from './fixtures.ts'

/** Connects dev account `account` on a fresh load of the Contribute page and takes MLB from the faucet. */
export async function connect (page: Page, account: number): Promise<void> {
  await page.goto('/#/contribute')
  await page.getByTestId('dev-account').selectOption(String(account))
  await page.getByTestId('connect-dev').click()
  await expect(page.getByTestId('address')).toHaveText(devAccount(account).address)
  await page.getByTestId('faucet').click()
  await expect(page.getByTestId('faucet-status')).toHaveAttribute('data-phase', 'confirmed')
}

/** Connects, trains on WASM (one backend keeps replicas within tolerance of each other) and switches Contribute on. */
export async function volunteer (page: Page, account: number): Promise<void> {
  await connect(page, account)
  await page.getByTestId('backend-select').selectOption('wasm')
  await page.getByTestId('contribute-toggle').check()
  await expect(page.getByTestId('provider-detail')).toContainText('no task is open for joining')
}

/** Creates a task in the wizard and returns its ID. */
/**
 * Opens an app page by its hash route (`#/tasks/3`) and waits until the app shows it: a hash
 * change is handled after `goto` returns, and while a page's code loads React keeps the previous
 * page in the DOM, hidden, behind the loading line.
 */
export async function openRoute (page: Page, hash: `#/${string}`): Promise<void> {
  await page.goto(`/${hash}`)
  await expect(page.locator(`main[data-route="${hash}"]`)).toBeVisible()
  await expect(page.getByTestId('page-loading')).toHaveCount(0, { timeout: 60_000 })
}

/** The version page's viewer scoring the version on the bundled held-out MNIST digits (ONNX Runtime, WASM): its accuracy. */
export async function heldOutAccuracy (page: Page, versionId: bigint): Promise<number> {
  await openRoute(page, `#/versions/${versionId}`)
  await expect(page.getByTestId('version-model-verified')).toBeVisible({ timeout: 60_000 })
  await page.getByTestId('viewer-run-heldout').click()
  const accuracy = page.getByTestId('viewer-accuracy')
  await expect(accuracy).toHaveAttribute('data-accuracy', /\d/, { timeout: 60_000 })
  return Number(await accuracy.getAttribute('data-accuracy'))
}

export interface WizardTask { name?: string, description?: string, rounds: number, shards: number, replication: number, reward: string, joinWindow: number }

export async function createTaskInWizard (creator: Page, task: WizardTask, before?: () => Promise<void>): Promise<bigint> {
  await creator.getByTestId('nav-tasks').click()
  await creator.getByTestId('create-task').click()
  return await submitWizard(creator, task, before)
}

/** Fills the open wizard's settings, publishes and creates the task: its id. */
export async function submitWizard (creator: Page, task: WizardTask, before?: () => Promise<void>): Promise<bigint> {
  if (task.name !== undefined) await creator.getByTestId('wizard-name').fill(task.name)
  if (task.description !== undefined) await creator.getByTestId('wizard-description').fill(task.description)
  await creator.getByTestId('wizard-rounds').fill(String(task.rounds))
  await creator.getByTestId('wizard-shards').fill(String(task.shards))
  await creator.getByTestId('wizard-replication').fill(String(task.replication))
  await creator.getByTestId('wizard-reward').fill(task.reward)
  await creator.getByTestId('wizard-join-window').fill(String(task.joinWindow))
  await before?.()
  // Enter on the focused button, not a click at its coordinates: a full-page screenshot in
  // `before` leaves the viewport scrolling back, and a click aimed before that lands on the form.
  await creator.getByTestId('wizard-submit').press('Enter')
  await expect(creator.getByTestId('wizard-create-status')).toHaveAttribute('data-phase', 'confirmed', { timeout: 60_000 })
  // The data is registered (or found registered) before the task, and the task cites it.
  await expect(creator.getByTestId('wizard-register-status')).toHaveAttribute('data-phase', /^(confirmed|skipped)$/)
  await expect(creator.getByTestId('wizard-cite-status')).toHaveAttribute('data-phase', 'confirmed', { timeout: 30_000 })
  return BigInt((await creator.getByTestId('created-task').getAttribute('data-task-id'))!)
}
