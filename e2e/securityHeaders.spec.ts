import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { devAccount } from '../src/chain/devAccounts.ts'
import { expect, test } from './fixtures.ts'

/** `directive source…; …` as a map, so a test can ask what one directive allows. */
function directivesOf (policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter(([name]) => name !== '')
    .map(([name, ...sources]) => [name!.toLowerCase(), sources]))
}

/** Collects every violation the page reports, from before its first script runs. */
async function recordViolations (page: Page): Promise<() => Promise<string[]>> {
  const consoleErrors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) consoleErrors.push(message.text())
  })
  await page.addInitScript(() => {
    const seen: string[] = []
    Object.defineProperty(window, '__cspViolations', { value: seen })
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`)
    })
  })
  return async () => [...await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), ...consoleErrors]
}

test('@smoke the app is served with a strict Content-Security-Policy and renders, reaches the chain and the relay without a violation', async ({ peerPage: page, stack }) => {
  const violations = await recordViolations(page)
  const response = await page.goto('/')
  const headers = response!.headers()
  const policy = directivesOf(headers['content-security-policy'] ?? '')

  expect(policy.get('default-src')).toEqual(["'self'"])
  const scripts = policy.get('script-src') ?? []
  expect(scripts).toContain("'self'")
  expect(scripts).toContain("'wasm-unsafe-eval'")
  expect(scripts).not.toContain("'unsafe-inline'")
  expect(scripts).not.toContain("'unsafe-eval'")
  // The dev server's own inline scripts (React Fast Refresh) carry a nonce drawn per response.
  expect(scripts.filter((s) => s.startsWith("'nonce-"))).toHaveLength(1)
  expect(policy.get('style-src')).not.toContain("'unsafe-inline'")
  expect(policy.get('object-src')).toEqual(["'none'"])
  expect(policy.get('base-uri')).toEqual(["'self'"])
  expect(policy.get('frame-ancestors')).toEqual(["'none'"])
  expect(policy.get('connect-src')).toContain(new URL(stack.rpcUrl).origin)
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('no-referrer')

  // Rendering, the RPC (balance) and the relay's WebSocket all run under the policy.
  await expect(page.getByRole('heading', { name: 'ML Bridge' })).toBeVisible()
  await page.getByTestId('dev-account').selectOption('5')
  await page.getByTestId('connect-dev').click()
  await expect(page.getByTestId('address')).toHaveText(devAccount(5).address)
  await expect(page.getByTestId('mlb-balance')).toHaveText(/\d/)
  // Each section loads its own styles, which the dev server injects as nonce-stamped <style> tags.
  for (const section of ['tasks', 'models', 'contribute']) {
    await page.getByTestId(`nav-${section}`).click()
    await expect(page.locator(`main[data-page="${section}"]`)).toBeVisible()
  }
  // the Contribute page starts the peer node
  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-connected', 'true')
  expect(await violations()).toEqual([])

  const again = await page.request.get('/')
  expect(directivesOf(again.headers()['content-security-policy'] ?? '').get('script-src')).not.toEqual(scripts)
})

test('@smoke attack: a script injected into the page does not run', async ({ peerPage: page }) => {
  const violations = await recordViolations(page)
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'ML Bridge' })).toBeVisible()
  await page.evaluate(() => {
    const injected = document.createElement('script')
    injected.textContent = 'window.__injected = true'
    document.body.append(injected)
    const handler = document.createElement('img')
    handler.setAttribute('onerror', 'window.__injected = true')
    handler.src = '/no-such-image.png'
    document.body.append(handler)
  })
  // The handler is refused once the image fails, which waits for the service worker to pass the
  // request on: by then both have been refused, and neither ran.
  await expect.poll(async () => (await violations()).filter((v) => v.startsWith('script-src'))).toHaveLength(2)
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true)).toBe(false)
})

test('@smoke attack: a page from another origin cannot frame the app', async ({ peerPage: page, stack }) => {
  // A real loopback server: a page the test fulfilled itself would count as a public address, and
  // Chromium would refuse it a loopback frame for that reason alone.
  const attacker = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html')
    res.end(`<!doctype html><iframe src="${stack.appUrl}/" width="800" height="600"></iframe>`)
  })
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
  try {
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`)
    const framed = page.frames().find((frame) => frame !== page.mainFrame())
    expect(framed).toBeDefined()
    await expect.poll(() => framed!.url()).toMatch(/^chrome-error:/)
    await expect(page.frameLocator('iframe').getByRole('heading', { name: 'ML Bridge' })).toHaveCount(0)
  } finally {
    attacker.close()
  }
})
