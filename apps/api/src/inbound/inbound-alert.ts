import { createHash } from 'node:crypto';

/** Who sent the alert; also the last segment of its route, `POST /api/webhooks/<source>`. */
export const INBOUND_SOURCES = ['alertmanager', 'grafana', 'pagerduty', 'generic'] as const;
export type InboundSource = (typeof INBOUND_SOURCES)[number];

/**
 * One alert as a sender reported it, whatever the sender: what the episode logic works from.
 * `labels: null` means the sender named the alert only by its key (PagerDuty acknowledge and
 * resolve), so everything else comes from the episode stored when it fired.
 */
export interface AlertObservation {
  /** The sender's identity of the alert: Alertmanager/Grafana fingerprint, PagerDuty dedup_key, generic id. */
  key: string;
  state: 'firing' | 'resolved' | 'acknowledged';
  labels: Record<string, string> | null;
  /** Set when the sender names the service itself (generic); else derived from the labels. */
  service: string | null;
  /** Tried after the labels' service/job/app/namespace (PagerDuty's `payload.group`). */
  fallbackService: string | null;
  summary: string | null;
  /** Start of the episode when the sender identifies episodes by it (Alertmanager, Grafana, generic with startsAt). */
  startsAtNs: bigint | null;
  /** When a resolved alert ended, if the sender says. */
  endsAtNs: bigint | null;
  /** When this happened per the sender (PagerDuty `payload.timestamp`), else when it was received. */
  atNs: bigint;
  /** A link back to the alert's source (Prometheus graph, Grafana rule), kept as evidence. */
  evidenceUrl: string | null;
}

export const LABEL_LIMITS = { count: 64, keyLength: 128, valueLength: 1024 } as const;
export const SUMMARY_MAX_LENGTH = 1024;
export const SERVICE_MAX_LENGTH = 256;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The alert's labels as anomaly labels: string values only, empty names dropped, at most
 * `LABEL_LIMITS.count` (by name order, so the cut is the same every time), long values cut.
 */
export function capLabels(raw: Readonly<Record<string, unknown>> | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  const names = Object.keys(raw ?? {})
    .filter((name) => name.length > 0 && name.length <= LABEL_LIMITS.keyLength && typeof raw?.[name] === 'string')
    .sort();
  for (const name of names.slice(0, LABEL_LIMITS.count)) labels[name] = cut(raw?.[name] as string, LABEL_LIMITS.valueLength);
  return labels;
}

const SERVICE_LABELS = ['service', 'job', 'app', 'namespace'] as const;

/** The service an alert is about: labels `service`, else `job`, `app`, `namespace`, else the fallback, else `unknown`. */
export function serviceOf(labels: Readonly<Record<string, string>>, fallback: string | null = null): string {
  for (const name of SERVICE_LABELS) {
    const value = labels[name]?.trim();
    if (value) return cut(value, SERVICE_MAX_LENGTH);
  }
  const other = fallback?.trim();
  return other ? cut(other, SERVICE_MAX_LENGTH) : 'unknown';
}

/** Anomaly score from the `severity` label: critical 1, warning 0.7, info 0.4, anything else 0.8. */
export function scoreOf(labels: Readonly<Record<string, string>>): number {
  switch (labels['severity']?.trim().toLowerCase()) {
    case 'critical':
      return 1;
    case 'warning':
      return 0.7;
    case 'info':
      return 0.4;
    default:
      return 0.8;
  }
}

/** OpenTelemetry severity number of an evidence line for the alert's severity. */
export function severityNumberOf(labels: Readonly<Record<string, string>>): number {
  switch (labels['severity']?.trim().toLowerCase()) {
    case 'critical':
      return 21; // FATAL
    case 'warning':
      return 13; // WARN
    case 'info':
      return 9; // INFO
    default:
      return 17; // ERROR
  }
}

/** `annotations.summary`, else `description`, else `title`; null when none has text. */
export function summaryOf(annotations: Readonly<Record<string, unknown>> | null | undefined): string | null {
  for (const name of ['summary', 'description', 'title']) {
    const value = annotations?.[name];
    if (typeof value === 'string' && value.trim()) return cutSummary(value.trim());
  }
  return null;
}

export const cutSummary = (text: string): string => cut(text, SUMMARY_MAX_LENGTH);

/** A stable identity for an alert its sender gave none: its sorted labels, hashed (what Alertmanager does too). */
export function labelsFingerprint(labels: Readonly<Record<string, unknown>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, String(labels[name])]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

/** Deterministic per alert episode, so a redelivered notification yields the same event id. */
export function episodeIdOf(source: InboundSource, key: string, startsAtNs: bigint): string {
  return createHash('sha256').update(`${source}\u0000${key}\u0000${startsAtNs}`).digest('hex').slice(0, 32);
}
