/**
 * A dispute end to end, from the browser: two volunteers train a one-shard task; one of them
 * cheats by pinning other bytes than the delta whose fingerprint it reveals (a poisoned pin). Both
 * fingerprints agree, so the shard is accepted; the honest volunteer, recomputing the round's
 * version, finds the cheat's bytes do not open and challenges the result; the referee (the stack's
 * own, which audits nothing in the e2e stack, so the challenge is what catches the cheat) upholds
 * it, and the cheat is slashed with the honest volunteer as reporter. The round's version is final,
 * and the task page and the cheat's own record show the slash.
 */
import { parseEther, sha256, stringToBytes } from 'viem'
import type { Page } from '@playwright/test'
import { readClaimable, readRound, readTask, readVersion } from '../src/chain/actions/index.ts'
import { ConsensusVerifierAbi, RewardDistributorAbi } from '../src/chain/generated/abis.ts'
import { devAccount } from '../src/chain/devAccounts.ts'
import { evidenceCid } from '../src/core/referee/evidence.ts'
import type { BrowserNode } from '../src/p2p/index.ts'
import { expect, test } from './fixtures.ts'
import { connect, createTaskInWizard, openRoute, volunteer } from './volunteer.ts'

const CREATOR = 1
const HONEST = 5
const CHEAT = 6
const MIN_STAKE_SHARE = 10n // the reporter's share of a slash, in percent

/**
 * Makes the app's own node pin poisoned bytes for every delta it stores, while it keeps reading
 * the honest ones back (so its own checks pass): what a cheat's modified client does.
 */
async function poisonDeltaPins (page: Page): Promise<void> {
  // The app starts its node when the page is idle; until then browserNode(null) would start one
  // with no network configuration. A connected relay means the app's node is the one handed back.
  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-connected', 'true')
  await page.evaluate(async () => {
    const { browserNode } = await import(/* @vite-ignore */ '/src/app/browserNode.ts' as string) as { browserNode: (n: unknown) => Promise<BrowserNode> }
    const { blobs } = (await browserNode(null)).storage
    const put = blobs.put.bind(blobs)
    const get = blobs.get.bind(blobs)
    const honest = new Map<string, Uint8Array>()
    blobs.put = async (bytes, opts) => {
      if (opts.kind !== 'delta') return await put(bytes, opts)
      const poisoned = bytes.slice()
      poisoned[poisoned.length >> 1]! ^= 0xff
      const cid = await put(poisoned, opts)
      honest.set(cid.toString(), bytes)
      return cid
    }
    blobs.get = async (cid, opts) => honest.get(cid.toString()) ?? await get(cid, opts)
  })
}

