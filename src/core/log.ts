/**
 * The one structured logger of the services an operator runs (relay, pinner, referee): one JSON
 * object per line, so the lines can be grepped, piped to `jq` or shipped to a log store as they
 * are. It lives in core, not in node/, because the pinner's code is shared with the browser build.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** What a line says beyond its header; `peer` and `reason` by convention, anything else as needed. */
export type LogFields = Record<string, unknown> & { peer?: string, reason?: string, ts?: never, level?: never, component?: never, event?: never }

export type LogMethod = (event: string, fields?: LogFields) => void

export interface Logger {
  debug: LogMethod
  info: LogMethod
  warn: LogMethod
  error: LogMethod
}

export interface LoggerOptions {
  /** lines below this level are dropped */
  level: LogLevel
  /** receives each line, without its newline */
  write: (line: string) => void
  now?: () => Date
}

export interface LogHeader {
  ts: Date
  level: LogLevel
  component: string
  event: string
}

/** The header keys come first so lines line up when read by eye. */
export function formatLogLine (header: LogHeader, fields: LogFields = {}): string {
  return JSON.stringify({ ...header, ts: header.ts.toISOString(), ...fields }, (_key, value: unknown) => typeof value === 'bigint' ? value.toString() : value)
}

export function createLogger (component: string, opts: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(opts.level)
  const now = opts.now ?? (() => new Date())
  const at = (level: LogLevel): LogMethod => LOG_LEVELS.indexOf(level) < threshold
    ? () => {}
    : (event, fields) => { opts.write(formatLogLine({ ts: now(), level, component, event }, fields)) }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
