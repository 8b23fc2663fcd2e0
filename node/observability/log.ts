import { createLogger, LOG_LEVELS, type Logger, type LoggerOptions, type LogLevel } from '../../src/core/log.ts'

export function logLevelFromEnv (env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.MLBRIDGE_LOG_LEVEL
  if (raw === undefined || raw === '') return 'info'
  const level = LOG_LEVELS.find(l => l === raw.toLowerCase())
  if (level === undefined) throw new Error(`MLBRIDGE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${raw}"`)
  return level
}

/** A service's logger as an operator runs it: stdout, at MLBRIDGE_LOG_LEVEL, unless told otherwise (tests). */
export function operatorLogger (component: string, opts: Partial<LoggerOptions> = {}): Logger {
  return createLogger(component, {
    ...opts,
    level: opts.level ?? logLevelFromEnv(),
    write: opts.write ?? ((line) => { process.stdout.write(`${line}\n`) })
  })
}
