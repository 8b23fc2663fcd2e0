/**
 * What the browser benchmarks share: the app served by an in-process Vite dev server and one page
 * of headless Chromium on it (the e2e flags: WebGPU on SwiftShader, or the machine's own adapter
 * with `gpu`), whose errors are logged. The page imports the benchmark's own module.
 */
import { chromium, type Page } from '@playwright/test'
import { createServer } from 'vite'
import { chromiumArgs } from '../../playwright.config.ts'
import { freePort } from '../ports.ts'

export async function withBenchPage<T> (opts: { log: (line: string) => void, gpu?: boolean }, use: (page: Page) => Promise<T>): Promise<T> {
  const args = opts.gpu === true ? chromiumArgs.filter((a) => !a.startsWith('--use-webgpu-adapter')) : chromiumArgs
  const port = await freePort()
  const server = await createServer({ server: { port, strictPort: true, host: 'localhost' }, logLevel: 'warn' })
  await server.listen()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args })
  try {
    const page = await browser.newPage()
    page.on('console', (message) => {
      // The browser asks every document's origin for a favicon; the app has none at that path.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) opts.log(`page: ${message.text()} ${message.location().url}`)
    })
    page.on('response', (response) => { if (response.status() >= 400) opts.log(`page: HTTP ${response.status()} ${response.url()}`) })
    // Any document from the dev server will do: the bench imports its own module.
    await page.goto(`http://localhost:${port}/icon.svg`)
    return await use(page)
  } finally {
    await browser.close()
    await server.close()
  }
}
