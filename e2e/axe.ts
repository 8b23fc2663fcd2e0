import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect } from './fixtures.ts'

/** Runs axe-core on the page as it is: what axe rates serious or critical fails the test, each named with where it is. */
export async function expectAccessible (page: Page, name: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  // soft: every page is scanned and reported, not only the first that fails
  expect.soft(serious.map((v) => `${v.id} (${v.impact}): ${v.help}, at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`), `axe on ${name}`).toEqual([])
}
