import { useEffect, useState } from 'react'
import { describeSchedule, hourLabel, MIN_SHARE } from '../../core/contributionPolicy.ts'
import { controls, type BatteryState, type ControlsState } from './controls.ts'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const HOURS = Array.from({ length: 24 }, (_, h) => h)
/** The verdict depends on the clock and on input too: look again this often. */
const REFRESH_MS = 1000

function useControls (): ControlsState {
  const [state, setState] = useState(controls.current)
  useEffect(() => {
    controls.watch()
    const off = controls.on('change', setState)
    const timer = setInterval(() => { setState(controls.current) }, REFRESH_MS)
    return () => { off(); clearInterval(timer) }
  }, [])
  return state
}

function batteryText (battery: BatteryState): string {
  if (battery === 'unavailable') return 'not available in this browser'
  if (battery === 'unknown') return 'reading…'
  return `${battery.charging ? 'charging' : 'on battery'}, ${Math.round(battery.level * 100)}%`
}

/** One end of the schedule's hours. */
function HourSelect ({ testId, disabled, value, onChange }: { testId: string, disabled: boolean, value: number, onChange: (hour: number) => void }): React.JSX.Element {
  return (
    <select data-testid={testId} disabled={disabled} value={value} onChange={(e) => { onChange(Number(e.target.value)) }}>
      {HOURS.map((h) => <option key={h} value={h}>{hourLabel(h)}</option>)}
    </select>
  )
}

/** What this device lends: share, idle-only, battery, weekly schedule, daily bandwidth, on/off. Saved in this browser. */
export function ControlsPanel (): React.JSX.Element {
  const { settings, battery, bytesToday, verdict } = useControls()
  const { schedule } = settings
  return (
    <section className="panel controls" aria-labelledby="controls-title" data-testid="controls">
      <h2 id="controls-title">What this device lends</h2>
      <p data-testid="controls-status" data-allowed={verdict.allowed} className={verdict.allowed ? 'ok' : 'paused'}>
        {verdict.allowed ? 'Allowed now: this device takes new shards.' : `${verdict.reason}. No new task is joined, and this account steps away from its tasks' next rounds at no cost (one transaction); shards of the round already running are still trained and revealed, so none is missed.`}
      </p>
      <div className="controls-grid">
        <label className="switch">
          <input type="checkbox" role="switch" data-testid="controls-device" checked={settings.deviceOn} onChange={(e) => { controls.update({ deviceOn: e.target.checked }) }} />
          {' '}Contribute from this device
        </label>
        <label>
          CPU/GPU share: <strong data-testid="controls-share-value">{Math.round(settings.share * 100)}%</strong>{' '}
          <input
            type="range" data-testid="controls-share" min={MIN_SHARE * 100} max={100} step={10} value={Math.round(settings.share * 100)}
            onChange={(e) => { controls.update({ share: Number(e.target.value) / 100 }) }}
          />
        </label>
        <p className="muted">Below 100%, training rests between batches so that it is busy only that share of the time.</p>
        <label>
          <input type="checkbox" data-testid="controls-idle" checked={settings.idleOnly} onChange={(e) => { controls.update({ idleOnly: e.target.checked }) }} />
          {' '}Only when I am away: after{' '}
          <input
            type="number" aria-label="Minutes without input" data-testid="controls-idle-minutes" min={1} max={1440} size={4} value={settings.idleMinutes}
            onChange={(e) => { controls.update({ idleMinutes: Number(e.target.value) }) }}
          />{' '}minutes without input on this page
        </label>
        <label>
          <input type="checkbox" data-testid="controls-battery" checked={settings.pauseOnBattery} onChange={(e) => { controls.update({ pauseOnBattery: e.target.checked }) }} />
          {' '}Pause on battery
        </label>
        <p className="muted" data-testid="controls-battery-state">Battery: {batteryText(battery)}</p>
        <fieldset>
          <legend>
            <label>
              <input type="checkbox" data-testid="controls-schedule" checked={schedule.enabled} onChange={(e) => { controls.update({ schedule: { ...schedule, enabled: e.target.checked } }) }} />
              {' '}Weekly schedule
            </label>
          </legend>
          <div className="row" role="group" aria-label="Days">
            {DAYS.map((day, i) => (
              <label key={day}>
                <input
                  type="checkbox" data-testid={`controls-day-${i}`} disabled={!schedule.enabled} checked={schedule.days[i] === true}
                  onChange={(e) => { controls.update({ schedule: { ...schedule, days: schedule.days.map((d, j) => j === i ? e.target.checked : d) } }) }}
                />{day}
              </label>
            ))}
          </div>
          <div className="row">
            <label>
              from{' '}
              <HourSelect testId="controls-start" disabled={!schedule.enabled} value={schedule.startHour} onChange={(startHour) => { controls.update({ schedule: { ...schedule, startHour } }) }} />
            </label>
            <label>
              to{' '}
              <HourSelect testId="controls-end" disabled={!schedule.enabled} value={schedule.endHour} onChange={(endHour) => { controls.update({ schedule: { ...schedule, endHour } }) }} />
            </label>
          </div>
          <p className="muted">Runs {describeSchedule(schedule)} (this device's time); equal hours mean all day.</p>
        </fieldset>
        <label>
          Daily bandwidth cap{' '}
          <input
            type="number" aria-label="Daily bandwidth cap in MB" data-testid="controls-cap" min={1} placeholder="none" size={6} value={settings.dailyCapMB ?? ''}
            onChange={(e) => { if (e.target.value === '') controls.clearCap(); else controls.update({ dailyCapMB: Number(e.target.value) }) }}
          />{' '}MB
        </label>
        <p className="muted" data-testid="controls-bytes">Used today: {(bytesToday / 1e6).toFixed(1)} MB of deltas and data sent and received.</p>
      </div>
    </section>
  )
}
