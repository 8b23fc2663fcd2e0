import { expect, test } from './fixtures.ts'

test('@smoke the app\'s network config names the block the contracts were deployed in, where its log reads start', async ({ request, stack, read }) => {
  const config = await (await request.get(`${stack.appUrl}/mlbridge.config.json`)).json() as { deploymentBlock?: number }
  expect(config.deploymentBlock).toBe(stack.deploymentBlock)
  const block = BigInt(stack.deploymentBlock ?? 0)
  expect(block).toBeGreaterThan(0n)
  // the deployment's first contract exists at that block, and none of them one block earlier
  const codeAt = async (blockNumber: bigint): Promise<number> =>
    (await Promise.all(Object.values(stack.contracts).map(async (address) => await read.publicClient.getCode({ address, blockNumber })))).filter((code) => code !== undefined).length
  expect(await codeAt(block)).toBeGreaterThan(0)
  expect(await codeAt(block - 1n)).toBe(0)
})
