import { describe, expect, it } from 'vitest'
import { checkDestination, DestinationRefusedError, policyFromEnv, type DestinationPolicy } from './destinations.ts'

const loopbackOnly: DestinationPolicy = { allow: [] }
const refusal = (url: string, policy: DestinationPolicy = loopbackOnly): string => {
  try {
    checkDestination(url, policy)
    return 'allowed'
  } catch (error) {
    if (!(error instanceof DestinationRefusedError)) throw error
    return error.message
  }
}

describe('checkDestination', () => {
  it('allows loopback by default, however it is spelled', () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'https://localhost/x', 'http://[::1]:3000/', 'http://127.1.2.3/', 'http://0x7f000001/', 'http://2130706433/']) expect(refusal(url)).toBe('allowed')
  })

  it('refuses everything else by default, saying why', () => {
    expect(refusal('http://example.com/')).toMatch(/^url's host example.com is not loopback/)
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]/', 'http://127.0.0.1.nip.io/', 'http://localhost.example.com/', 'http://0.0.0.0/']) {
      expect(refusal(url)).toMatch(/is not loopback/)
    }
    expect(refusal('ftp://127.0.0.1/')).toBe('url must use http or https, got "ftp"')
    expect(refusal('javascript:alert(1)')).toBe('url must use http or https, got "javascript"')
    expect(refusal('/relative')).toBe('url must be an absolute http or https URL, got "/relative"')
    expect(refusal('http://user:pw@127.0.0.1/')).toBe('url must not carry a user name or password')
  })

  it('widens to the hosts MLBRIDGE_WEBHOOKS_ALLOW names, exactly or by subdomain', () => {
    const policy = policyFromEnv({ MLBRIDGE_WEBHOOKS_ALLOW: 'hooks.example.com, *.example.org' })
    expect(policy.allow).toEqual(['hooks.example.com', '*.example.org'])
    expect(refusal('https://hooks.example.com/x', policy)).toBe('allowed')
    expect(refusal('https://a.b.example.org/x', policy)).toBe('allowed')
    expect(refusal('https://example.org/x', policy)).toMatch(/is not loopback/)
    expect(refusal('https://evilexample.org/x', policy)).toMatch(/is not loopback/)
    expect(refusal('https://other.example.com/x', policy)).toMatch(/is not loopback/)
    expect(refusal('https://anything.net/', { allow: ['*'] })).toBe('allowed')
    expect(policyFromEnv({}).allow).toEqual([])
  })
})
