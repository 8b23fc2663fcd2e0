import type { Hex } from 'viem'
import { evidenceCid } from '../../core/referee/evidence.ts'

/** A referee's evidence as the IPFS block that holds the report (the pinner keeps it with the task). */
export function EvidenceCid ({ evidence }: { evidence: Hex }): React.JSX.Element {
  return <code className="td-cid" title={`the referee's report, sha256 ${evidence}`}>{evidenceCid(evidence).toString()}</code>
}
