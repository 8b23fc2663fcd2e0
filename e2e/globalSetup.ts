import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../node/ports.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const READY_TIMEOUT_MS = 180_000

/**
 * Starts the real stack exactly as `npm start` does, on free ports and in a fresh data folder, and
 * hands its stack.json to the tests through MLBRIDGE_STACK_FILE.
 */
export default async function globalSetup (): Promise<() => Promise<void>> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    throw new Error(`Chromium not found at ${chromium}: install it with 'apt-get install -y chromium' (Debian) or set CHROMIUM_PATH to a Chromium binary.`)
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'mlbridge-e2e-'))
  const env = {
    ...process.env,
    MLBRIDGE_DATA_DIR: dataDir,
    MLBRIDGE_RPC_PORT: String(await freePort()),
    MLBRIDGE_RELAY_PORT: String(await freePort()),
    MLBRIDGE_APP_PORT: String(await freePort()),
    MLBRIDGE_METRICS_PORT: String(await freePort()),
    MLBRIDGE_GATEWAY_PORT: String(await freePort()),
    MLBRIDGE_INDEXER_PORT: String(await freePort()),
    MLBRIDGE_WEBHOOKS_PORT: String(await freePort()),
    // The referee audits nothing here, so the @dispute journey shows a volunteer's challenge catching a cheat.
    MLBRIDGE_AUDIT_RATE: '0'
  }
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['--import', './node/polyfills.ts', 'node/start.ts'], {
    cwd: root, env, stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('ML Bridge ready')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`stack exited before it was ready:\n${output}`))
    })
  })
  const stackFile = join(dataDir, 'stack.json')
  process.env.MLBRIDGE_STACK_FILE = stackFile
  console.log(`e2e stack: ${JSON.parse(readFileSync(stackFile, 'utf8')).appUrl as string}`)

  return async () => {
    child.kill('SIGINT')
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(killer)
    rmSync(dataDir, { recursive: true, force: true })
  }
}
