import { backoffDelay } from '../core/backoff.ts'
import { groupByPeerId } from './addresses.ts'
import { watchReservation, type ReservationWatchOptions } from './reservationWatch.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface RelayKeeperOptions {
  /** first retry after a failed dial or a dropped connection @default 250 */
  initialDelayMs?: number
  /** retries never wait longer than this, so a restarted relay is found quickly @default 5000 */
  maxDelayMs?: number
  /** @default 2 */
  backoffFactor?: number
  /** one dial attempt gives up after this @default 5000 */
  dialTimeoutMs?: number
  /** when to hang up a relay whose reservation was lost while connected (src/p2p/reservationWatch.ts) */
  reservation?: ReservationWatchOptions
}

export interface RelayKeeperState {
  /** relay peer IDs with an open connection */
  connected: string[]
  /** the most recent dial failure of a relay that is still not connected */
  lastError: string | null
}

/**
 * Keeps the configured relays connected for as long as it runs.
 *
 * libp2p's own reconnect queue (peers tagged `keep-alive`) gives up after five
 * tries and then drops the tag; a browser tab outlives many relay restarts of a
 * local stack, so this retries forever with capped backoff instead.
 */
export interface RelayKeeper {
  readonly relayPeerIds: readonly string[]
  state: () => RelayKeeperState
  /** called after any change of `state()`; returns an unsubscribe function */
  onChange: (listener: () => void) => () => void
  /** skip the backoff wait (e.g. the browser came back online) */
  reconnectNow: () => void
  stop: () => void
}

// libp2p's connection pruner spares peers with a tag starting with 'keep-alive'
const KEEP_ALIVE_TAG = 'keep-alive-mlbridge-relay'

interface Slot {
  id: string
  addrs: Multiaddr[]
  attempt: number
  dialing: boolean
  timer?: ReturnType<typeof setTimeout>
  lastError: string | null
}

export function keepRelaysConnected (libp2p: Libp2p, relayMultiaddrs: readonly string[], opts: RelayKeeperOptions = {}): RelayKeeper {
  const backoff = { initialMs: opts.initialDelayMs ?? 250, maxMs: opts.maxDelayMs ?? 5000, factor: opts.backoffFactor ?? 2 }
  const dialTimeout = opts.dialTimeoutMs ?? 5000

  const slots = new Map<string, Slot>()
  for (const [id, addrs] of groupByPeerId(relayMultiaddrs)) {
    slots.set(id, { id, addrs, attempt: 0, dialing: false, lastError: null })
  }
  const listeners = new Set<() => void>()
  let stopped = false

  const emit = (): void => { for (const l of [...listeners]) l() }
  const isConnected = (id: string): boolean =>
    libp2p.getConnections().some(c => c.status === 'open' && c.remotePeer.toString() === id)

  const schedule = (slot: Slot, delay: number): void => {
    if (stopped) return
    clearTimeout(slot.timer)
    slot.timer = setTimeout(() => { void dial(slot) }, delay)
  }

  const dial = async (slot: Slot): Promise<void> => {
    slot.timer = undefined
    if (stopped || slot.dialing) return
    if (libp2p.status !== 'started') return
    if (isConnected(slot.id)) { markConnected(slot); emit(); return }
    slot.dialing = true
    try {
      await libp2p.dial(slot.addrs, { signal: AbortSignal.timeout(dialTimeout) })
      markConnected(slot)
      emit()
    } catch (err) {
      if (stopped) return
      slot.attempt++
      slot.lastError = `relay unreachable at ${slot.addrs[0]?.toString() ?? slot.id}: ${describeDialError(err)}`
      schedule(slot, backoffDelay(slot.attempt, backoff))
      emit()
    } finally {
      slot.dialing = false
    }
  }

  const markConnected = (slot: Slot): void => {
    clearTimeout(slot.timer)
    slot.timer = undefined
    slot.attempt = 0
    slot.lastError = null
  }

  const onConnect = (evt: CustomEvent<PeerId>): void => {
    const slot = slots.get(evt.detail.toString())
    if (slot == null) return
    markConnected(slot)
    // stop the connection manager from pruning the relay when many peers connect
    libp2p.peerStore.merge(evt.detail, { tags: { [KEEP_ALIVE_TAG]: { value: 100 } } })
      .catch(() => { /* the tag is an optimisation, the keeper redials anyway */ })
    emit()
  }

  const onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const slot = slots.get(evt.detail.toString())
    if (slot == null || stopped) return
    // try at once: a network blip heals on the first dial, a restart needs the backoff
    schedule(slot, 0)
    emit()
  }

  const reconnectNow = (): void => {
    for (const slot of slots.values()) {
      if (isConnected(slot.id)) continue
      slot.attempt = 0
      schedule(slot, 0)
    }
  }

  const onOnline = (): void => { reconnectNow() }
  const win = globalThis as { addEventListener?: (type: string, fn: () => void) => void, removeEventListener?: (type: string, fn: () => void) => void }

  libp2p.addEventListener('peer:connect', onConnect)
  libp2p.addEventListener('peer:disconnect', onDisconnect)
  win.addEventListener?.('online', onOnline)
  for (const slot of slots.values()) schedule(slot, 0)
  const stopWatching = watchReservation(libp2p, [...slots.keys()], opts.reservation)

  return {
    relayPeerIds: [...slots.keys()],
    state: () => {
      const connected = [...slots.keys()].filter(isConnected)
      const errors = [...slots.values()].filter(s => !connected.includes(s.id) && s.lastError != null)
      return { connected, lastError: errors[0]?.lastError ?? null }
    },
    onChange: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    reconnectNow,
    stop: () => {
      stopped = true
      stopWatching()
      for (const slot of slots.values()) clearTimeout(slot.timer)
      libp2p.removeEventListener('peer:connect', onConnect)
      libp2p.removeEventListener('peer:disconnect', onDisconnect)
      win.removeEventListener?.('online', onOnline)
      listeners.clear()
    }
  }
}

/** A short reason for the UI; browsers reject a WebSocket dial with a bare Event. */
export function describeDialError (err: unknown): string {
  if (err instanceof Error) {
    // AggregateError from a multi-address dial hides the useful part in .errors
    const inner = (err as Error & { errors?: unknown[] }).errors
    const first = inner?.find((e): e is Error => e instanceof Error)
    return first != null ? `${err.message}: ${first.message}` : err.message
  }
  if (typeof err === 'object' && err != null) {
    const { message, error, type } = err as { message?: unknown, error?: unknown, type?: unknown }
    if (typeof message === 'string' && message !== '') return message
    if (error instanceof Error) return error.message
    if (type === 'error') return 'connection refused or failed'
  }
  return String(err)
}
