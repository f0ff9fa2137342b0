import type { AnomalyEvent, AnomalyEvidence, LogSignal } from '@vigil/contracts';
import { severityBucket } from '@vigil/rollup';
import type { TemplateCountRow, TemplateTouch } from '@vigil/store';
import type { ServiceLogState } from './service-log-state';

const MINUTE = 60_000;
const EXAMPLES_PER_TOUCH = 3;

/** A log body as the text the miner reads: strings as they are, structured bodies as JSON. */
export function bodyText(body: LogSignal['body']): string {
  if (typeof body === 'string') return body;
  if (body === null) return '';
  return JSON.stringify(body);
}

const millisOf = (nanos: string): number => (nanos.length > 6 ? Number(nanos.slice(0, -6)) : 0);

/**
 * Everything one batch does to the store: template rows touched, per-minute template counts and
 * the anomaly events found. Mining and judging happen here, on the service's state.
 */
export class LogBatch {
  readonly anomalies: AnomalyEvent[] = [];
  readonly outcomes: Record<string, number> = {};
  private readonly touches = new Map<string, TemplateTouch>();
  private readonly counts = new Map<string, TemplateCountRow>();

  apply(state: ServiceLogState, items: readonly LogSignal[]): void {
    const { service, miner, watch } = state;
    for (const item of items) {
      const text = bodyText(item.body);
      const match = miner.mine(text);
      this.bump(match.outcome);
      if (match.merged.length > 0) {
        watch.merged(match.id, match.merged);
        for (const absorbed of match.merged) this.touch(service, absorbed, match.template, 0, item, match.id);
      }
      const ms = millisOf(item.timeUnixNano);
      this.touch(service, match.id, match.template, 1, item, null);
      this.count(service, match.id, ms - (ms % MINUTE), severityBucket(item.severityNumber));
      const late = watch.lateLines;
      this.anomalies.push(
        ...watch.observe({
          timeUnixNano: item.timeUnixNano,
          severityNumber: item.severityNumber,
          body: text.length > 2048 ? `${text.slice(0, 2048)}…` : text,
          traceId: item.traceId,
          spanId: item.spanId,
          templateId: match.id,
          template: match.template,
          created: match.created,
        }),
      );
      if (watch.lateLines > late) this.bump('late');
    }
  }

  templateTouches(): TemplateTouch[] {
    return [...this.touches.values()];
  }

  templateCounts(): TemplateCountRow[] {
    return [...this.counts.values()];
  }

  private touch(service: string, templateId: number, template: string, n: number, item: LogSignal, mergedInto: number | null): void {
    const key = `${service}\u0000${templateId}`;
    const ms = millisOf(item.timeUnixNano);
    let touch = this.touches.get(key);
    if (!touch) {
      touch = { service, templateId, template, count: 0, firstSeenMs: ms, lastSeenMs: ms, examples: [], mergedInto };
      this.touches.set(key, touch);
    }
    if (mergedInto !== null) {
      touch.mergedInto = mergedInto;
      return;
    }
    touch.template = template;
    touch.count += n;
    touch.firstSeenMs = Math.min(touch.firstSeenMs, ms);
    touch.lastSeenMs = Math.max(touch.lastSeenMs, ms);
    if (touch.examples.length < EXAMPLES_PER_TOUCH) {
      const text = bodyText(item.body);
      const example: AnomalyEvidence = {
        timeUnixNano: item.timeUnixNano,
        severityNumber: item.severityNumber,
        body: text.length > 2048 ? `${text.slice(0, 2048)}…` : text,
        traceId: item.traceId,
        spanId: item.spanId,
      };
      touch.examples.push(example);
    }
  }

  private count(service: string, templateId: number, minuteMs: number, severity: string): void {
    const key = `${service}\u0000${templateId}\u0000${minuteMs}\u0000${severity}`;
    const row = this.counts.get(key);
    if (row) row.count++;
    else this.counts.set(key, { service, templateId, minuteMs, severity, count: 1 });
  }

  private bump(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }
}
