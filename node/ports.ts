import { createServer } from 'node:net'
import { MLBridgeError } from '../src/core/errors.ts'

export class PortInUseError extends MLBridgeError {
  override name = 'PortInUseError'
  constructor (readonly port: number, readonly service: string, readonly envVar: string) {
    super('PORT_IN_USE', `Port ${port} (${service}) is already in use. Stop whatever holds it, or set ${envVar} to another port.`)
  }
}

/** Checks before starting anything, so a busy port fails fast with a message naming the fix. */
export async function assertPortFree (host: string, port: number, service: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, service, envVar) : error)
    })
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()))
  })
}

/** A port the OS says is free right now (tests start several stacks side by side). */
export async function freePort (host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
