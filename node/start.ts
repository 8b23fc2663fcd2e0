/**
 * `npm start`: the whole local stack in one command. Prints one line starting `ML Bridge ready`
 * and writes `.mlbridge/stack.json` for tools and tests; Ctrl-C stops every part.
 */
import { fileURLToPath } from 'node:url'
import { startStack, stackOptionsFromEnv } from './stack.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

async function main (): Promise<void> {
  const started = performance.now()
  const stack = await startStack(stackOptionsFromEnv(root), (line) => console.log(`  ${line}`))
  const { appUrl, rpcUrl, chainId, relayMultiaddr, gateway, api, webhooks } = stack.info
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`ML Bridge ready in ${seconds} s: app ${appUrl}  rpc ${rpcUrl}  chain ${chainId}  relay ${relayMultiaddr}  gateway ${gateway ?? '-'}  api ${api ?? '-'}  webhooks ${webhooks ?? '-'}`)
  console.log(`  stack facts written to ${stack.stackFile}; press Ctrl-C to stop`)

  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping ML Bridge…`)
    stack.stop().then(() => process.exit(0), (error: unknown) => {
      console.error(error)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error(`ML Bridge failed to start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
