import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { formatUnits, parseUnits } from 'viem'
import { useConnection } from 'wagmi'
import { claim, readClaimable, readReputation, readStake, requestUnstake, stake, withdrawStake } from '../../chain/actions/index.ts'
import { TIME_CATEGORIES } from '../../provider/timing.ts'
import { BACKENDS, isBackendName, type BackendName } from '../../train/backendChoice.ts'
import { NetworkPanel } from '../components/NetworkPanel.tsx'
import { TxStatus } from '../components/TxStatus.tsx'
import { ControlsPanel } from '../contribute/ControlsPanel.tsx'
import { RecordPanel } from '../contribute/RecordPanel.tsx'
import { BACKEND_KEY, startContributing, stopContributing } from '../contribute/useResumeContribution.ts'
import { SHARD_STEPS, shardStepOf } from '../contribute/phases.ts'
import { useContributor } from '../contribute/useContributor.ts'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useReadContext, useWriteContext } from '../hooks/useProtocol.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { Link } from '../router.tsx'
import './contribute.css'
import { roundNumber } from '../../core/taskPhase.ts'

const TIME_COLUMNS = TIME_CATEGORIES
const mlb = (value: bigint): string => formatUnits(value, 18)

interface AccountFigures { staked?: bigint, locked?: bigint, unbonding?: bigint, claimable?: bigint, reputation?: string, refetch: () => void }

function useAccountFigures (): AccountFigures {
  const read = useReadContext()
  const { address } = useConnection()
  const query = useQuery({
    queryKey: ['contribute-figures', address, read.contracts.RewardDistributor],
    enabled: address !== undefined,
    refetchInterval: 2000,
    queryFn: async () => {
      const account = address!
      const [stakeState, claimable, reputation] = await Promise.all([
        readStake(read, { account }), readClaimable(read, { account }), readReputation(read, { account })
      ])
      return { stakeState, claimable, reputation }
    }
  })
  const data = query.data
  return {
    ...(data === undefined
      ? {}
      : {
          staked: data.stakeState.staked,
          locked: data.stakeState.locked,
          unbonding: data.stakeState.unbonding,
          claimable: data.claimable,
          reputation: `${data.reputation.reputation} (${data.reputation.accepted} accepted, ${data.reputation.outvoted} outvoted, ${data.reputation.missed} missed)`
        }),
    refetch: () => { void query.refetch() }
  }
}

function StakePanel ({ figures }: { figures: AccountFigures }): React.JSX.Element {
  const ctx = useWriteContext()
  const [amount, setAmount] = useState('100')
  const action = useTransactor()
  let parsed: bigint | undefined
  try { parsed = parseUnits(amount, 18) } catch { parsed = undefined }
  return (
    <section className="panel" aria-labelledby="stake-title">
      <h2 id="stake-title">Stake</h2>
      <p>Staked: <strong data-testid="staked">{figures.staked === undefined ? '…' : mlb(figures.staked)}</strong> MLB
        {figures.locked !== undefined && figures.locked > 0n && <> · <span data-testid="locked">{mlb(figures.locked)}</span> MLB locked for tasks</>}
        {figures.unbonding !== undefined && figures.unbonding > 0n && <> · unbonding {mlb(figures.unbonding)} MLB</>}
      </p>
      <p className="muted">
        Joining a task locks its minimum stake for that task alone, until the task has ended and its challenge window passed; Contribute stakes
        what is short and frees the locks of ended tasks. Stake is slashed only on proof of a bad result.
      </p>
      <div className="row">
        <input aria-label="Amount in MLB" data-testid="stake-amount" value={amount} onChange={(e) => { setAmount(e.target.value) }} size={10} />
        <button type="button" data-testid="stake" disabled={parsed === undefined || parsed <= 0n} onClick={() => { void action.run(ctx, async (c) => await stake(c, { amount: parsed! })).then(figures.refetch) }}>Stake</button>
        <button type="button" data-testid="unstake" disabled={parsed === undefined || parsed <= 0n} onClick={() => { void action.run(ctx, async (c) => await requestUnstake(c, { amount: parsed! })).then(figures.refetch) }}>Request unstake</button>
        <button type="button" data-testid="withdraw-stake" onClick={() => { void action.run(ctx, async (c) => await withdrawStake(c)).then(figures.refetch) }}>Withdraw unlocked</button>
      </div>
      <TxStatus state={action.state} testId="stake-status" />
    </section>
  )
}

function EarningsPanel ({ figures }: { figures: AccountFigures }): React.JSX.Element {
  const ctx = useWriteContext()
  const action = useTransactor()
  const [claimed, setClaimed] = useState<bigint>()
  return (
    <section className="panel" aria-labelledby="earnings-title">
      <h2 id="earnings-title">Earnings</h2>
      <p>Claimable: <strong data-testid="claimable" data-wei={figures.claimable?.toString()}>{figures.claimable === undefined ? '…' : mlb(figures.claimable)}</strong> MLB</p>
      <p>Reputation: <span data-testid="reputation">{figures.reputation ?? '…'}</span></p>
      <button
        type="button" data-testid="claim" disabled={figures.claimable === undefined || figures.claimable === 0n}
        onClick={() => { void action.run(ctx, async (c) => await claim(c)).then((r) => { if (r !== undefined) setClaimed(r.amount); figures.refetch() }) }}
      >Claim
      </button>
      <TxStatus state={action.state} testId="claim-status" />
      {claimed !== undefined && action.state.phase === 'confirmed' && <p className="ok" data-testid="claimed" data-wei={claimed.toString()}>Claimed {mlb(claimed)} MLB.</p>}
    </section>
  )
}

