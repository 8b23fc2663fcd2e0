import type { Phase } from '../../provider/types.ts'

/** The shard's steps as the progress bar shows them, and which loop phases belong to each. */
export const SHARD_STEPS = [
  { label: 'fetch', phases: ['fetching'] },
  { label: 'train', phases: ['training'] },
  { label: 'upload', phases: ['uploading'] },
  { label: 'commit', phases: ['committing'] },
  { label: 'reveal', phases: ['revealing'] }
] as const satisfies ReadonlyArray<{ label: string, phases: readonly Phase[] }>

/** Index of the shard step a phase belongs to, or -1 outside a shard's work. */
export function shardStepOf (phase: Phase | undefined): number {
  return SHARD_STEPS.findIndex((s) => (s.phases as readonly Phase[]).includes(phase as Phase))
}
