/**
 * Who may do what to a model, as ModelRegistry checks it, so the page offers an action only to
 * those the contract would accept and says why to everyone else.
 */
import { isAddressEqual, type Address } from 'viem'

export type Permission = { allowed: true } | { allowed: false, reason: string }

const yes: Permission = { allowed: true }
const no = (reason: string): Permission => ({ allowed: false, reason })

export interface Viewer {
  /** undefined: no wallet connected on this network */
  account: Address | undefined
  /** holds the registry's GOVERNANCE_ROLE */
  governor: boolean
}

/** `fork`: anyone, from a final version. */
export function canFork (viewer: Viewer, versionStatus: string | undefined): Permission {
  if (viewer.account === undefined) return no('Connect a wallet to fork.')
  if (versionStatus === undefined) return no('Pick a version to fork from.')
  if (versionStatus !== 'Final') return no(`Only final versions can be forked; this one is ${versionStatus}.`)
  return yes
}

/** `rollback`: the model owner or governance, to an ancestor of the head. */
export function canRollback (viewer: Viewer, owner: Address, ancestors: number): Permission {
  if (viewer.account === undefined) return no('Connect the owner\'s wallet to roll back.')
  if (!isAddressEqual(viewer.account, owner) && !viewer.governor) return no(`Only the model owner (${owner}) or governance may roll back.`)
  if (ancestors === 0) return no('The head has no ancestor to roll back to.')
  return yes
}

/**
 * `merge`: the model owner only, and not while the model's task still trains it (`taskStatus`
 * undefined for a model without a task: the registry reverts `TaskModelLocked` while it is Joining
 * or Running).
 */
export function canMerge (viewer: Viewer, owner: Address, taskStatus?: string): Permission {
  if (viewer.account === undefined) return no('Connect the owner\'s wallet to merge.')
  if (!isAddressEqual(viewer.account, owner)) return no(`Only the model owner (${owner}) may merge into this model.`)
  if (taskStatus === 'Joining' || taskStatus === 'Running') return no(`The model's task is ${taskStatus}: its rounds move the head until it ends, so merge once it has.`)
  return yes
}
