/**
 * The volunteer's controls in this browser: the settings (saved in localStorage), and what the
 * page can tell about the device to apply them (the battery, the last input on the page, the bytes
 * of deltas and data moved today). `verdict()` is what the provider host and loop ask before new
 * work; the rule itself is the pure one in core/contributionPolicy.ts.
 *
 * Idle means no pointer, key or wheel input on this page and no change of its visibility for the
 * chosen minutes. The Idle Detection API would see input in other windows too, but it needs a
 * permission prompt, which a volunteer switching Contribute on should not have to answer.
 */
import { contributionVerdict, parseSettings, type BatteryCondition, type ContributionSettings, type ContributionVerdict } from '../../core/contributionPolicy.ts'
import { Emitter } from '../../core/events.ts'

const SETTINGS_KEY = 'mlbridge.contribute.controls'
const BYTES_KEY = 'mlbridge.contribute.bytes'
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

/** The Battery Status API, which TypeScript's DOM library leaves out (Chromium has it; Firefox and Safari do not). */
interface BatteryManager extends EventTarget { charging: boolean, level: number }
type WithBattery = Navigator & { getBattery?: () => Promise<BatteryManager> }

export type BatteryState = { charging: boolean, level: number } | 'unavailable' | 'unknown'

export interface ControlsState {
  settings: ContributionSettings
  battery: BatteryState
  bytesToday: number
  verdict: ContributionVerdict
}

export type ControlsEvents = { change: ControlsState }

/** The local date, which the daily cap counts by. */
const today = (now = new Date()): string => `${now.getFullYear()}-${now.getMonth() + 1}-${now.getDate()}`

export class Controls extends Emitter<ControlsEvents> {
  private settingsValue: ContributionSettings
  private battery: BatteryState = 'unknown'
  private lastInput = Date.now()
  private watching = false

  constructor (private readonly storage: Storage = localStorage) {
    super()
    let saved: unknown
    try { saved = JSON.parse(storage.getItem(SETTINGS_KEY) ?? 'null') } catch { saved = undefined }
    this.settingsValue = parseSettings(saved)
  }

  get settings (): ContributionSettings { return this.settingsValue }

  get current (): ControlsState {
    return { settings: this.settingsValue, battery: this.battery, bytesToday: this.bytesToday(), verdict: this.verdict() }
  }

  /** Saves new settings and tells the listeners (the contributor wakes its loop and sets the trainer's share). */
  update (patch: Partial<ContributionSettings>): void {
    this.settingsValue = parseSettings({ ...this.settingsValue, ...patch })
    this.storage.setItem(SETTINGS_KEY, JSON.stringify(this.settingsValue))
    this.changed()
  }

  /** Removes the daily cap (parseSettings cannot tell a removed field from a missing one in a patch). */
  clearCap (): void {
    const { dailyCapMB: _removed, ...rest } = this.settingsValue
    this.settingsValue = rest
    this.storage.setItem(SETTINGS_KEY, JSON.stringify(rest))
    this.changed()
  }

  verdict (): ContributionVerdict {
    const battery: BatteryCondition = typeof this.battery === 'object' ? this.battery : 'unavailable'
    return contributionVerdict(this.settingsValue, { now: new Date(), battery, idleForMs: Date.now() - this.lastInput, bytesToday: this.bytesToday() })
  }

  /** Counts bytes of deltas and data this node sent or received, towards today's cap. */
  addBytes (bytes: number): void {
    this.storage.setItem(BYTES_KEY, JSON.stringify({ day: today(), bytes: this.bytesToday() + bytes }))
  }

  bytesToday (): number {
    try {
      const saved = JSON.parse(this.storage.getItem(BYTES_KEY) ?? 'null') as { day?: unknown, bytes?: unknown } | null
      return saved?.day === today() && typeof saved.bytes === 'number' ? saved.bytes : 0
    } catch {
      return 0
    }
  }

  /** Starts following input, visibility and the battery (once per page). */
  watch (): void {
    if (this.watching) return
    this.watching = true
    const touched = (): void => { this.lastInput = Date.now() }
    for (const type of INPUT_EVENTS) window.addEventListener(type, touched, { passive: true, capture: true })
    document.addEventListener('visibilitychange', touched)
    const getBattery = (navigator as WithBattery).getBattery
    if (getBattery === undefined) {
      this.battery = 'unavailable'
      this.changed()
      return
    }
    void getBattery.call(navigator).then((manager) => {
      const read = (): void => {
        this.battery = { charging: manager.charging, level: manager.level }
        this.changed()
      }
      manager.addEventListener('chargingchange', read)
      manager.addEventListener('levelchange', read)
      read()
    }, () => { this.battery = 'unavailable'; this.changed() })
  }

  private changed (): void {
    this.emit('change', this.current)
  }
}

/** This tab's controls. */
export const controls = new Controls()
