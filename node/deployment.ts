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
 * Reads the addresses a `forge script --broadcast` run created from its broadcast log, so
 * deployment addresses reach the app without anyone copying them.
 */
export function readDeployment (broadcastFile: string): Record<string, Address> {
  const log = JSON.parse(readFileSync(broadcastFile, 'utf8')) as { transactions: BroadcastTransaction[] }
  const addresses: Record<string, Address> = {}
  for (const tx of log.transactions) {
    if (tx.transactionType === 'CREATE' && tx.contractName !== null && tx.contractAddress !== null) {
      addresses[tx.contractName] = getAddress(tx.contractAddress)
    }
  }
  return addresses
}

/** The first block the broadcast wrote to: no log of the deployed contracts is older. */
export function readDeploymentBlock (broadcastFile: string): number {
  const log = JSON.parse(readFileSync(broadcastFile, 'utf8')) as { receipts: BroadcastReceipt[] }
  const blocks = log.receipts.map((r) => Number(BigInt(r.blockNumber)))
  if (blocks.length === 0) throw new Error(`${broadcastFile} records no mined transaction`)
  return Math.min(...blocks)
}
