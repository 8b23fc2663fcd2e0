import { useQuery } from '@tanstack/react-query'
import type { Address } from 'viem'
import { readTokenBalance } from '../../chain/actions/index.ts'
import { useReadContext } from './useProtocol.ts'

/** `account`'s MLB balance, re-read every few seconds; `refetch` after a transaction that moves it. */
export function useTokenBalance (account: Address | undefined, opts: { enabled?: boolean } = {}): { balance: bigint | undefined, error: Error | null, refetch: () => Promise<unknown> } {
  const ctx = useReadContext()
  const query = useQuery({
    queryKey: ['mlb-balance', ctx.contracts.MLBToken, account],
    queryFn: async () => await readTokenBalance(ctx, { account: account as Address }),
    enabled: account !== undefined && opts.enabled !== false,
    refetchInterval: 2000
  })
  return { balance: query.data, error: query.error, refetch: query.refetch }
}
