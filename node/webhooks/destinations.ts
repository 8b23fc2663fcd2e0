/**
 * Where a webhook may be sent. Whoever can create a subscription chooses the URL, so the service is
 * a request-forger for anyone who can reach it: by default it sends only to loopback (the project's
 * rule: no default configuration sends traffic beyond this machine), and an operator widens that
 * with an explicit allowlist of host names.
 */
import { isIP } from 'node:net'
import { MLBridgeError } from '../../src/core/errors.ts'

/** The URL may not be used as a webhook destination; the message says why. */
export class DestinationRefusedError extends MLBridgeError {
  override name = 'DestinationRefusedError'
  constructor (message: string) { super('WEBHOOK_DESTINATION_REFUSED', message) }
}

export interface DestinationPolicy {
  /**
   * Hosts allowed beside loopback: exact names or IPs, `*.example.com` for its subdomains, or `*`
   * for any host. Read from `MLBRIDGE_WEBHOOKS_ALLOW` (comma-separated) @default [] (loopback only)
   */
  allow: readonly string[]
}

const isLoopback = (host: string): boolean => {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '0:0:0:0:0:0:0:1'
}

/** The host as the URL parser normalised it: lower case, IPv6 without brackets, IPv4 in dotted decimal. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '').toLowerCase()

const allowed = (host: string, pattern: string): boolean => {
  const p = pattern.trim().toLowerCase()
  if (p === '*') return true
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1
  return host === p.replace(/^\[|\]$/g, '')
}

/** The parsed URL when the policy lets webhooks go there; otherwise throws DestinationRefusedError saying why. */
export function checkDestination (raw: string, policy: DestinationPolicy): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new DestinationRefusedError(`url must be an absolute http or https URL, got "${raw.slice(0, 200)}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DestinationRefusedError(`url must use http or https, got "${url.protocol.slice(0, -1)}"`)
  // credentials in a URL end up in logs and in the store; a receiver should check the signature instead
  if (url.username !== '' || url.password !== '') throw new DestinationRefusedError('url must not carry a user name or password')
  const host = hostOf(url)
  if (isLoopback(host) || policy.allow.some((pattern) => allowed(host, pattern))) return url
  throw new DestinationRefusedError(`url's host ${host} is not loopback, and only loopback destinations are allowed unless MLBRIDGE_WEBHOOKS_ALLOW names the host`)
}

/** MLBRIDGE_WEBHOOKS_ALLOW as a policy: host patterns separated by commas. */
export function policyFromEnv (env: NodeJS.ProcessEnv = process.env): DestinationPolicy {
  return { allow: (env.MLBRIDGE_WEBHOOKS_ALLOW ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '') }
}
