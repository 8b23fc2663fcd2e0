import { readTokenBalance } from '../src/chain/actions/index.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { expect, test } from './fixtures.ts'
import { injectedWalletScript } from './injectedWallet.ts'

test('@faults a wallet on the wrong chain is told so, and a rejected transaction says so and changes nothing', async ({ peerPage: page, stack, read }) => {
  const account = devAccount(4).address
  await page.addInitScript(injectedWalletScript({ rpcUrl: stack.rpcUrl, address: account, chainId: 1 }))
  const before = await readTokenBalance(read, { account })

  await page.goto('/')
  await page.getByRole('button', { name: 'Connect Test Wallet' }).click()
  await expect(page.getByTestId('wrong-chain')).toContainText(`your wallet is on chain 1, ML Bridge runs on ML Bridge local (chain ${stack.chainId})`)
  await expect(page.getByTestId('faucet')).toHaveCount(0)

  await page.getByRole('button', { name: 'Switch network' }).click()
  await expect(page.getByTestId('wrong-chain')).toHaveCount(0)
  await expect(page.getByTestId('chain-id')).toHaveText(String(stack.chainId))

  await page.getByTestId('faucet').click()
  await expect(page.getByTestId('faucet-status')).toHaveAttribute('data-phase', 'failed')
  await expect(page.getByTestId('faucet-status')).toContainText('You rejected the request in your wallet')
  const after = await readTokenBalance(read, { account })
  expect(after).toBe(before)
})

test('@faults an unreachable relay is reported with its address', async ({ peerPage: page, stack }) => {
  // Same relay identity, but a port where nothing listens.
  const deadRelay = stack.relayMultiaddr.replace(/\/tcp\/\d+\//, '/tcp/9/')
  await page.route('**/mlbridge.config.json', async (route) => {
    const response = await route.fetch()
    const config = await response.json() as { bootstrap: string[] }
    await route.fulfill({ response, json: { ...config, bootstrap: [deadRelay] } })
  })
  await page.goto('/#/contribute')
  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-connected', 'false')
  await expect(page.getByTestId('relay-error')).toContainText(`Relay unreachable at ${deadRelay}`)
})

test('@faults a broken network configuration names the bad field', async ({ peerPage: page }) => {
  await page.route('**/mlbridge.config.json', async (route) => {
    await route.fulfill({ json: { chainId: 31337, rpcUrl: 'not a url', contracts: {}, bootstrap: [] } })
  })
  await page.goto('/')
  await expect(page.getByTestId('config-error')).toContainText('rpcUrl')
  await expect(page.getByTestId('config-error')).toContainText('contracts.MLBToken')
})