test('@faults @dispute a volunteer that pins poisoned bytes is challenged by the honest one and slashed by the referee', async ({ openPeerPage, read: ctx }) => {
  test.setTimeout(8 * 60_000)
  const [honest, cheat] = [await openPeerPage(), await openPeerPage()]
  await volunteer(honest, HONEST)
  await connect(cheat, CHEAT)
  await poisonDeltaPins(cheat)
  await cheat.getByTestId('backend-select').selectOption('wasm')
  await cheat.getByTestId('contribute-toggle').check()

  const creator = await openPeerPage()
  await connect(creator, CREATOR)
  const taskId = await createTaskInWizard(creator, { rounds: 1, shards: 1, replication: 2, reward: '10', joinWindow: 30 })
  await expect.poll(async () => (await readTask(ctx, { taskId })).status, { timeout: 5 * 60_000, intervals: [2000] }).toBe('Completed')

  // The referee upheld the honest volunteer's challenge: the cheat's result was slashed for its bytes.
  // Nothing orders its verdict before the task completes (the challenged result was accepted),
  // and the referee, a process of its own, may take its turn on the CPU a few seconds later.
  const resultSlashes = async () => await ctx.publicClient.getContractEvents({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'ResultSlashed', args: { taskId }, fromBlock: 0n, strict: true })
  await expect.poll(async () => (await resultSlashes()).map((e) => [e.args.provider, e.args.reason]), { timeout: 60_000, intervals: [2000] }).toEqual([[devAccount(CHEAT).address, 0]]) // FingerprintMismatch
  const slashes = await resultSlashes()
  const [slashed] = await ctx.publicClient.getContractEvents({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, eventName: 'Slashed', args: { provider: devAccount(CHEAT).address }, fromBlock: slashes[0]!.blockNumber, toBlock: slashes[0]!.blockNumber, strict: true })
  expect(slashed?.args.reporter).toBe(devAccount(HONEST).address)
  expect(slashed?.args.reporterShare).toBe(slashed!.args.amount * MIN_STAKE_SHARE / 100n)
  // The cheat keeps nothing it earned; the round's version is final.
  expect(await readClaimable(ctx, { account: devAccount(CHEAT).address })).toBe(0n)
  // Its reward, its challenge bond back, and the reporter's share, paid when the slash takes effect:
  // once its appeal delay (60 s on the local chain) passed and the stack's referee executed it.
  await expect.poll(async () => await readClaimable(ctx, { account: devAccount(HONEST).address }), { timeout: 3 * 60_000, intervals: [2000] }).toBeGreaterThanOrEqual(parseEther('20') + slashed!.args.reporterShare)
  const { versionId } = await readRound(ctx, { taskId, round: 0 })
  expect((await readVersion(ctx, { versionId })).status).toBe('Final')
  for (const page of [honest, cheat]) await page.getByTestId('contribute-toggle').uncheck()

  // The slash names the referee's report, which it pinned first: the creator's node fetches it from
  // the pinner by the CID the on-chain hash gives, and it is the upheld challenge's report.
  const evidence = slashes[0]!.args.evidence
  const report = await creator.evaluate(async (evidence) => {
    const { browserNode } = await import(/* @vite-ignore */ '/src/app/browserNode.ts' as string) as { browserNode: (n: unknown) => Promise<BrowserNode> }
    const { evidenceCid } = await import(/* @vite-ignore */ '/src/core/referee/evidence.ts' as string) as typeof import('../src/core/referee/evidence.ts')
    let text = ''
    const utf8 = new TextDecoder()
    for await (const chunk of (await browserNode(null)).helia.blockstore.get(evidenceCid(evidence), { signal: AbortSignal.timeout(30_000) })) text += utf8.decode(chunk, { stream: true })
    return text + utf8.decode()
  }, evidence)
  expect(sha256(stringToBytes(report))).toBe(evidence)
  expect(JSON.parse(report)).toMatchObject({ type: 'mlbridge/referee-result-challenge/1', taskId: taskId.toString(), outcome: { kind: 'audit' } })

  // The task page shows the upheld challenge and the slash it caused; the cheat's own record shows the slash.
  await openRoute(creator, `#/tasks/${taskId}`)
  const slash = creator.locator(`[data-testid="disputes"] [data-testid="slash-row"][data-provider="${devAccount(CHEAT).address}"]`)
  await expect(slash).toHaveAttribute('data-reason', 'FingerprintMismatch', { timeout: 30_000 })
  await expect(slash).toHaveAttribute('data-cause', 'challenge')
  await expect(slash.locator('code.td-cid')).toHaveText(evidenceCid(evidence).toString())
  // Its appeal delay passed and the stack's referee executed it (the reporter was paid above).
  await expect(slash.getByTestId('slash-appeal')).toHaveAttribute('data-state', 'executed', { timeout: 30_000 })
  await expect(creator.locator(`[data-testid="disputes"] [data-testid="challenge-row"][data-challenger="${devAccount(HONEST).address}"]`)).toHaveAttribute('data-outcome', 'upheld')
  await expect(cheat.locator('[data-testid="my-slashes"] [data-testid="slash-row"]')).toHaveAttribute('data-task', taskId.toString(), { timeout: 30_000 })
  await expect(cheat.getByTestId('my-forfeited')).not.toHaveAttribute('data-wei', '0')
})
