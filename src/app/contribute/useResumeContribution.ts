import { useEffect } from 'react'
import type { WriteContext } from '../../chain/actions/index.ts'
import { isBackendName } from '../../train/backendChoice.ts'
import { useWriteContext } from '../hooks/useProtocol.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { contributor } from './contributor.ts'

const ON_KEY = 'mlbridge.contribute.account'
export const BACKEND_KEY = 'mlbridge.contribute.backend'

/** Switches Contribute on for `ctx`'s account and remembers it, so a reload picks the work up again. */
export function startContributing (network: Parameters<typeof contributor.start>[0], ctx: WriteContext): void {
  localStorage.setItem(ON_KEY, ctx.walletClient.account.address.toLowerCase())
  const backend = localStorage.getItem(BACKEND_KEY)
  contributor.start(network, ctx, isBackendName(backend) ? { backend } : {})
}

export function stopContributing (): void {
  localStorage.removeItem(ON_KEY)
  contributor.stop()
}

/**
 * After a reload, a tab that was contributing with the connected account starts again: the loop
 * reads its state from IndexedDB and reveals what it committed before the reload.
 */
export function useResumeContribution (): void {
  const network = useNetworkConfig()
  const ctx = useWriteContext()
  useEffect(() => {
    if (ctx === undefined || contributor.current.on) return
    if (localStorage.getItem(ON_KEY) === ctx.walletClient.account.address.toLowerCase()) startContributing(network, ctx)
  }, [network, ctx])
}
