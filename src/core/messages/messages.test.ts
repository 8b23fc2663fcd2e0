import type { Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it, vi } from 'vitest'
import { anyWallet, authorizationText, authorizeSession, createMessageVerifier, encodeTaskMessage, GRANT_RENEW_WAIT_MS, InvalidMessageError, parseTaskTopic, SessionExpiredError, taskTopic, walletMessageSigner, type MessageSigner, type SessionGrant, type WalletSigner } from './index.ts'

const PEER = '12D3KooWKM14WjmyrowSbrdTQjZirFG4tXcJaAez84B4utq3r1H6'
const OTHER_PEER = '12D3KooWQsY22EmLAwzZKp8SXaY4MweM3WU3UQZ4vboB4Qf2VHqp'
const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
const NOW = 1_800_000_000_000
const wallet = privateKeyToAccount(generatePrivateKey())
const presence = { type: 'presence' as const, taskId: '7', addrs: [`/p2p/${PEER}`], backend: 'webgpu' as const, throughput: 120 }

const verifier = createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => NOW })
const ctx = (kind: 'rounds' | 'presence' | 'artifacts' = 'presence', peerId = PEER) => ({ topic: taskTopic('7', kind), peerId })

async function reason (p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(InvalidMessageError)
  return (err as InvalidMessageError).reason
}

describe('task topics', () => {
  it('names and parses per-task topics, refusing anything else', () => {
    expect(taskTopic('42', 'rounds')).toBe('mlbridge/task/42/rounds')
    expect(parseTaskTopic('mlbridge/task/42/artifacts')).toEqual({ taskId: '42', kind: 'artifacts' })
    for (const t of ['mlbridge/task/42/other', 'mlbridge/task/0x1/rounds', 'mlbridge/task/42/rounds/x', 'x/task/1/rounds', 'mlbridge/task/01/rounds']) {
      expect(parseTaskTopic(t), t).toBeUndefined()
    }
    expect(() => taskTopic('-1', 'rounds')).toThrow(/uint256/)
  })
})

