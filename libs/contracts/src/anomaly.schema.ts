import { z } from 'zod';
import { unixNanoSchema } from './resource-scope.schema';

export const ANOMALY_KINDS = [
  'log_new_template',
  'log_template_burst',
  'log_rate_shift',
  'log_error_surge',
  'metric',
  'span_red',
  /** An alert from another system (Alertmanager, Grafana, PagerDuty, a generic webhook), carried as a signal. */
  'alert',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** open → update* → recover; a one-off finding (a new template) is a single `open`. */
export const ANOMALY_STATUSES = ['open', 'update', 'recover'] as const;

/** A line (or span) that shows the anomaly, already redacted at ingestion. */
export const anomalyEvidenceSchema = z.object({
  timeUnixNano: unixNanoSchema,
  severityNumber: z.number().int().min(0).max(24),
  body: z.string(),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
});

/**
 * One message on `vigil.anomalies`, keyed by service. `id` is derived from the fingerprint and
 * the event time it opened at, so a replayed stream yields the same ids and consumers can
 * deduplicate redeliveries.
 */
export const anomalyEventSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  status: z.enum(ANOMALY_STATUSES),
  kind: z.enum(ANOMALY_KINDS),
  service: z.string().min(1),
  /** Same service + signal = same thing going wrong (dedup key for correlation). */
  fingerprint: z.string().min(1),
  /** What was watched: e.g. `template:12`, `severity:error`, a metric series key. */
  signal: z.string().min(1),
  /** Event time the finding refers to (the minute bucket's start for rate findings). */
  timeUnixNano: unixNanoSchema,
  /** Anomaly likelihood in [0, 1]: comparable across series and kinds. */
  score: z.number().min(0).max(1),
  summary: z.string(),
  observed: z.number().nullable(),
  expected: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  template: z.object({ id: z.number().int(), text: z.string() }).nullable(),
  evidence: z.array(anomalyEvidenceSchema),
  /** Labels of an `alert` (alertname, severity, …) that runbook triggers match on. */
  labels: z.record(z.string(), z.string()).optional(),
});
export type AnomalyEvent = z.infer<typeof anomalyEventSchema>;
export type AnomalyEvidence = z.infer<typeof anomalyEvidenceSchema>;
