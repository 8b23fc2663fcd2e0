import { describe, expect, it } from 'vitest'
import { ApiError, createClient } from './index.ts'

/** A fake API answering every request with `body` and `status`. */
const answering = (status: number, body: unknown): typeof fetch => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('SDK client', () => {
  it('refuses an answer that does not match the documented schema, naming the field', async () => {
    const sdk = createClient({ api: 'http://127.0.0.1:1', fetch: answering(200, { items: [{ id: 1 }], nextCursor: null }) })
    await expect(sdk.tasks()).rejects.toThrow(/does not match the API's schema: items\.0\.id/)
  })

  it('turns a refusal into an ApiError with the status and the API\'s sentence', async () => {
    const sdk = createClient({ api: 'http://127.0.0.1:1/', fetch: answering(404, { error: 'task 9 is not indexed (yet)' }) })
    const refusal = sdk.task(9n)
    await expect(refusal).rejects.toBeInstanceOf(ApiError)
    await expect(refusal).rejects.toMatchObject({ status: 404, message: 'http://127.0.0.1:1/tasks/9: 404 task 9 is not indexed (yet)' })
  })

  it('needs a gateway, and a registered model, to download', async () => {
    const sdk = createClient({ api: 'http://127.0.0.1:1' })
    await expect(sdk.downloadModel({ id: '1', modelCid: '0x01', commitHash: '0x02' })).rejects.toThrow('createClient was given no gateway')
    await expect(createClient({ api: 'http://x', gateway: 'http://127.0.0.1:1' }).downloadModel({ id: '2', modelCid: null, commitHash: null })).rejects.toThrow('version 2 has no model registered yet')
  })
})
