import pino, { Logger } from 'pino';
import { LogLevel } from '../config/app-config';

/** The one pino logger of the process: JSON lines on stdout. Nest's own logs go through it too. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'attribution-tracker' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** The pino level matching the Nest log levels a caller (tests, bench) asked for. */
export function levelOf(nestLevels: false | string[] | undefined, fallback: LogLevel): LogLevel {
  if (nestLevels === false) return 'silent';
  if (!nestLevels) return fallback;
  for (const level of ['debug', 'log', 'warn', 'error'] as const) {
    if (nestLevels.includes(level)) return level === 'log' ? 'info' : level;
  }
  return 'silent';
}
