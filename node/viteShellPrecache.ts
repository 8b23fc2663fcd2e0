import { resolve } from 'node:path'
import type { Plugin } from 'vite'
import { firstLoadFiles, readManifest } from './firstLoad.ts'

/**
 * Precaching the shell only: `transform` is a workbox manifest transform that keeps the files
 * outside assets/ (index.html, icons, the web manifest) and, inside it, the build's first load;
 * `plugin` learns which folder the build writes to, so the transform reads that build's manifest.
 */
export function shellPrecache (): {
  plugin: Plugin
  transform: <T extends { url: string }>(entries: T[]) => Promise<{ manifest: T[] }>
} {
  let outDir = 'dist'
  let building = false
  return {
    plugin: {
      name: 'mlbridge-shell-precache',
      configResolved (config) {
        outDir = resolve(config.root, config.build.outDir)
        building = config.command === 'build'
      }
    },
    transform: async (entries) => {
      // The dev server's service worker precaches none of a build (there may be none yet).
      if (!building) return { manifest: entries }
      const shell = new Set(firstLoadFiles(readManifest(outDir)))
      return { manifest: entries.filter(({ url }) => !url.startsWith('assets/') || shell.has(url)) }
    }
  }
}
