import { randomBytes } from 'node:crypto';
import type { LogFixture } from '@vigil/testing';

const MINUTE = 60_000;

/** A payments service's everyday lines: three logging statements with variable parts. */
export function everydayLines(service: string, minuteStart: number, perMinute: number, seed: number): LogFixture[] {
  const lines: LogFixture[] = [];
  for (let i = 0; i < perMinute; i++) {
    const n = seed * 1000 + i;
    const timeMs = minuteStart + Math.floor((i * MINUTE) / perMinute);
    const kind = i % 3;
    const body =
      kind === 0
        ? `GET /api/v1/payments/${100000 + n} 200 in ${5 + (n % 90)} ms`
        : kind === 1
          ? `charge ${n} accepted for merchant ${4000 + (n % 17)} amount ${(n * 37) % 10000} EUR`
          : `connection pool stats: active=${n % 11} idle=${(n * 7) % 13}`;
    lines.push({ service, body, severityNumber: 9, severityText: 'INFO', timeMs, traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });
  }
  return lines;
}

export const MINUTE_MS = MINUTE;
