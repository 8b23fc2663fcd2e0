import { useMemo } from 'react'
import { createClient, type MLBridgeClient } from '../../sdk/client.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

/** The SDK client for the network's indexer API and gateway; undefined where the network configures no API. */
export function useApi (): MLBridgeClient | undefined {
  const { api, gateway } = useNetworkConfig()
  return useMemo(() => api === undefined ? undefined : createClient({ api, ...(gateway === undefined ? {} : { gateway }) }), [api, gateway])
}
