import { defineConfig } from '@playwright/test'

/**
 * Real Chromium from the OS (Playwright's own browser download is not available here), with
 * WebGPU on SwiftShader and loopback WebRTC allowed. Background networking is off so the browser
 * itself never reaches beyond loopback.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
  '--allow-loopback-in-peer-connection',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan'
]

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './e2e/globalSetup.ts',
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  }
})