describe('signed task messages', () => {
  let session: MessageSigner
  it('round-trips a presence sent under a session grant, bound to the wallet', async () => {
    const { grant, signer } = await authorizeSession({ wallet, peerId: PEER, chainId: 31337, now: () => NOW })
    session = signer
    expect(grant.wallet).toBe(wallet.address.toLowerCase())
    const msg = await verifier.verify(await encodeTaskMessage(signer, '7', 'presence', presence, { now: () => NOW }), ctx())
    expect(msg).toMatchObject({ kind: 'presence', taskId: '7', from: wallet.address.toLowerCase(), peerId: PEER, auth: 'session' })
    expect(msg.body).toEqual({ ...presence, status: 'idle' })
  })

  it('accepts a message signed by the wallet itself', async () => {
    const signer = walletMessageSigner(wallet, PEER, 31337)
    const body = { type: 'artifact' as const, taskId: '7', kind: 'delta' as const, cid: CID, size: 1024, round: 3, shard: 1 }
    const msg = await verifier.verify(await encodeTaskMessage(signer, '7', 'artifacts', body, { now: () => NOW }), ctx('artifacts'))
    expect(msg).toMatchObject({ kind: 'artifacts', auth: 'wallet', body })
  })

  it('refuses to send a body that others would reject', async () => {
    await expect(encodeTaskMessage(session, '7', 'presence', { ...presence, throughput: -1 })).rejects.toThrow(/throughput/)
    await expect(encodeTaskMessage(session, '8', 'presence', presence)).rejects.toThrow(/task 7/)
  })

  it('rejects malformed, misplaced, replayed and foreign messages with a reason', async () => {
    const good = await encodeTaskMessage(session, '7', 'presence', presence, { now: () => NOW })
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o))
    const env = JSON.parse(new TextDecoder().decode(good)) as { payload: string, auth: unknown }
    expect(await reason(verifier.verify(new Uint8Array([0xff, 0x00]), ctx()))).toBe('not-json')
    expect(await reason(verifier.verify(enc({ hello: 1 }), ctx()))).toBe('bad-envelope')
    expect(await reason(verifier.verify(new Uint8Array(5000), ctx()))).toBe('too-large')
    expect(await reason(verifier.verify(good, ctx('rounds')))).toBe('wrong-topic')
    expect(await reason(verifier.verify(good, { topic: 'mlbridge/task/8/presence', peerId: PEER }))).toBe('wrong-topic')
    expect(await reason(verifier.verify(good, ctx('presence', OTHER_PEER)))).toBe('wrong-peer')
    expect(await reason(createMessageVerifier({ chainId: 1, membership: anyWallet, now: () => NOW }).verify(good, ctx()))).toBe('wrong-chain')
    expect(await reason(createMessageVerifier({ membership: anyWallet, now: () => NOW + 10 * 60_000 }).verify(good, ctx()))).toBe('stale')
    expect(await reason(createMessageVerifier({ membership: anyWallet, now: () => NOW - 10 * 60_000 }).verify(good, ctx()))).toBe('from-future')
    // a tampered payload no longer matches the wallet's signature (under a session grant, the peer's
    // gossip signature is what binds the payload, and gossipsub checks it before this)
    const signed = JSON.parse(new TextDecoder().decode(await encodeTaskMessage(walletMessageSigner(wallet, PEER, 31337), '7', 'presence', presence, { now: () => NOW }))) as { payload: string, auth: unknown }
    const tampered = signed.payload.replace('"throughput":120', '"throughput":999')
    expect(await reason(verifier.verify(enc({ ...signed, payload: tampered }), ctx()))).toBe('bad-signature')
    // a schema violation inside a validly signed payload
    const badBody = (await walletMessageSigner(wallet, PEER, 31337).seal(() => env.payload.replace('"webgpu"', '"tpu"'))).auth
    expect(await reason(verifier.verify(enc({ payload: env.payload.replace('"webgpu"', '"tpu"'), auth: badBody }), ctx()))).toBe('bad-body')
  })

  it('attack (grant not the wallet\'s, copied to another peer, or expired): refuses each', async () => {
    // these payloads equal the one accepted above: a verifier that accepted it would call them replays
    const verifier = createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => NOW })
    const { grant: real } = await authorizeSession({ wallet, peerId: PEER, chainId: 31337, now: () => NOW })
    // mallory signs a grant for her peer and relabels it with the victim's wallet
    const mallory = privateKeyToAccount(generatePrivateKey())
    const { grant, signer } = await authorizeSession({ wallet: mallory, peerId: PEER, chainId: 31337, now: () => NOW })
    const relabelled: MessageSigner = { ...signer, wallet: real.wallet, seal: async (compose) => ({ payload: compose(), auth: { kind: 'session', expiresAt: grant.expiresAt, signature: grant.signature } }) }
    expect(await reason(verifier.verify(await encodeTaskMessage(relabelled, '7', 'presence', presence, { now: () => NOW }), ctx()))).toBe('bad-grant')
    // the victim's own grant, copied from its gossip, sent by mallory's peer: it was signed for another
    const copied: MessageSigner = { wallet: real.wallet, peerId: OTHER_PEER, chainId: 31337, seal: async (compose) => ({ payload: compose(), auth: { kind: 'session', expiresAt: real.expiresAt, signature: real.signature } }) }
    expect(await reason(verifier.verify(await encodeTaskMessage(copied, '7', 'presence', presence, { now: () => NOW }), ctx('presence', OTHER_PEER)))).toBe('bad-grant')
    // ... or naming the victim's peer, which did not send it
    const claimed: MessageSigner = { ...copied, peerId: PEER }
    expect(await reason(verifier.verify(await encodeTaskMessage(claimed, '7', 'presence', presence, { now: () => NOW }), ctx('presence', OTHER_PEER)))).toBe('wrong-peer')
    // a grant for a peer ID that only hashes its key (RSA): refused whatever the transport says
    const RSA_PEER = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'
    const rsa: MessageSigner = { ...copied, peerId: RSA_PEER }
    expect(await reason(verifier.verify(await encodeTaskMessage(rsa, '7', 'presence', presence, { now: () => NOW }), ctx('presence', RSA_PEER)))).toBe('bad-grant')
    // a signer whose clock is a day and an hour behind still thinks its grant is good
    const { signer: behind } = await authorizeSession({ wallet, peerId: PEER, chainId: 31337, now: () => NOW - 25 * 3600_000 })
    const late = await encodeTaskMessage(behind, '7', 'presence', presence, { now: () => NOW + 1 })
    expect(await reason(verifier.verify(late, ctx()))).toBe('grant-expired')
  })
})

