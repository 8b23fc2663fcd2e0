import { formatUnits } from 'viem'
import { MLBTokenAbi } from '../src/chain/generated/abis.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { expect, test } from './fixtures.ts'

test('@smoke connect the dev wallet, use the faucet, see the balance change on-chain and the relay connected', async ({ peerPage: page, stack, chain }) => {
  const account = devAccount(3).address
  const token = stack.contracts.MLBToken
  const readBalance = async (): Promise<bigint> => await chain.readContract({ address: token, abi: MLBTokenAbi, functionName: 'balanceOf', args: [account] })
  const faucetAmount = await chain.readContract({ address: token, abi: MLBTokenAbi, functionName: 'FAUCET_AMOUNT' })
  const before = await readBalance()

  await page.goto('/')
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
