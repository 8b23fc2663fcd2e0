import { describe, expect, it } from 'vitest'
import { contributionVerdict, DEFAULT_SETTINGS, describeSchedule, inSchedule, parseSettings, restAfter, type ContributionConditions, type ContributionSettings, type WeeklySchedule } from './contributionPolicy.ts'

// 2026-12-04 is a Friday; months count from 0 in Date.
const at = (day: number, hour: number, minute = 0): Date => new Date(2026, 11, day, hour, minute)
const FRIDAY = 4
const SATURDAY = 5
const SUNDAY = 6

const conditions = (patch: Partial<ContributionConditions> = {}): ContributionConditions => ({
  now: at(FRIDAY, 12), battery: { charging: true }, idleForMs: 0, bytesToday: 0, ...patch
})
const settings = (patch: Partial<ContributionSettings> = {}): ContributionSettings => ({ ...DEFAULT_SETTINGS, ...patch })
const onlyDays = (...days: number[]): boolean[] => Array.from({ length: 7 }, (_, i) => days.includes(i))
const schedule = (startHour: number, endHour: number, days = onlyDays(0, 1, 2, 3, 4, 5, 6)): WeeklySchedule => ({ enabled: true, days, startHour, endHour })

describe('contributionVerdict', () => {
  it('allows by default', () => {
    expect(contributionVerdict(DEFAULT_SETTINGS, conditions())).toEqual({ allowed: true })
  })

  it('pauses a device switched off, whatever else holds', () => {
    expect(contributionVerdict(settings({ deviceOn: false }), conditions())).toEqual({ allowed: false, reason: 'Paused: contributing is off on this device' })
  })

  it('pauses outside the schedule and names it', () => {
    const verdict = contributionVerdict(settings({ schedule: schedule(9, 17) }), conditions({ now: at(FRIDAY, 18) }))
    expect(verdict).toEqual({ allowed: false, reason: 'Paused: outside your schedule (Sun, Mon, Tue, Wed, Thu, Fri, Sat 09:00 to 17:00)' })
    expect(contributionVerdict(settings({ schedule: schedule(9, 17) }), conditions({ now: at(FRIDAY, 9) })).allowed).toBe(true)
  })

  it('pauses on battery only when asked to, and not where the browser cannot tell', () => {
    const onBattery = conditions({ battery: { charging: false } })
    expect(contributionVerdict(settings(), onBattery)).toEqual({ allowed: false, reason: 'Paused: on battery' })
    expect(contributionVerdict(settings({ pauseOnBattery: false }), onBattery).allowed).toBe(true)
    expect(contributionVerdict(settings(), conditions({ battery: 'unavailable' })).allowed).toBe(true)
  })

  it('runs idle-only after the chosen minutes without input, not a millisecond before', () => {
    const idle = settings({ idleOnly: true, idleMinutes: 5 })
    const busy = contributionVerdict(idle, conditions({ idleForMs: 5 * 60_000 - 1 }))
    expect(busy).toEqual({ allowed: false, reason: 'Paused: you are using this device (runs after 5 min without input)' })
    expect(contributionVerdict(idle, conditions({ idleForMs: 5 * 60_000 })).allowed).toBe(true)
    expect(contributionVerdict(settings({ idleOnly: false }), conditions({ idleForMs: 0 })).allowed).toBe(true)
  })

  it('stops at the daily bandwidth cap, counted in megabytes of 10^6 bytes', () => {
    const capped = settings({ dailyCapMB: 50 })
    expect(contributionVerdict(capped, conditions({ bytesToday: 50e6 - 1 })).allowed).toBe(true)
    expect(contributionVerdict(capped, conditions({ bytesToday: 50e6 }))).toEqual({ allowed: false, reason: 'Paused: today\'s bandwidth cap of 50 MB is reached' })
    expect(contributionVerdict(settings(), conditions({ bytesToday: 1e12 })).allowed).toBe(true)
  })

  it('gives the first rule that stops it: device, schedule, battery, idle, cap', () => {
    const all = settings({ deviceOn: true, schedule: schedule(1, 2), idleOnly: true, dailyCapMB: 1 })
    const worst = conditions({ battery: { charging: false }, idleForMs: 0, bytesToday: 2e6 })
    expect(contributionVerdict(all, worst)).toMatchObject({ reason: expect.stringMatching(/^Paused: outside your schedule/) as unknown })
    expect(contributionVerdict({ ...all, schedule: DEFAULT_SETTINGS.schedule }, worst)).toMatchObject({ reason: 'Paused: on battery' })
    expect(contributionVerdict({ ...all, schedule: DEFAULT_SETTINGS.schedule }, { ...worst, battery: 'unavailable' })).toMatchObject({ reason: expect.stringMatching(/^Paused: you are using/) as unknown })
    expect(contributionVerdict({ ...all, schedule: DEFAULT_SETTINGS.schedule, idleOnly: false }, { ...worst, battery: 'unavailable' })).toMatchObject({ reason: expect.stringMatching(/cap of 1 MB/) as unknown })
  })
})

