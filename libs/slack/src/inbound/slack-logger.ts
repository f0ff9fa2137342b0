import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/** Slack tokens (`xoxb-…`, `xapp-…`) anywhere in a message: never written to a log. */
const TOKEN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;

export function redactSlackTokens(text: string): string {
  return text.replace(TOKEN, (t) => `${t.slice(0, 5)}[redacted]`);
}

const text = (parts: unknown[]): string =>
  redactSlackTokens(parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p))).join(' '));

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Bolt's and the Web API client's logger on top of pino. Their debug output (request URLs,
 * bodies) goes to pino's trace level and every line is scrubbed of tokens.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const log = (method: 'trace' | 'info' | 'warn' | 'error', parts: unknown[]): void => {
    const error = parts.find((p): p is Error => p instanceof Error);
    if (error) logger[method]({ err: { type: error.name, message: redactSlackTokens(error.message) } }, text(parts));
    else logger[method](text(parts));
  };
  return {
    debug: (...parts: unknown[]) => log('trace', parts),
    info: (...parts: unknown[]) => log('info', parts),
    warn: (...parts: unknown[]) => log('warn', parts),
    error: (...parts: unknown[]) => log('error', parts),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
