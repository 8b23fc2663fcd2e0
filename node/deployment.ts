import { readFileSync } from 'node:fs'
import { getAddress, type Address } from 'viem'

interface BroadcastTransaction {
  transactionType: string
  contractName: string | null
  contractAddress: string | null
}

interface BroadcastReceipt {
  blockNumber: string
}

/**
 * Reads what a `forge script --broadcast` run deployed from its broadcast log: the addresses it
 * created and the first block it wrote to (no log of those contracts is older), so the deployment
 * reaches the app without anyone copying it.
 */
export function readDeployment (broadcastFile: string): { contracts: Record<string, Address>, deploymentBlock: number } {
  const log = JSON.parse(readFileSync(broadcastFile, 'utf8')) as { transactions: BroadcastTransaction[], receipts: BroadcastReceipt[] }
  const contracts: Record<string, Address> = {}
  for (const tx of log.transactions) {
    if (tx.transactionType === 'CREATE' && tx.contractName !== null && tx.contractAddress !== null) {
      contracts[tx.contractName] = getAddress(tx.contractAddress)
    }
  }
  const blocks = log.receipts.map((r) => Number(BigInt(r.blockNumber)))
  if (blocks.length === 0) throw new Error(`${broadcastFile} records no mined transaction`)
  return { contracts, deploymentBlock: Math.min(...blocks) }
}
