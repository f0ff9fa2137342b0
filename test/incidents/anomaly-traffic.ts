import type { AnomalyEvent } from '@vigil/contracts';
import type { Producer } from 'kafkajs';

export const MINUTE = 60_000;

/** An anomaly event as the detect worker publishes it, for a service's signal at a minute. */
export function anomalyEvent(
  t0: number,
  f: { service: string; signal: string; minute: number; status?: AnomalyEvent['status']; observed?: number; expected?: number; kind?: AnomalyEvent['kind']; episode?: number },
): AnomalyEvent {
  const at = t0 + f.minute * MINUTE;
  const fingerprint = `${f.service}|${f.kind ?? 'span_red'}|${f.signal}`;
  return {
    v: 1,
    id: `${fingerprint}@${f.episode ?? 0}`,
    status: f.status ?? 'open',
    kind: f.kind ?? 'span_red',
    service: f.service,
    fingerprint,
    signal: f.signal,
    timeUnixNano: `${at}000000`,
    score: 0.95,
    summary: `${f.signal.split('#')[0]} ${f.signal.split('#')[1] ?? ''} = ${f.observed ?? 1} (expected ${f.expected ?? 0.1}, band 0…0.2; level shift)`,
    observed: f.observed ?? 1,
    expected: f.expected ?? 0.1,
    lower: 0,
    upper: 0.2,
    template: null,
    evidence: f.status === 'recover' ? [] : [{ timeUnixNano: `${at}000000`, severityNumber: 17, body: `${f.service} ${f.signal} failed`, traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }],
  };
}

/** Publishes events keyed by service, as detection does (one service → one partition). */
export async function publishAnomalies(producer: Producer, topic: string, events: readonly AnomalyEvent[]): Promise<void> {
  await producer.send({ topic, messages: events.map((e) => ({ key: e.service, value: JSON.stringify(e), headers: { 'vigil-anomaly': e.kind } })) });
}