describe('grant lifetime', () => {
  it('attack (a grant signed for years): refuses one that runs more than 48 hours from now, and an expiry no date can show, as bad-grant', async () => {
    const verifier = createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => NOW })
    const session = (expiresAt: number, signature: Hex): MessageSigner => ({ ...walletMessageSigner(wallet, PEER, 31337), seal: async (compose) => ({ payload: compose(), auth: { kind: 'session', expiresAt, signature } }) })
    // the wallet's own signature of the readable text, for a far expiry (a phishing page's ask)
    const signedUntil = async (expiresAt: number): Promise<MessageSigner> =>
      session(expiresAt, await wallet.signMessage({ message: authorizationText({ peerId: PEER, chainId: 31337, expiresAt }) }))
    const sent = async (signer: MessageSigner, round: number): Promise<Uint8Array> =>
      await encodeTaskMessage(signer, '7', 'rounds', { type: 'round', taskId: '7', round, phase: 'commit' }, { now: () => NOW })
    expect(await reason(verifier.verify(await sent(await signedUntil(NOW / 1000 + 72 * 3600), 1), ctx('rounds')))).toBe('bad-grant')
    expect(await reason(verifier.verify(await sent(session(2 ** 52, `0x${'11'.repeat(65)}`), 2), ctx('rounds')))).toBe('bad-grant')
    expect((await verifier.verify(await sent(await signedUntil(NOW / 1000 + 47 * 3600), 3), ctx('rounds'))).auth).toBe('session')
    await expect(authorizeSession({ wallet, peerId: PEER, chainId: 31337, ttlSeconds: 72 * 3600 })).rejects.toThrow(/48 hours/)
  })
})

describe('grant cache', () => {
  it('attack (grant signature reused): a grant copied from gossip with another peer and expiry is refused, though its signature was checked before', async () => {
    const verifier = createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => NOW })
    const { signer: victim } = await authorizeSession({ wallet, peerId: PEER, chainId: 31337, now: () => NOW })
    // the victim is heard once: its grant's signature is now cached as checked
    const heard = await encodeTaskMessage(victim, '7', 'presence', presence, { now: () => NOW })
    await verifier.verify(heard, ctx())
    const seen = (JSON.parse(new TextDecoder().decode(heard)) as { auth: { expiresAt: number, signature: Hex } }).auth
    // mallory keeps the victim's wallet and signature, sends from her own peer with a far expiry
    const mallory: MessageSigner = { wallet: victim.wallet, peerId: OTHER_PEER, chainId: 31337, seal: async (compose) => ({ payload: compose(), auth: { kind: 'session', expiresAt: seen.expiresAt + 365 * 24 * 3600, signature: seen.signature } }) }
    const artifact = { type: 'artifact' as const, taskId: '7', kind: 'delta' as const, cid: CID, size: 1, round: 0, shard: 0 }
    const bytes = await encodeTaskMessage(mallory, '7', 'artifacts', artifact, { now: () => NOW })
    expect(await reason(verifier.verify(bytes, ctx('artifacts', OTHER_PEER)))).toBe('bad-grant')
  })
})

describe('replay window (fake clock)', () => {
  /** A verifier whose clock the test sets, which has just accepted a round event sent at NOW; returns why it refuses the same bytes at `t`. */
  async function replayedAt (t: number): Promise<string> {
    let clock = NOW
    const v = createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => clock })
    const msg = await encodeTaskMessage(walletMessageSigner(wallet, PEER, 31337), '7', 'rounds', { type: 'round', taskId: '7', round: 3, phase: 'commit' }, { now: () => NOW })
    await v.verify(msg, ctx('rounds'))
    clock = t
    return await reason(v.verify(msg, ctx('rounds')))
  }

  it('attack (replay in the window): the same signed message again is refused as replayed, whatever gossipsub remembers', async () => {
    expect(await replayedAt(NOW + 1000)).toBe('replayed')
  })

  it('attack (replay after the seen-cache forgot it): a message older than the window is refused as stale', async () => {
    // gossipsub forgets a message id after about 120 s
    expect(await replayedAt(NOW + 130_000)).toBe('stale')
  })
})

