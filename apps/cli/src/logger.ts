import pino, { type Logger } from 'pino';

/** JSON logs to stdout, one line each; `LOG_LEVEL` decides how much. */
export function createLogger(level: string, name = 'vigil'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
