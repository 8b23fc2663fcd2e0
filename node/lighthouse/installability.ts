/**
 * Whether Chrome would offer to install the app at a URL. Lighthouse 12 dropped its PWA category,
 * so this asks Chrome itself over the DevTools protocol (`Page.getInstallabilityErrors`, the check
 * behind the install button) and adds what Chrome no longer demands but an offline-capable app
 * needs: a service worker that takes control, and a manifest that parses with icons.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { chromiumArgs } from '../../playwright.config.ts'

export interface Installability {
  installable: boolean
  /** Chrome's own reasons, as `errorId` (with its arguments), then this check's */
  installabilityErrors: string[]
  /** the manifest the page links, as Chrome resolved it; null when it links none */
  manifestUrl: string | null
  /** the icons the manifest lists, `sizes` each */
  iconSizes: string[]
  /** the script of the page's active service worker; null when none became active */
  serviceWorker: string | null
}

/** How long the page's service worker gets to install and activate, by default. */
const SERVICE_WORKER_TIMEOUT_MS = 15_000

interface ManifestIcon { sizes?: unknown }

function manifestIcons (data: string | undefined): ManifestIcon[] {
  if (data === undefined) return []
  try {
    const icons = (JSON.parse(data) as { icons?: unknown }).icons
    return Array.isArray(icons) ? icons as ManifestIcon[] : []
  } catch {
    return []
  }
}

export async function checkInstallability (url: string, { serviceWorkerTimeoutMs = SERVICE_WORKER_TIMEOUT_MS } = {}): Promise<Installability> {
  // A profile on disk: Chrome offers no install in an incognito context, which a bare launch gives.
  const profile = mkdtempSync(join(tmpdir(), 'mlbridge-installability-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs })
  try {
    const page = context.pages()[0] ?? await context.newPage()
    await page.goto(url)
    const serviceWorker = await page.evaluate(async (timeoutMs) => {
      if (!('serviceWorker' in navigator)) return null
      const ready = navigator.serviceWorker.ready.then((registration) => registration.active?.scriptURL ?? null)
      return await Promise.race([ready, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs))])
    }, serviceWorkerTimeoutMs)
    const cdp = await context.newCDPSession(page)
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
    const manifest = await cdp.send('Page.getAppManifest')
    const errors = installabilityErrors.map(({ errorId, errorArguments }) =>
      errorArguments.length === 0 ? errorId : `${errorId} (${errorArguments.map(({ name, value }) => `${name} ${value}`).join(', ')})`)
    errors.push(...manifest.errors.map(({ message }) => `manifest: ${message}`))
    const manifestUrl = manifest.url === '' ? null : manifest.url
    const icons = manifestIcons(manifest.data)
    if (manifestUrl === null) errors.push('no manifest linked')
    else if (icons.length === 0) errors.push('manifest lists no icons')
    if (serviceWorker === null) errors.push(`no service worker active within ${serviceWorkerTimeoutMs / 1000} s`)
    return {
      installable: errors.length === 0,
      installabilityErrors: errors,
      manifestUrl,
      iconSizes: icons.map(({ sizes }) => String(sizes)),
      serviceWorker
    }
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}
