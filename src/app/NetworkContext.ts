import { createContext, useContext } from 'react'
import type { NetworkConfig } from '../core/networkConfig.ts'

export const NetworkConfigContext = createContext<NetworkConfig | null>(null)

export function useNetworkConfig (): NetworkConfig {
  const config = useContext(NetworkConfigContext)
  if (config === null) throw new Error('useNetworkConfig must be used inside <NetworkConfigContext.Provider>')
  return config
}