describe('session grant renewal (fake clock)', () => {
  const HOUR = 3600_000
  const MINUTE = 60_000
  /** A wallet that counts its prompts; it declines while `declining`, never answers while `silent`, and signs as `as`. */
  function promptedWallet (): WalletSigner & { prompts: number, declining: boolean, silent: boolean, as: typeof wallet, answer: () => void } {
    const w = {
      address: wallet.address,
      prompts: 0,
      declining: false,
      silent: false,
      as: wallet,
      /** answers the last prompt left unanswered while `silent` */
      answer: () => {},
      signMessage: async (args: { message: string }) => {
        w.prompts++
        if (w.silent) return await new Promise<`0x${string}`>((resolve) => { w.answer = () => { void wallet.signMessage(args).then(resolve) } })
        if (w.declining) throw new Error('User rejected the request.')
        return await w.as.signMessage(args)
      }
    }
    return w
  }
  /** what a message carries of its grant */
  const grantOf = (auth: unknown): Pick<SessionGrant, 'expiresAt' | 'signature'> => { const { expiresAt, signature } = auth as SessionGrant; return { expiresAt, signature } }

  it('asks the wallet again once three quarters of the grant passed, once for any number of messages, so a provider is still heard days later', async () => {
    const w = promptedWallet()
    let clock = NOW
    const { grant, signer } = await authorizeSession({ wallet: w, peerId: PEER, chainId: 31337, now: () => clock })
    const sendAt = async (t: number): Promise<Pick<SessionGrant, 'expiresAt' | 'signature'>> => {
      clock = t
      const bytes = await encodeTaskMessage(signer, '7', 'presence', presence, { now: () => t })
      await createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => t }).verify(bytes, ctx())
      return grantOf(JSON.parse(new TextDecoder().decode(bytes)).auth)
    }
    expect(await sendAt(NOW + 17 * HOUR)).toEqual(grantOf(grant))
    expect(w.prompts).toBe(1)
    // past 18 h: one renewal for five messages at once, which go out with the old grant meanwhile
    clock = NOW + 19 * HOUR
    const auths = await Promise.all(Array.from({ length: 5 }, async () => (await signer.seal(() => '{}')).auth))
    expect(auths.map(grantOf)).toEqual(Array(5).fill(grantOf(grant)))
    expect(w.prompts).toBe(2)
    const renewed = await sendAt(NOW + 25 * HOUR)
    expect(renewed.expiresAt).toBe(grant.expiresAt + 19 * 3600)
    expect((await sendAt(NOW + 73 * HOUR)).expiresAt).toBeGreaterThan((NOW + 73 * HOUR) / 1000)
  })

  it('keeps the old grant while the wallet declines, asks again 10, 20, 40 minutes later, and refuses to sign once it ran out', async () => {
    const w = promptedWallet()
    let clock = NOW
    const { signer } = await authorizeSession({ wallet: w, peerId: PEER, chainId: 31337, now: () => clock })
    const signAt = async (t: number): Promise<unknown> => { clock = t; return (await signer.seal(() => '{}')).auth }
    w.declining = true
    await signAt(NOW + 19 * HOUR) // asked (2), declined
    await signAt(NOW + 19 * HOUR + 5 * MINUTE)
    expect(w.prompts).toBe(2)
    await signAt(NOW + 19 * HOUR + 10 * MINUTE) // asked (3), declined: next in 20 minutes
    await signAt(NOW + 19 * HOUR + 25 * MINUTE)
    expect(w.prompts).toBe(3)
    await signAt(NOW + 19 * HOUR + 30 * MINUTE) // asked (4), declined: next in 40 minutes
    expect(w.prompts).toBe(4)
    await signAt(NOW + 24 * HOUR - 5 * MINUTE) // asked (5), declined: next in 80 minutes; the old grant still signs
    expect(w.prompts).toBe(5)
    // at 23:59 the old grant is too close to its end to use
    const expired = signAt(NOW + 24 * HOUR - MINUTE)
    await expect(expired).rejects.toBeInstanceOf(SessionExpiredError)
    await expect(expired).rejects.toThrow(/did not sign a new one: User rejected the request/)
    expect(w.prompts).toBe(5)
    w.declining = false
    await signAt(NOW + 24 * HOUR + 75 * MINUTE) // asked (6), signed
    expect(grantOf(await signAt(NOW + 30 * HOUR)).expiresAt).toBe((NOW + 48 * HOUR + 75 * MINUTE) / 1000)
    expect(w.prompts).toBe(6)
  })

  it('refuses a renewal the wallet signed as another account, as every receiver would', async () => {
    const w = promptedWallet()
    let clock = NOW
    const { grant, signer } = await authorizeSession({ wallet: w, peerId: PEER, chainId: 31337, now: () => clock })
    w.as = privateKeyToAccount(generatePrivateKey())
    clock = NOW + 19 * HOUR
    expect(grantOf((await signer.seal(() => '{}')).auth)).toEqual(grantOf(grant))
    clock = NOW + 24 * HOUR
    await expect(signer.seal(() => '{}')).rejects.toThrow(/signed the session grant as 0x[0-9a-f]{40}, not as .*switch the wallet back/)
  })

  it('asks again when a prompt stays unanswered, fails a message after 30 s rather than holding it, and takes a late answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const w = promptedWallet()
      let clock = NOW
      const { signer } = await authorizeSession({ wallet: w, peerId: PEER, chainId: 31337, now: () => clock })
      const signAt = async (t: number): Promise<unknown> => { clock = t; return (await signer.seal(() => '{}')).auth }
      w.silent = true
      await signAt(NOW + 19 * HOUR) // asked (2), no answer
      await signAt(NOW + 19 * HOUR + 5 * MINUTE)
      expect(w.prompts).toBe(2)
      await signAt(NOW + 19 * HOUR + 11 * MINUTE) // unanswered for 10 minutes: declined, asked again in 10
      expect(w.prompts).toBe(2)
      await signAt(NOW + 19 * HOUR + 22 * MINUTE) // asked (3), no answer
      expect(w.prompts).toBe(3)
      // spent, the last prompt unanswered for hours: a message waits 30 s for an answer, not forever
      const failsAfterWait = async (t: number): Promise<void> => {
        clock = t
        const waiting = signer.seal(() => '{}')
        waiting.catch(() => {})
        await vi.advanceTimersByTimeAsync(GRANT_RENEW_WAIT_MS)
        await expect(waiting).rejects.toThrow(/has not answered the request for a new session grant/)
      }
      await failsAfterWait(NOW + 24 * HOUR)
      expect(w.prompts).toBe(3)
      // asked (4) when the retry is due (20 minutes after the second prompt was given up on)
      await failsAfterWait(NOW + 25 * HOUR)
      expect(w.prompts).toBe(4)
      // the answer comes late: the grant it signs is taken
      w.answer()
      await vi.waitFor(async () => { expect(grantOf(await signAt(NOW + 25 * HOUR + MINUTE)).expiresAt).toBe((NOW + 49 * HOUR) / 1000) })
      expect(w.prompts).toBe(4)
    } finally {
      vi.useRealTimers()
    }
  })

  it('stamps a message that waited for its renewed grant with the time it leaves, so the wait does not eat the receivers\' 60 s', async () => {
    const w = promptedWallet()
    let clock = NOW
    const { signer } = await authorizeSession({ wallet: w, peerId: PEER, chainId: 31337, now: () => clock })
    w.silent = true
    clock = NOW + 24 * HOUR // the grant is spent, and the wallet takes 25 s to sign the new one
    const sending = encodeTaskMessage(signer, '7', 'presence', presence, { now: () => clock })
    await vi.waitFor(() => { expect(w.prompts).toBe(2) })
    clock += 25_000
    w.answer()
    const bytes = await sending
    expect(JSON.parse(JSON.parse(new TextDecoder().decode(bytes)).payload).sentAt).toBe(clock)
    // 40 s in flight and in queues: 65 s after the message was asked for, 40 s after it left
    await createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => clock + 40_000 }).verify(bytes, ctx())
  })

  it('refuses a grant too short to renew in time, or of a fraction of a second', async () => {
    await expect(authorizeSession({ wallet, peerId: PEER, chainId: 31337, ttlSeconds: 60 })).rejects.toThrow(/from 48 minutes/)
    await expect(authorizeSession({ wallet, peerId: PEER, chainId: 31337, ttlSeconds: 86_400.5 })).rejects.toThrow(/whole number of seconds/)
  })
})
