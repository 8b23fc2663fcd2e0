import { useEffect, useState } from 'react'
import type { JoinedTask, NetworkStatus } from '../../p2p/index.ts'
import { browserNode } from '../browserNode.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { whenIdle } from '../whenIdle.ts'

export type NetworkState =
  | { state: 'starting' }
  | { state: 'failed'; message: string }
  /** `tasks`: the task channels this tab's node has joined, with the peers each one heard of */
  | { state: 'running'; status: NetworkStatus; tasks: JoinedTask[] }

export function useNetworkStatus (): NetworkState {
  const network = useNetworkConfig()
  const [state, setState] = useState<NetworkState>({ state: 'starting' })
  useEffect(() => {
    let unwatch: (() => void) | undefined
    let unwatchTasks: (() => void) | undefined
    let active = true
    // The node (libp2p, a relay dial) is the heaviest start-up work: after the page is drawn.
    whenIdle().then(async () => await browserNode(network)).then((node) => {
      if (!active) return
      let tasks = node.joinedTasks()
      unwatch = node.watch((status) => setState({ state: 'running', status, tasks }))
      unwatchTasks = node.watchTasks((next) => {
        tasks = next
        setState((prev) => prev.state === 'running' ? { ...prev, tasks } : prev)
      })
    }, (error: unknown) => {
      if (active) setState({ state: 'failed', message: error instanceof Error ? error.message : String(error) })
    })
    return () => {
      active = false
      unwatch?.()
      unwatchTasks?.()
    }
  }, [network])
  return state
}
