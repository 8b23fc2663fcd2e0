import { formatUnits } from 'viem'
import { useConnection, useReadContract } from 'wagmi'
import { MLBTokenAbi } from '../../chain/generated/abis.ts'
import { LOCAL_CHAIN_ID } from '../../core/networkConfig.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { useTransaction } from '../hooks/useTransaction.ts'
import { TxStatus } from './TxStatus.tsx'

export function TokenPanel (): React.JSX.Element | null {
  const network = useNetworkConfig()
  const { address, status, chainId } = useConnection()
  const token = network.contracts.MLBToken
  const onChain = status === 'connected' && chainId === network.chainId
  const balance = useReadContract({
    address: token,
    abi: MLBTokenAbi,
    functionName: 'balanceOf',
    args: address === undefined ? undefined : [address],
    query: { enabled: onChain && address !== undefined }
  })
  const faucet = useTransaction()

  if (!onChain) return null
  const busy = faucet.state.phase === 'signing' || faucet.state.phase === 'pending'
  return (
    <section className="panel" aria-labelledby="token-title">
      <h2 id="token-title">MLB token</h2>
      <p>
        Balance:{' '}
        <strong data-testid="mlb-balance">
          {balance.data === undefined ? '…' : formatUnits(balance.data, 18)}
        </strong>{' '}MLB
      </p>
      {balance.error !== null && <p className="error" role="alert">Could not read the balance: {balance.error.shortMessage}</p>}
      {network.chainId === LOCAL_CHAIN_ID && (
        <>
          <button
            type="button"
            data-testid="faucet"
            disabled={busy}
            onClick={() => {
              void faucet.send({ address: token, abi: MLBTokenAbi, functionName: 'faucet' }).then(async () => await balance.refetch())
            }}
          >
            Get test MLB from the faucet
          </button>
          <TxStatus state={faucet.state} testId="faucet-status" />
        </>
      )}
    </section>
  )
}
