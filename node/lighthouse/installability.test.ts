import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { checkInstallability } from './installability.ts'
import { startPreview } from './preview.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

const MANIFEST = {
  name: 'Probe', short_name: 'Probe', start_url: '/', display: 'standalone',
  icons: [{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' }, { src: 'icon-512.png', sizes: '512x512', type: 'image/png' }]
}

/** A tiny static site: a page, and as asked a manifest with the app's icons and a service worker. */
async function serveSite (opts: { manifest: boolean, serviceWorker: boolean }): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), 'mlbridge-installable-'))
  const dir = join(project, 'site')
  mkdirSync(dir)
  const head = opts.manifest ? '<link rel="manifest" href="/manifest.webmanifest">' : ''
  const register = opts.serviceWorker ? '<script src="/register.js"></script>' : ''
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Probe</title>${head}</head><body><p>probe</p>${register}</body></html>`)
  if (opts.manifest) {
    writeFileSync(join(dir, 'manifest.webmanifest'), JSON.stringify(MANIFEST))
    for (const icon of ['icon-192.png', 'icon-512.png']) copyFileSync(join(root, 'public', icon), join(dir, icon))
  }
  if (opts.serviceWorker) {
    writeFileSync(join(dir, 'register.js'), "navigator.serviceWorker.register('/sw.js')")
    writeFileSync(join(dir, 'sw.js'), "self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)))")
  }
  const preview = await startPreview({ root: project, outDir: dir, projectConfig: false })
  cleanups.push(async () => {
    await preview.stop()
    rmSync(project, { recursive: true, force: true })
  })
  return `${preview.url}/`
}

describe('checkInstallability', { timeout: 60_000 }, () => {
  it('passes a page with a manifest, its icons and a service worker', async () => {
    const result = await checkInstallability(await serveSite({ manifest: true, serviceWorker: true }))
    expect(result.installabilityErrors).toEqual([])
    expect(result.installable).toBe(true)
    expect(result.manifestUrl).toMatch(/\/manifest\.webmanifest$/)
    expect(result.iconSizes).toEqual(['192x192', '512x512'])
    expect(result.serviceWorker).toMatch(/\/sw\.js$/)
  })

  it('fails a page that links no manifest', async () => {
    const result = await checkInstallability(await serveSite({ manifest: false, serviceWorker: true }))
    expect(result.installable).toBe(false)
    expect(result.manifestUrl).toBeNull()
    expect(result.installabilityErrors).toContain('no manifest linked')
  })

  it('fails a page without a service worker', async () => {
    const result = await checkInstallability(await serveSite({ manifest: true, serviceWorker: false }), { serviceWorkerTimeoutMs: 2000 })
    expect(result.installable).toBe(false)
    expect(result.serviceWorker).toBeNull()
    expect(result.installabilityErrors.some((error) => error.includes('service worker'))).toBe(true)
  })
})
