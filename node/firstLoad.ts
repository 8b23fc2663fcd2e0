/**
 * The part of a build a visitor loads before acting: each entry and everything it imports
 * statically (Vite modulepreloads those), with their styles. Lazy chunks are left out: they load
 * when a page or feature first needs them. Read from the manifest `vite build` writes
 * (`build.manifest`); the size budget measures this set and the service worker precaches it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ManifestChunk { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] }
export type Manifest = Record<string, ManifestChunk>

export function readManifest (dist: string): Manifest {
  try {
    return JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Manifest
  } catch (error) {
    throw new Error(`No build manifest in ${dist}: run \`npm run build\` first`, { cause: error })
  }
}

/** Paths, relative to the build folder, of the files the entries load eagerly. */
export function firstLoadFiles (manifest: Manifest): string[] {
  const eager = new Map<string, ManifestChunk>()
  const visit = (key: string): void => {
    if (eager.has(key)) return
    const chunk = manifest[key]
    if (chunk === undefined) throw new Error(`build manifest lacks ${key}`)
    eager.set(key, chunk)
    chunk.imports?.forEach(visit)
  }
  Object.entries(manifest).filter(([, chunk]) => chunk.isEntry === true).forEach(([key]) => { visit(key) })
  return [...new Set([...eager.values()].flatMap((chunk) => [chunk.file, ...(chunk.css ?? [])]))]
}
