import type { ActionResult } from './remediation-action';

/** Shared helpers for the adapters: results, abortable waits, bounded text. */

export function succeeded(detail: string, data?: Record<string, unknown>): ActionResult {
  return data ? { outcome: 'succeeded', detail, data } : { outcome: 'succeeded', detail };
}

export function failed(detail: string, data?: Record<string, unknown>): ActionResult {
  return data ? { outcome: 'failed', detail, data } : { outcome: 'failed', detail };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** First `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** First `maxBytes` bytes of UTF-8 text (never splitting a character), marked when cut. */
export function truncateBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes so the cut lands on a character boundary.
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  return { text: buffer.subarray(0, end).toString('utf8'), truncated: true };
}

export class AbortedError extends Error {
  constructor(reason?: unknown) {
    super(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted');
    this.name = 'AbortedError';
  }
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError(signal.reason));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why the signal aborted, in words for the timeline. */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.name === 'TimeoutError' ? 'step timed out' : reason.message || 'aborted';
  return typeof reason === 'string' && reason ? reason : 'aborted';
}

/** Names an environment variable may have (what `secretEnv` / `urlEnv` accept). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
