import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'node/**/*.test.ts', 'workers/**/*.test.ts', 'indexer/**/*.test.ts'],
    setupFiles: ['./node/polyfills.ts'],
    globalSetup: ['./node/testing/compileContracts.ts'],
    // The services' JSON lines are for operators; tests that check them capture them with their own writer.
    env: { MLBRIDGE_LOG_LEVEL: 'error' }
  }
})
