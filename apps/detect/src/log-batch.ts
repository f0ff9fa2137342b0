import type { AnomalyEvent, AnomalyEvidence, LogSignal } from '@vigil/contracts';
import { millisOf, severityBucket } from '@vigil/rollup';
import type { TemplateCountRow, TemplateTouch } from '@vigil/store';
import type { ServiceLogState } from './service-log-state';

const MINUTE = 60_000;
const EXAMPLES_PER_TOUCH = 3;
/** Evidence lines are cut here: enough to read, bounded in rows, events and messages. */
const MAX_EVIDENCE_CHARS = 2048;

/** A log body as the text the miner reads: strings as they are, structured bodies as JSON. */
export function bodyText(body: LogSignal['body']): string {
  if (typeof body === 'string') return body;
  if (body === null) return '';
  return JSON.stringify(body);
}

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
      const ms = millisOf(item.timeUnixNano);
      if (match.merged.length > 0) {
        watch.merged(match.id, match.merged);
        for (const absorbed of match.merged) this.markMerged(service, absorbed, match.id, match.template, ms);
      }
      // The line as evidence (shown, stored, sent): long bodies cut once, here.
      const evidence: AnomalyEvidence = {
        timeUnixNano: item.timeUnixNano,
        severityNumber: item.severityNumber,
        body: text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS)}…` : text,
        traceId: item.traceId,
        spanId: item.spanId,
      };
      this.touch(service, match.id, match.template, ms, evidence);
      this.count(service, match.id, ms - (ms % MINUTE), severityBucket(item.severityNumber));
      const late = watch.lateLines;
      const found = watch.observe({
        timeUnixNano: evidence.timeUnixNano,
        severityNumber: evidence.severityNumber,
        body: evidence.body,
        traceId: evidence.traceId,
        spanId: evidence.spanId,
        templateId: match.id,
        template: match.template,
        created: match.created,
      });
      if (found.length > 0) this.anomalies.push(...found);
      if (watch.lateLines > late) this.bump('late');
    }
  }

  templateTouches(): TemplateTouch[] {
    return [...this.touches.values()];
  }

  templateCounts(): TemplateCountRow[] {
    return [...this.counts.values()];
  }

  private touchOf(service: string, templateId: number, template: string, ms: number): TemplateTouch {
    const key = `${service}\u0000${templateId}`;
    let touch = this.touches.get(key);
    if (!touch) {
      touch = { service, templateId, template, count: 0, firstSeenMs: ms, lastSeenMs: ms, examples: [], mergedInto: null };
      this.touches.set(key, touch);
    }
    return touch;
  }

  /** An absorbed template keeps its row (and history), now pointing at the survivor. */
  private markMerged(service: string, absorbed: number, into: number, template: string, ms: number): void {
    this.touchOf(service, absorbed, template, ms).mergedInto = into;
  }

  private touch(service: string, templateId: number, template: string, ms: number, example: AnomalyEvidence): void {
    const touch = this.touchOf(service, templateId, template, ms);
    touch.template = template;
    touch.count++;
    touch.firstSeenMs = Math.min(touch.firstSeenMs, ms);
    touch.lastSeenMs = Math.max(touch.lastSeenMs, ms);
    if (touch.examples.length < EXAMPLES_PER_TOUCH) touch.examples.push(example);
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
