import { http, type HttpTransportConfig, type Transport } from 'viem'
import { splitLogRanges } from './logRanges.ts'

/** The transport of every protocol client: JSON-RPC over HTTP to `url`, its log reads split where the node caps their range. */
export function rpcTransport (url: string | undefined, options?: HttpTransportConfig): Transport {
  return splitLogRanges(http(url, options))
}
