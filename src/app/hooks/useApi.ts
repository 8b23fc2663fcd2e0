/**
 * The indexer's API as the app reads it: one SDK client per network config, shared by the hooks
 * and the Contribute switch, so lists read a few rows from the indexer instead of scanning the chain.
 */
import { createClient, type MLBridgeClient } from '../../sdk/client.ts'
import type { NetworkConfig } from '../../core/networkConfig.ts'
import { useNetworkConfig } from '../NetworkContext.ts'

const clients = new Map<string, MLBridgeClient>()

/** The client of the network's `api` (and `gateway`), made once per pair; undefined when the config names no API. */
export function apiClientFor (network: Pick<NetworkConfig, 'api' | 'gateway'>): MLBridgeClient | undefined {
  if (network.api === undefined) return undefined
  const key = `${network.api} ${network.gateway ?? ''}`
  let client = clients.get(key)
  if (client === undefined) {
    client = createClient({ api: network.api, ...(network.gateway === undefined ? {} : { gateway: network.gateway }) })
    clients.set(key, client)
  }
  return client
}

/** The network's API client, or undefined when its config names no indexer API. */
export function useApi (): MLBridgeClient | undefined {
  return apiClientFor(useNetworkConfig())
}
