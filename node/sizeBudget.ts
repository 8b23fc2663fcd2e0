/**
 * First-load budget: the gzipped JavaScript a visitor downloads before acting (see firstLoad.ts).
 * Exits 1 over budget.
 *
 *   npm run build && npm run size
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { firstLoadFiles, readManifest } from './firstLoad.ts'

// kB of 1000 bytes, as Vite reports them
const BUDGET_KB = 350

const dist = fileURLToPath(new URL('../dist', import.meta.url))
const sizes = firstLoadFiles(readManifest(dist)).filter((file) => file.endsWith('.js'))
  .map((file) => ({ file, gzip: gzipSync(readFileSync(join(dist, file)), { level: 9 }).length }))
  .sort((a, b) => b.gzip - a.gzip)
for (const { file, gzip } of sizes) console.log(`${(gzip / 1000).toFixed(1).padStart(8)} kB  ${file}`)
const totalKb = sizes.reduce((sum, { gzip }) => sum + gzip, 0) / 1000
console.log(`first load: ${totalKb.toFixed(1)} kB of gzipped JavaScript, ${totalKb <= BUDGET_KB ? 'within' : 'OVER'} the ${BUDGET_KB} kB budget`)
if (totalKb > BUDGET_KB) process.exit(1)