describe('inSchedule', () => {
  it('is always in when the schedule is off', () => {
    expect(inSchedule({ ...schedule(9, 10, onlyDays()), enabled: false }, at(FRIDAY, 3))).toBe(true)
  })

  it('includes the start hour and excludes the end hour', () => {
    const s = schedule(9, 17)
    expect(inSchedule(s, at(FRIDAY, 8, 59))).toBe(false)
    expect(inSchedule(s, at(FRIDAY, 9, 0))).toBe(true)
    expect(inSchedule(s, at(FRIDAY, 16, 59))).toBe(true)
    expect(inSchedule(s, at(FRIDAY, 17, 0))).toBe(false)
  })

  it('honours the days, up to midnight and from midnight', () => {
    const weekend = schedule(0, 0, onlyDays(0, 6))
    expect(inSchedule(weekend, at(FRIDAY, 23, 59))).toBe(false)
    expect(inSchedule(weekend, at(SATURDAY, 0, 0))).toBe(true)
    expect(inSchedule(weekend, at(SUNDAY, 23, 59))).toBe(true)
    // Monday 2026-12-07 00:00
    expect(inSchedule(weekend, new Date(2026, 11, 7, 0, 0))).toBe(false)
  })

  it('wraps past midnight: the early hours belong to the day before', () => {
    const fridayNight = schedule(22, 6, onlyDays(5))
    expect(inSchedule(fridayNight, at(FRIDAY, 21, 59))).toBe(false)
    expect(inSchedule(fridayNight, at(FRIDAY, 22))).toBe(true)
    expect(inSchedule(fridayNight, at(FRIDAY, 23, 59))).toBe(true)
    expect(inSchedule(fridayNight, at(SATURDAY, 0))).toBe(true)
    expect(inSchedule(fridayNight, at(SATURDAY, 5, 59))).toBe(true)
    expect(inSchedule(fridayNight, at(SATURDAY, 6))).toBe(false)
    expect(inSchedule(fridayNight, at(SATURDAY, 22))).toBe(false)
    // Friday's own early hours are Thursday night's, which is off.
    expect(inSchedule(fridayNight, at(FRIDAY, 3))).toBe(false)
  })

  it('wraps from Saturday night into Sunday morning across the week boundary', () => {
    const saturdayNight = schedule(20, 2, onlyDays(6))
    expect(inSchedule(saturdayNight, at(SUNDAY, 1, 59))).toBe(true)
    expect(inSchedule(saturdayNight, at(SUNDAY, 2))).toBe(false)
    const sundayNight = schedule(20, 2, onlyDays(0))
    // Monday 01:00 is Sunday night's window; Sunday 01:00 would be Saturday's.
    expect(inSchedule(sundayNight, new Date(2026, 11, 7, 1))).toBe(true)
    expect(inSchedule(sundayNight, at(SUNDAY, 1))).toBe(false)
  })

  it('with no day chosen is never in', () => {
    expect(inSchedule(schedule(0, 0, onlyDays()), at(FRIDAY, 12))).toBe(false)
    expect(describeSchedule(schedule(0, 0, onlyDays()))).toBe('never (no day chosen)')
  })
})

describe('describeSchedule', () => {
  it('says the days and hours, and when a window ends the next day', () => {
    expect(describeSchedule(schedule(22, 6, onlyDays(1, 5)))).toBe('Mon, Fri 22:00 to 06:00 the next day')
    expect(describeSchedule(schedule(3, 3, onlyDays(0)))).toBe('Sun all day')
    expect(describeSchedule(DEFAULT_SETTINGS.schedule)).toBe('any time')
  })
})

describe('parseSettings', () => {
  it('falls back to the defaults for missing or broken fields and clamps the rest', () => {
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS)
    expect(parseSettings('junk')).toEqual(DEFAULT_SETTINGS)
    const parsed = parseSettings({ deviceOn: false, share: 0, idleMinutes: -3, schedule: { enabled: true, days: [true], startHour: 30, endHour: 'x' }, dailyCapMB: 200 })
    expect(parsed).toEqual({
      ...DEFAULT_SETTINGS, deviceOn: false, share: 0.1, idleMinutes: 1, dailyCapMB: 200, schedule: { ...DEFAULT_SETTINGS.schedule, enabled: true, startHour: 23 }
    })
  })

  it('round-trips settings through JSON', () => {
    const s = settings({ share: 0.5, idleOnly: true, schedule: schedule(22, 6, onlyDays(5)), dailyCapMB: 20 })
    expect(parseSettings(JSON.parse(JSON.stringify(s)))).toEqual(s)
  })
})

describe('restAfter', () => {
  it('rests so that work is the share of the wall time', () => {
    expect(restAfter(30, 0.25)).toBeCloseTo(90)
    expect(restAfter(100, 1)).toBe(0)
    // below the least share, the least share holds
    expect(restAfter(10, 0)).toBeCloseTo(90)
  })
})
