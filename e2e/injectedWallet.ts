/**
 * A browser-extension wallet as the page meets one: an EIP-1193 provider announced over EIP-6963,
 * on a chain of the test's choosing, that refuses to sign. Reads go to the real local chain. It
 * stands in for the extension (which cannot be installed here), not for anything the app does.
 */
export interface InjectedWalletOptions {
  rpcUrl: string
  address: string
  chainId: number
}

export function injectedWalletScript ({ rpcUrl, address, chainId }: InjectedWalletOptions): string {
  return `(() => {
    let chainId = ${chainId}
    let authorized = false
    const listeners = {}
    const emit = (event, value) => (listeners[event] || []).forEach((fn) => fn(value))
    const rejected = () => Object.assign(new Error('User rejected the request.'), { code: 4001 })
    const provider = {
      async request ({ method, params }) {
        switch (method) {
          case 'eth_chainId': return '0x' + chainId.toString(16)
          // Like a real wallet: no accounts until the user authorized the site.
          case 'eth_accounts': return authorized ? [${JSON.stringify(address)}] : []
          case 'eth_requestAccounts':
            authorized = true
            return [${JSON.stringify(address)}]
          case 'wallet_switchEthereumChain':
            chainId = parseInt(params[0].chainId, 16)
            emit('chainChanged', '0x' + chainId.toString(16))
            return null
          case 'eth_sendTransaction':
          case 'personal_sign':
          case 'eth_signTypedData_v4': throw rejected()
        }
        const response = await fetch(${JSON.stringify(rpcUrl)}, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })
        })
        const body = await response.json()
        if (body.error) throw Object.assign(new Error(body.error.message), body.error)
        return body.result
      },
      on (event, fn) { (listeners[event] ||= []).push(fn) },
      removeListener (event, fn) { listeners[event] = (listeners[event] || []).filter((f) => f !== fn) }
    }
    const info = { uuid: '5d6c2a64-6a2e-4b0f-9d1e-0e2f8a7c1b11', name: 'Test Wallet', icon: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>', rdns: 'org.example.testwallet' }
    const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }))
    window.addEventListener('eip6963:requestProvider', announce)
    announce()
  })()`
}
