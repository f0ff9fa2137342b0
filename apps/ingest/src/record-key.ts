import { createHash } from 'node:crypto';

/**
 * Idempotency keys for the records of one OTLP message: the message's content hash plus the
 * record's position in it. A message delivered twice (consumer crash before commit) or produced
 * twice (producer retry) yields the same keys, so Postgres stores its records once.
 */
export function recordKeys(message: Buffer, count: number): string[] {
  const digest = createHash('sha256').update(message).digest('base64url').slice(0, 32);
  return Array.from({ length: count }, (_, i) => `${digest}:${i}`);
}