function ContributeSwitch (): React.JSX.Element {
  const network = useNetworkConfig()
  const ctx = useWriteContext()
  const state = useContributor()
  const [backend, setBackend] = useState<BackendName | 'auto'>(() => {
    const saved = localStorage.getItem(BACKEND_KEY)
    return isBackendName(saved) ? saved : 'auto'
  })
  const step = shardStepOf(state.step?.phase)
  const progress = state.progress
  return (
    <section className="panel contribute" aria-labelledby="contribute-title">
      <h2 id="contribute-title">Contribute</h2>
      <div className="row">
        <label className="switch">
          <input
            type="checkbox" role="switch" data-testid="contribute-toggle" checked={state.on} disabled={ctx === undefined && !state.on}
            onChange={(e) => {
              if (e.target.checked && ctx !== undefined) startContributing(network, ctx)
              else stopContributing()
            }}
          />
          {' '}{state.on ? 'Contributing' : 'Contribute'}
        </label>
        <label>
          Backend{' '}
          <select
            data-testid="backend-select" value={backend} disabled={state.on}
            onChange={(e) => {
              const next = e.target.value
              setBackend(isBackendName(next) ? next : 'auto')
              if (isBackendName(next)) localStorage.setItem(BACKEND_KEY, next)
              else localStorage.removeItem(BACKEND_KEY)
            }}
          >
            <option value="auto">auto (fastest measured)</option>
            {BACKENDS.map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
        </label>
      </div>
      {ctx === undefined && !state.on && <p className="muted">Connect a wallet on this network to contribute.</p>}
      <dl>
        <dt>Task</dt>
        <dd data-testid="contribute-task">{state.taskId === undefined ? 'none' : <Link to={{ page: 'task', taskId: state.taskId }}>#{state.taskId.toString()}</Link>}</dd>
        <dt>Backend</dt>
        <dd data-testid="contribute-backend">{state.backend === undefined ? '…' : `${state.backend.name} (${state.backend.source})`}{state.speed === undefined ? '' : `, ${Math.round(state.speed)} samples/s`}</dd>
        <dt>Now</dt>
        <dd data-testid="provider-phase" data-phase={state.step?.phase ?? 'stopped'}>
          {state.step === undefined ? 'off' : `${state.step.phase}${state.step.round === undefined ? '' : ` · round ${roundNumber(state.step.round)}`}${state.step.shard === undefined ? '' : ` · shard ${state.step.shard}`}`}
        </dd>
      </dl>
      {state.step?.detail !== undefined && <p className="muted" data-testid="provider-detail">{state.step.detail}</p>}
      <ol className="shard-steps" aria-label="Current shard">
        {SHARD_STEPS.map((s, i) => <li key={s.label} className={i < step ? 'done' : i === step ? 'current' : ''}>{s.label}</li>)}
      </ol>
      {step === 1 && progress !== undefined && (
        <progress data-testid="train-progress" max={progress.steps} value={progress.step}>{progress.step} / {progress.steps}</progress>
      )}
      {state.error !== undefined && <p className="error" role="alert" data-testid="contribute-error">{state.error}</p>}
      {state.timings !== undefined && state.timings.length > 0 && (
        <table className="timings" data-testid="round-timings" data-timings={JSON.stringify(state.timings)}>
          <caption>Where this tab's time went, per round (seconds)</caption>
          <thead><tr><th>Round</th>{TIME_COLUMNS.map((c) => <th key={c}>{c}</th>)}</tr></thead>
          <tbody>
            {state.timings.map((t) => <tr key={t.round}><td>{roundNumber(t.round)}</td>{TIME_COLUMNS.map((c) => <td key={c}>{t[c].toFixed(1)}</td>)}</tr>)}
          </tbody>
        </table>
      )}
      {state.log.length > 0 && (
        <details open>
          <summary>Activity</summary>
          <ul className="activity" data-testid="contribute-log">{state.log.map((line, i) => <li key={`${i}-${line}`}>{line}</li>)}</ul>
        </details>
      )}
    </section>
  )
}

export function ContributePage (): React.JSX.Element {
  const figures = useAccountFigures()
  const { status, address } = useConnection()
  return (
    <>
      <ContributeSwitch />
      <ControlsPanel />
      {status === 'connected' && (
        <div className="grid">
          <StakePanel figures={figures} />
          <EarningsPanel figures={figures} />
        </div>
      )}
      {address !== undefined && <RecordPanel account={address} />}
      <NetworkPanel />
    </>
  )
}
