/**
 * Gossip topics are per task, so a peer only carries the traffic of the tasks it works on, and
 * a validator knows from the topic alone which message types may appear on it.
 */
export const TOPIC_KINDS = ['rounds', 'presence', 'artifacts', 'endorsements'] as const
export type TopicKind = typeof TOPIC_KINDS[number]

export const TASK_TOPIC_PREFIX = 'mlbridge/task/'

/** uint256 task IDs as decimal strings, as the contracts number them */
export const TASK_ID_PATTERN = /^(0|[1-9]\d{0,77})$/

export function taskTopic (taskId: string, kind: TopicKind): string {
  if (!TASK_ID_PATTERN.test(taskId)) throw new RangeError(`task ID must be a decimal uint256, got '${taskId}'`)
  return `${TASK_TOPIC_PREFIX}${taskId}/${kind}`
}

export function taskTopics (taskId: string): Record<TopicKind, string> {
  return { rounds: taskTopic(taskId, 'rounds'), presence: taskTopic(taskId, 'presence'), artifacts: taskTopic(taskId, 'artifacts'), endorsements: taskTopic(taskId, 'endorsements') }
}

export interface ParsedTaskTopic { taskId: string, kind: TopicKind }

/** undefined for anything that is not exactly `mlbridge/task/<id>/<kind>` */
export function parseTaskTopic (topic: string): ParsedTaskTopic | undefined {
  if (!topic.startsWith(TASK_TOPIC_PREFIX)) return undefined
  const [taskId, kind, ...rest] = topic.slice(TASK_TOPIC_PREFIX.length).split('/')
  if (rest.length > 0 || taskId == null || !TASK_ID_PATTERN.test(taskId)) return undefined
  return (TOPIC_KINDS as readonly string[]).includes(kind ?? '') ? { taskId, kind: kind as TopicKind } : undefined
}
