/**
 * The volunteer's limits on what this device lends, and the one pure rule that applies them: may
 * this device take new work now? Given the settings, the local clock, the battery, the time since
 * the volunteer last used the device and the bytes moved today, it answers allowed or paused with
 * the reason the page shows. No browser APIs here: the page gathers the conditions.
 */

export interface WeeklySchedule {
  /** off: any day, any hour */
  enabled: boolean
  /** days the window starts on, Sunday first (Date#getDay order) */
  days: readonly boolean[]
  /**
   * Local hours [startHour, endHour). A window whose end is not after its start wraps past
   * midnight and belongs to the day it starts on (Friday 22-6 runs Friday 22:00 to Saturday 06:00);
   * equal hours mean the whole day.
   */
  startHour: number
  endHour: number
}

export interface ContributionSettings {
  /** this device contributes at all (the account may contribute from others) */
  deviceOn: boolean
  /** busy fraction of the trainer, 0.1 to 1: it sleeps between batches for the rest */
  share: number
  idleOnly: boolean
  /** minutes without input on the page before it counts as idle */
  idleMinutes: number
  pauseOnBattery: boolean
  schedule: WeeklySchedule
  /** megabytes of deltas and data sent and received per local day; undefined: no cap */
  dailyCapMB?: number
}

/** the battery, where the browser tells; 'unavailable' where it has no Battery Status API */
export type BatteryCondition = { charging: boolean } | 'unavailable'

export interface ContributionConditions {
  /** local time: the schedule is in the volunteer's own hours */
  now: Date
  battery: BatteryCondition
  /** milliseconds since the volunteer last used the device (as far as the page can tell) */
  idleForMs: number
  /** bytes moved today for deltas and data */
  bytesToday: number
}

export type ContributionVerdict = { allowed: true } | { allowed: false, reason: string }

export const MIN_SHARE = 0.1

export const DEFAULT_SETTINGS: ContributionSettings = {
  deviceOn: true,
  share: 1,
  idleOnly: false,
  idleMinutes: 5,
  pauseOnBattery: true,
  schedule: { enabled: false, days: [true, true, true, true, true, true, true], startHour: 0, endHour: 0 }
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const

/** A schedule hour as the page shows it ("06:00"). */
export function hourLabel (hour: number): string {
  return `${String(hour % 24).padStart(2, '0')}:00`
}

/** Whether local time `now` falls in the weekly window. */
export function inSchedule (schedule: WeeklySchedule, now: Date): boolean {
  if (!schedule.enabled) return true
  const day = now.getDay()
  const hour = now.getHours()
  const { startHour: start, endHour: end } = schedule
  const startsOn = (d: number): boolean => schedule.days[(d + 7) % 7] === true
  if (start === end) return startsOn(day)
  if (start < end) return startsOn(day) && hour >= start && hour < end
  // Wraps past midnight: the evening part is today's window, the early hours yesterday's.
  return (hour >= start && startsOn(day)) || (hour < end && startsOn(day - 1))
}

/** The schedule in words, for the page ("Mon, Tue 22:00 to 06:00 the next day"). */
export function describeSchedule (schedule: WeeklySchedule): string {
  if (!schedule.enabled) return 'any time'
  const days = DAY_NAMES.filter((_, i) => schedule.days[i] === true).map((d) => d.slice(0, 3))
  if (days.length === 0) return 'never (no day chosen)'
  const hours = schedule.startHour === schedule.endHour
    ? 'all day'
    : `${hourLabel(schedule.startHour)} to ${hourLabel(schedule.endHour)}${schedule.endHour < schedule.startHour ? ' the next day' : ''}`
  return `${days.join(', ')} ${hours}`
}

/** May this device take new work now; if not, why (the first rule that stops it). */
export function contributionVerdict (settings: ContributionSettings, conditions: ContributionConditions): ContributionVerdict {
  if (!settings.deviceOn) return { allowed: false, reason: 'Paused: contributing is off on this device' }
  if (!inSchedule(settings.schedule, conditions.now)) return { allowed: false, reason: `Paused: outside your schedule (${describeSchedule(settings.schedule)})` }
  if (settings.pauseOnBattery && conditions.battery !== 'unavailable' && !conditions.battery.charging) return { allowed: false, reason: 'Paused: on battery' }
  const idleMs = settings.idleMinutes * 60_000
  if (settings.idleOnly && conditions.idleForMs < idleMs) {
    return { allowed: false, reason: `Paused: you are using this device (runs after ${settings.idleMinutes} min without input)` }
  }
  if (settings.dailyCapMB !== undefined && conditions.bytesToday >= settings.dailyCapMB * 1e6) {
    return { allowed: false, reason: `Paused: today's bandwidth cap of ${settings.dailyCapMB} MB is reached` }
  }
  return { allowed: true }
}

/**
 * Settings read back from storage, each field checked and clamped: a hand-edited or older entry
 * falls back to the defaults field by field rather than breaking the page.
 */
export function parseSettings (raw: unknown): ContributionSettings {
  const o = typeof raw === 'object' && raw !== null ? raw as Record<string, unknown> : {}
  const num = (v: unknown, min: number, max: number, fallback: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback
  const bool = (v: unknown, fallback: boolean): boolean => typeof v === 'boolean' ? v : fallback
  const d = DEFAULT_SETTINGS
  const s = typeof o.schedule === 'object' && o.schedule !== null ? o.schedule as Record<string, unknown> : {}
  const days = Array.isArray(s.days) && s.days.length === 7 ? s.days.map((x) => x === true) : [...d.schedule.days]
  const cap = num(o.dailyCapMB, 1, 1e6, Number.NaN)
  return {
    deviceOn: bool(o.deviceOn, d.deviceOn),
    share: num(o.share, MIN_SHARE, 1, d.share),
    idleOnly: bool(o.idleOnly, d.idleOnly),
    idleMinutes: Math.round(num(o.idleMinutes, 1, 24 * 60, d.idleMinutes)),
    pauseOnBattery: bool(o.pauseOnBattery, d.pauseOnBattery),
    schedule: {
      enabled: bool(s.enabled, d.schedule.enabled),
      days,
      startHour: Math.round(num(s.startHour, 0, 23, d.schedule.startHour)),
      endHour: Math.round(num(s.endHour, 0, 23, d.schedule.endHour))
    },
    ...(Number.isNaN(cap) ? {} : { dailyCapMB: cap })
  }
}

/**
 * How long to sleep after `busyMs` of work so that work takes `share` of the wall time
 * (share 0.25: 30 ms of training, then 90 ms of rest).
 */
export function restAfter (busyMs: number, share: number): number {
  const s = Math.min(1, Math.max(MIN_SHARE, share))
  return busyMs * (1 - s) / s
}
