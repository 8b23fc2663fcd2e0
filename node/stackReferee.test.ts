/**
 * `npm start`'s referee is a process of its own: the whole stack started as start.ts starts it,
 * on free ports, and its referee found apart from this process, counted on the stack's metrics
 * endpoint, and gone once the stack stops.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { freePort } from './ports.ts'
import { startStack, type Stack } from './stack.ts'
import { processAlive as alive } from './testing/processAlive.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'mlbridge-stack-referee-'))
let stack: Stack | undefined

afterAll(async () => {
  await stack?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('runs the referee in a process of its own, counts it on the metrics endpoint and stops it with the stack', async () => {
  stack = await startStack({
    root, dataDir, host: '127.0.0.1', rpcPort: await freePort(), relayPort: await freePort(), appPort: await freePort(), metricsPort: await freePort(),
    gatewayPort: await freePort(), indexerPort: await freePort(), webhooksPort: await freePort(), auditRate: 0
  })
  const pid = stack.referee.pid()
  expect(pid).toBeDefined()
  expect(pid).not.toBe(process.pid)
  expect(alive(pid!)).toBe(true)
  const metrics = await (await fetch(`${stack.info.metricsUrl!.replace(/\/metrics$/, '')}/metrics.json`)).json() as Record<string, unknown>
  expect(metrics.referee).toMatchObject({ disputes: 0, failures: 0, reexecutions: { count: 0 } })

  await stack.stop()
  stack = undefined
  expect(alive(pid!)).toBe(false)
}, 240_000)
