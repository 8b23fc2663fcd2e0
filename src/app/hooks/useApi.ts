import { useMemo } from 'react'
import type { NetworkConfig } from '../../core/networkConfig.ts'
import { createClient, type MLBridgeClient } from '../../sdk/client.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

/** The SDK client for the network's indexer API and gateway; undefined where the network configures no API. */
export function networkApi ({ api, gateway }: Pick<NetworkConfig, 'api' | 'gateway'>): MLBridgeClient | undefined {
  return api === undefined ? undefined : createClient({ api, ...(gateway === undefined ? {} : { gateway }) })
}

/** `networkApi` of this page's network, made once per configuration. */
export function useApi (): MLBridgeClient | undefined {
  const { api, gateway } = useNetworkConfig()
  return useMemo(() => networkApi({ api, gateway }), [api, gateway])
}
