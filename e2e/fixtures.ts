import { readFileSync } from 'node:fs'
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import { createPublicClient, http, type PublicClient } from 'viem'
import type { ReadContext } from '../src/chain/actions/index.ts'
import { deploymentOf } from '../src/chain/contracts.ts'
import { parseStackInfo, type StackInfo } from '../src/core/networkConfig.ts'

interface Fixtures {
  stack: StackInfo
  /** Chain reads through the protocol's actions, on the stack's RPC. */
  read: ReadContext
  /** A page in its own browser context, so it is its own libp2p peer with its own IndexedDB. */
  peerPage: Page
  /** Opens one more peer page (own browser context, microphone granted); closed after the test. */
  openPeerPage: () => Promise<Page>
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => {
    const file = process.env.MLBRIDGE_STACK_FILE
    if (file === undefined) throw new Error('MLBRIDGE_STACK_FILE is not set: run the e2e suite through playwright.config.ts')
    await use(parseStackInfo(JSON.parse(readFileSync(file, 'utf8')), file))
  },
  read: async ({ stack }, use) => {
    await use({ publicClient: createPublicClient({ transport: http(stack.rpcUrl) }) as PublicClient, ...deploymentOf(stack) })
  },
  peerPage: async ({ browser, stack }, use) => {
    const context = await browser.newContext({ baseURL: stack.appUrl })
    // Chromium offers loopback ICE candidates only to pages with a media permission.
    await context.grantPermissions(['microphone'], { origin: stack.appUrl })
    const page = await context.newPage()
    await use(page)
    await context.close()
  },
  openPeerPage: async ({ browser, stack }, use) => {
    const contexts: BrowserContext[] = []
    await use(async () => {
      const context = await browser.newContext({ baseURL: stack.appUrl })
      contexts.push(context)
      await context.grantPermissions(['microphone'], { origin: stack.appUrl })
      return await context.newPage()
    })
    await Promise.all(contexts.map(async (c) => { await c.close() }))
  }
})

export { expect }
