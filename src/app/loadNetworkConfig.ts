import { parseNetworkConfig, type NetworkConfig } from '../core/networkConfig.ts'

/** The deployment's network facts live beside the app, so one build can serve any network. */
export async function loadNetworkConfig (url = `${import.meta.env.BASE_URL}mlbridge.config.json`): Promise<NetworkConfig> {
  let response: Response
  try {
    response = await fetch(url, { cache: 'no-store' })
  } catch (error) {
    throw new Error(`Could not load the network configuration from ${url}`, { cause: error })
  }
  if (!response.ok) {
    const detail = (await response.text()).trim()
    throw new Error(`Could not load the network configuration from ${url} (HTTP ${response.status})${detail === '' ? '' : `: ${detail}`}`)
  }
  return parseNetworkConfig(await response.json(), url)
}
