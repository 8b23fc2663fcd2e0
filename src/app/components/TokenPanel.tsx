import { formatUnits } from 'viem'
import { useConnection } from 'wagmi'
import { faucet } from '../../chain/actions/index.ts'
import { LOCAL_CHAIN_ID } from '../../core/networkConfig.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { useWriteContext } from '../hooks/useProtocol.ts'
import { useTokenBalance } from '../hooks/useTokenBalance.ts'
import { useTransactor } from '../hooks/useTransactor.ts'
import { TxStatus } from './TxStatus.tsx'

export function TokenPanel (): React.JSX.Element | null {
  const network = useNetworkConfig()
  const { address, status, chainId } = useConnection()
  const ctx = useWriteContext()
  const onChain = status === 'connected' && chainId === network.chainId
  const { balance, error, refetch } = useTokenBalance(address, { enabled: onChain })
  const drip = useTransactor()

  if (!onChain) return null
  const busy = drip.state.phase === 'signing' || drip.state.phase === 'pending'
  return (
    <section className="panel" aria-labelledby="token-title">
      <h2 id="token-title">MLB token</h2>
      <p>
        Balance:{' '}
        <strong data-testid="mlb-balance">
          {balance === undefined ? '…' : formatUnits(balance, 18)}
        </strong>{' '}MLB
      </p>
      {error !== null && <p className="error" role="alert">Could not read the balance: {error.message}</p>}
      {network.chainId === LOCAL_CHAIN_ID && (
        <>
          <button
            type="button"
            data-testid="faucet"
            disabled={busy}
            onClick={() => {
              void drip.run(ctx, faucet).then(async () => await refetch())
            }}
          >
            Get test MLB from the faucet
          </button>
          <TxStatus state={drip.state} testId="faucet-status" />
        </>
      )}
    </section>
  )
}
