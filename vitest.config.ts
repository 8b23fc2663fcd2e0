import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'node/**/*.test.ts', 'workers/**/*.test.ts'],
    setupFiles: ['./node/polyfills.ts']
  }
})
