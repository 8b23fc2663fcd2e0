import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from './webhook.ts'

const secret = 'whsec_test'
const event = {
  id: '1048577', contract: 'TaskManager', name: 'TaskCreated', args: { taskId: '1' }, taskId: '1',
  blockNumber: '1', logIndex: 1, transactionHash: '0xab', timestamp: '1700000000'
}
const body = JSON.stringify({ id: 'd-1', event })
const t = 1_700_000_000

const reason = async (options: Partial<Parameters<typeof verifyWebhook>[0]>): Promise<WebhookVerificationReason | 'accepted'> => {
  try {
    await verifyWebhook({ secret, header: await signWebhook({ secret, body, timestamp: t }), body, now: t, ...options })
    return 'accepted'
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason
    throw error
  }
}

describe('webhook signatures', () => {
  it('signs t + "." + body with HMAC-SHA256, as a receiver in another language would compute it', async () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
    expect(await signWebhook({ secret, body, timestamp: t })).toBe(`t=${t},v1=${expected}`)
    expect(await signWebhook({ secret, body: new TextEncoder().encode(body), timestamp: t })).toBe(`t=${t},v1=${expected}`)
  })

  it('accepts its own signature and returns the payload', async () => {
    const header = await signWebhook({ secret, body, timestamp: t })
    expect(await verifyWebhook({ secret, header, body, now: t + 10 })).toEqual({ id: 'd-1', event })
    // a rotated secret's receiver may see two v1 values
    expect((await verifyWebhook({ secret, header: `t=${t},v1=${'0'.repeat(64)},${header.split(',')[1]}`, body, now: t })).id).toBe('d-1')
  })

  it('refuses, naming what is wrong: no header, a malformed one, a stale timestamp, another body or secret', async () => {
    expect(await reason({})).toBe('accepted')
    expect(await reason({ header: null })).toBe('missing-header')
    expect(await reason({ header: 'v1=abc' })).toBe('malformed-header')
    expect(await reason({ header: `t=${t}` })).toBe('malformed-header')
    expect(await reason({ now: t + 301 })).toBe('stale-timestamp')
    expect(await reason({ now: t - 301 })).toBe('stale-timestamp')
    expect(await reason({ now: t + 1000, toleranceS: 2000 })).toBe('accepted')
    expect(await reason({ body: body.replace('"1"', '"2"') })).toBe('bad-signature')
    expect(await reason({ secret: 'whsec_other' })).toBe('bad-signature')
    // a validly signed body that is not a delivery
    const other = '{"hello":1}'
    expect(await reason({ body: other, header: await signWebhook({ secret, body: other, timestamp: t }) })).toBe('bad-payload')
    await expect(verifyWebhook({ secret, header: undefined, body })).rejects.toThrow('the request has no mlbridge-signature header')
  })
})
