import { formatUnits } from 'viem'
import { readFaucetAmount, readTokenBalance } from '../src/chain/actions/index.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { expect, test } from './fixtures.ts'

test('@smoke connect the dev wallet, use the faucet, see the balance change on-chain and the relay connected', async ({ peerPage: page, stack, read }) => {
  const account = devAccount(3).address
  const readBalance = async (): Promise<bigint> => await readTokenBalance(read, { account })
  const faucetAmount = await readFaucetAmount(read)
  const before = await readBalance()

  await page.goto('/#/contribute')
  await expect(page.getByRole('heading', { name: 'ML Bridge' })).toBeVisible()

  await page.getByTestId('dev-account').selectOption('3')
  await page.getByTestId('connect-dev').click()
  await expect(page.getByTestId('address')).toHaveText(account)
  await expect(page.getByTestId('chain-id')).toHaveText(String(stack.chainId))
  await expect(page.getByTestId('mlb-balance')).toHaveText(formatUnits(before, 18))

  await page.getByTestId('faucet').click()
  await expect(page.getByTestId('faucet-status')).toHaveAttribute('data-phase', 'confirmed')
  const after = await readBalance()
  expect(after - before).toBe(faucetAmount)
  await expect(page.getByTestId('mlb-balance')).toHaveText(formatUnits(after, 18))

  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-connected', 'true')
  await expect(page.getByTestId('peer-id')).toHaveText(/^12D3KooW|^Qm/)
})
