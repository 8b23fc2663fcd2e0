/** Node: the bundled corpus straight from public/, no server needed. */
import { readFile } from 'node:fs/promises'
import { CORPUS_ASSET_PATH, corpusFromAsset } from './corpus.ts'

export async function loadCorpusFromDisk (): Promise<string> {
  return await corpusFromAsset(new Uint8Array(await readFile(new URL(`../../../public/${CORPUS_ASSET_PATH}`, import.meta.url))))
}
