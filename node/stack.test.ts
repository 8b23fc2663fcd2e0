import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { assertPortFree, freePort, PortInUseError } from './ports.ts'
import { stackOptionsFromEnv } from './stack.ts'

describe('stackOptionsFromEnv', () => {
  it('uses the documented defaults', () => {
    expect(stackOptionsFromEnv('/repo', {})).toEqual({
      root: '/repo', dataDir: '/repo/.mlbridge', host: '127.0.0.1', rpcPort: 8545, relayPort: 4003, appPort: 5173, metricsPort: 9464, gatewayPort: 4004, indexerPort: 42069, webhooksPort: 4005
    })
  })

  it('reads ports and the data folder from the environment', () => {
    const opts = stackOptionsFromEnv('/repo', { MLBRIDGE_RPC_PORT: '18545', MLBRIDGE_APP_PORT: '15173', MLBRIDGE_DATA_DIR: '/tmp/x' })
    expect(opts).toMatchObject({ rpcPort: 18545, appPort: 15173, relayPort: 4003, dataDir: '/tmp/x' })
    expect(stackOptionsFromEnv('/repo', { MLBRIDGE_METRICS_PORT: '19464' }).metricsPort).toBe(19464)
    expect(stackOptionsFromEnv('/repo', { MLBRIDGE_GATEWAY_PORT: '14004' }).gatewayPort).toBe(14004)
    expect(stackOptionsFromEnv('/repo', { MLBRIDGE_INDEXER_PORT: '12069' }).indexerPort).toBe(12069)
    expect(stackOptionsFromEnv('/repo', { MLBRIDGE_WEBHOOKS_PORT: '14005' }).webhooksPort).toBe(14005)
  })

  it('names the variable when a port is not a port', () => {
    expect(() => stackOptionsFromEnv('/repo', { MLBRIDGE_RELAY_PORT: 'abc' })).toThrow('MLBRIDGE_RELAY_PORT must be a port number')
  })

  it('reads the referee\'s audit rate, a share from 0 to 1', () => {
    expect(stackOptionsFromEnv('/repo', { MLBRIDGE_AUDIT_RATE: '0.25' }).auditRate).toBe(0.25)
    expect(stackOptionsFromEnv('/repo', {}).auditRate).toBeUndefined()
    expect(() => stackOptionsFromEnv('/repo', { MLBRIDGE_AUDIT_RATE: '2' })).toThrow('MLBRIDGE_AUDIT_RATE must be a number from 0 to 1, got "2"')
  })
})

describe('assertPortFree', () => {
  it('passes for a free port and names the port and variable for a busy one', async () => {
    const port = await freePort()
    await expect(assertPortFree('127.0.0.1', port, 'anvil JSON-RPC', 'MLBRIDGE_RPC_PORT')).resolves.toBeUndefined()

    const server = createServer()
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    try {
      const check = assertPortFree('127.0.0.1', port, 'anvil JSON-RPC', 'MLBRIDGE_RPC_PORT')
      await expect(check).rejects.toBeInstanceOf(PortInUseError)
      await expect(check).rejects.toThrow(`Port ${port} (anvil JSON-RPC) is already in use. Stop whatever holds it, or set MLBRIDGE_RPC_PORT to another port.`)
    } finally {
      server.close()
    }
  })
})
