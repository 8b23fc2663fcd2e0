import { useEffect, useState } from 'react'
import type { NetworkStatus } from '../../p2p/index.ts'
import { browserNode } from '../browserNode.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

export type NetworkState =
  | { state: 'starting' }
  | { state: 'failed'; message: string }
  | { state: 'running'; status: NetworkStatus }

export function useNetworkStatus (): NetworkState {
  const network = useNetworkConfig()
  const [state, setState] = useState<NetworkState>({ state: 'starting' })
  useEffect(() => {
    let unwatch: (() => void) | undefined
    let active = true
    browserNode(network).then((node) => {
      if (!active) return
      unwatch = node.watch((status) => setState({ state: 'running', status }))
    }, (error: unknown) => {
      if (active) setState({ state: 'failed', message: error instanceof Error ? error.message : String(error) })
    })
    return () => {
      active = false
      unwatch?.()
    }
  }, [network])
  return state
}
