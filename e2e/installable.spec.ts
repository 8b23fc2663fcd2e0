import { checkInstallability } from '../node/lighthouse/installability.ts'
import { expect, test } from './fixtures.ts'

test('@smoke the app that npm start serves links its manifest, registers a service worker and Chrome finds it installable', async ({ peerPage: page, stack }) => {
  await page.goto('/')
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest')

  // Chrome offers no install in an incognito context, which the fixture's page is: the check opens
  // the app in a profile of its own and asks Chrome (Page.getInstallabilityErrors) there.
  const result = await checkInstallability(`${stack.appUrl}/`)
  expect(result.installabilityErrors).toEqual([])
  expect(result.installable).toBe(true)
  expect(result.manifestUrl).toBe(`${stack.appUrl}/manifest.webmanifest`)
  expect(result.iconSizes).toEqual(expect.arrayContaining(['192x192', '512x512']))
  expect(result.serviceWorker).toMatch(new RegExp(`^${stack.appUrl}/`))
})
