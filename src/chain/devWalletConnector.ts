import { createConnector } from 'wagmi'
import { ChainNotConfiguredError } from '@wagmi/core'
import { createWalletClient, getAddress, http, SwitchChainError, type Address, type EIP1193Provider } from 'viem'
import { DEV_ADDRESSES, devAccount, devAddress } from './devAccounts.ts'

const ACCOUNT_KEY = 'devWallet.accountIndex'
const CONNECTED_KEY = 'devWallet.connected'

export interface DevWalletProperties extends Record<string, unknown> {
  /** Which of anvil's dev accounts the next `connect` uses. */
  selectAccount(index: number): Promise<void>
  selectedAccount(): Promise<number>
  /** The accounts to pick from, by index. */
  accountAddresses(): Address[]
}

/**
 * A wallet for the local chain only: it signs with one of anvil's public dev keys inside the page,
 * so the dev stack needs no browser extension. Transactions are signed locally and sent as raw
 * transactions, exactly as a real wallet would, rather than relying on anvil's unlocked accounts.
 */
export function devWallet (defaultIndex = 1) {
  let connected = false
  return createConnector<EIP1193Provider, DevWalletProperties>((config) => {
    const chain = config.chains[0]
    const rpcUrl = chain.rpcUrls.default.http[0]
    if (rpcUrl === undefined) throw new ChainNotConfiguredError()

    const readIndex = async (): Promise<number> => {
      const stored = await config.storage?.getItem(ACCOUNT_KEY)
      return typeof stored === 'number' ? stored : defaultIndex
    }
    const walletClient = async () => createWalletClient({ account: devAccount(await readIndex()), chain, transport: http(rpcUrl) })

    return {
      id: 'devWallet',
      name: 'Dev wallet (local chain)',
      type: 'devWallet',
      async selectAccount (index: number) {
        const address = devAddress(index)
        await config.storage?.setItem(ACCOUNT_KEY, index)
        if (connected) config.emitter.emit('change', { accounts: [address] })
      },
      selectedAccount: readIndex,
      accountAddresses: () => [...DEV_ADDRESSES],
      async connect (parameters) {
        if (parameters?.chainId !== undefined && parameters.chainId !== chain.id) {
          throw new SwitchChainError(new ChainNotConfiguredError())
        }
        connected = true
        await config.storage?.setItem(CONNECTED_KEY, true)
        const accounts = [devAddress(await readIndex())]
        // wagmi's generic return type cannot be narrowed from inside the connector.
        return { accounts, chainId: chain.id } as never
      },
      async disconnect () {
        connected = false
        await config.storage?.removeItem(CONNECTED_KEY)
      },
      async getAccounts (): Promise<readonly Address[]> {
        return [getAddress(devAddress(await readIndex()))]
      },
      async getChainId () {
        return chain.id
      },
      async getProvider () {
        // wagmi asks for the provider on every page load; the key is derived at the first request.
        type Request = Awaited<ReturnType<typeof walletClient>>['request']
        const request = async (args: Parameters<Request>[0]): Promise<unknown> => await (await walletClient()).request(args)
        return { request } as unknown as EIP1193Provider
      },
      getClient: walletClient,
      async isAuthorized () {
        connected = (await config.storage?.getItem(CONNECTED_KEY)) === true
        return connected
      },
      onAccountsChanged (accounts) {
        config.emitter.emit('change', { accounts: accounts.map((a) => getAddress(a)) })
      },
      onChainChanged (chainId) {
        config.emitter.emit('change', { chainId: Number(chainId) })
      },
      onDisconnect () {
        connected = false
        config.emitter.emit('disconnect')
      }
    }
  })
}
