/**
 * `npm run bench -- gossipAuth [--senders N] [--messages N] [--json FILE]`
 *
 * What a receiver pays to authenticate a round's gossip (docs/protocol.md, "Authorization"), the
 * relay and every volunteer alike: messages of `--senders` wallets, `--messages` in all, each
 * verified as gossip arrives (schema, replay window, authorization; membership is not read). The
 * baseline is a wallet's EIP-191 signature of every payload, one secp256k1 recovery per message
 * and receiver, which is also what each session message cost while a session key signed every
 * payload; against it, session grants, whose sending peer's gossip signature binds the payload:
 * one recovery per sender and grant. Both kinds in the same run, on the same bodies.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { anyWallet, authorizeSession, createMessageVerifier, encodeTaskMessage, taskTopic, walletMessageSigner, type MessageSigner } from '../../src/core/messages/index.ts'
import type { BenchContext } from '../bench.ts'
import { integerFlag, type FlagOptions } from '../cli/args.ts'

export const FLAGS = {
  senders: { type: 'string' },
  messages: { type: 'string' }
} as const satisfies FlagOptions

const CHAIN = 31337
const TASK = '7'
const NOW = 1_800_000_000_000
/** well-formed peer IDs, one per sender (the receiver checks only their form and that they match) */
const peerIdOf = (i: number): string => `12D3KooW${String(i).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!).padStart(44, 'A')}`

export interface GossipAuthRow {
  auth: 'wallet' | 'session'
  /** a receiver's time to verify one message, in ms (the mean over the run) */
  verifyMs: number
  /** a sender's time to sign or attach the authorization, per message, in ms */
  signMs: number
  /** one message's bytes as gossip carries it (a round event) */
  bytes: number
}

export interface GossipAuthResult {
  senders: number
  messages: number
  rows: GossipAuthRow[]
  /** the wallet row's verifyMs over the session row's */
  verifyRatio: number
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<GossipAuthResult> {
  const senders = integerFlag('--senders', flags.senders ?? '32', 1, 1000)
  const messages = integerFlag('--messages', flags.messages ?? '640', senders)
  const wallets = Array.from({ length: senders }, () => privateKeyToAccount(generatePrivateKey()))
  const signers: Record<GossipAuthRow['auth'], MessageSigner[]> = {
    wallet: wallets.map((w, i) => walletMessageSigner(w, peerIdOf(i), CHAIN)),
    session: await Promise.all(wallets.map(async (w, i) => (await authorizeSession({ wallet: w, peerId: peerIdOf(i), chainId: CHAIN, now: () => NOW })).signer))
  }
  const rows: GossipAuthRow[] = []
  log(`${senders} senders, ${messages} round events, verified as one receiver does`)
  log('auth       verify ms/msg   sign ms/msg   bytes/msg')
  for (const auth of ['wallet', 'session'] as const) {
    const verifier = createMessageVerifier({ chainId: CHAIN, membership: anyWallet, now: () => NOW })
    const encoded: Array<{ bytes: Uint8Array, peerId: string }> = []
    let t = performance.now()
    for (let m = 0; m < messages; m++) {
      const signer = signers[auth][m % senders]!
      // each message its own payload (the replay window refuses copies), all inside the window
      const bytes = await encodeTaskMessage(signer, TASK, 'rounds', { type: 'round', taskId: TASK, round: m, phase: 'commit' }, { now: () => NOW - m })
      encoded.push({ bytes, peerId: signer.peerId })
    }
    const signMs = (performance.now() - t) / messages
    t = performance.now()
    for (const { bytes, peerId } of encoded) await verifier.verify(bytes, { topic: taskTopic(TASK, 'rounds'), peerId })
    const verifyMs = (performance.now() - t) / messages
    const row = { auth, verifyMs, signMs, bytes: Math.round(encoded.reduce((n, e) => n + e.bytes.length, 0) / messages) }
    rows.push(row)
    log(`${auth.padEnd(10)} ${verifyMs.toFixed(3).padStart(13)} ${signMs.toFixed(3).padStart(13)} ${String(row.bytes).padStart(11)}`)
  }
  const verifyRatio = rows[0]!.verifyMs / rows[1]!.verifyMs
  log(`session grants verify ${verifyRatio.toFixed(1)}x faster per message than a signature per message`)
  return { senders, messages, rows, verifyRatio }
}
