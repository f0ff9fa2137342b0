import { Counter, Registry } from 'prom-client';

/** What became of a request to an inbound alert webhook. */
export type InboundOutcome =
  | 'accepted'
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'disabled'
  | 'replayed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'error';

export interface InboundMetrics {
  /** Every request to `/api/webhooks/*`, by source and outcome. */
  requests: Counter<'source' | 'outcome'>;
  /** Anomaly events published from alerts, by source and status (open, update, recover). */
  events: Counter<'source' | 'status'>;
}

export const INBOUND_REQUESTS_METRIC = 'vigil_inbound_alert_requests_total';
export const INBOUND_EVENTS_METRIC = 'vigil_inbound_alert_events_total';

const byRegistry = new WeakMap<Registry, InboundMetrics>();

/** The counters on this registry, created once (the body parser and the controllers share them). */
export function inboundMetrics(registry: Registry | null | undefined): InboundMetrics {
  const target = registry ?? new Registry();
  const known = byRegistry.get(target);
  if (known) return known;
  const metrics: InboundMetrics = {
    requests: new Counter({ name: INBOUND_REQUESTS_METRIC, help: 'Requests to the inbound alert webhooks, by source and outcome.', labelNames: ['source', 'outcome'], registers: [target] }),
    events: new Counter({ name: INBOUND_EVENTS_METRIC, help: 'Anomaly events published from inbound alerts, by source and status.', labelNames: ['source', 'status'], registers: [target] }),
  };
  byRegistry.set(target, metrics);
  return metrics;
}

/** The outcome a refusal's status code means, unless the refusal names its own. */
export function outcomeOfStatus(status: number): InboundOutcome {
  if (status < 300) return 'accepted';
  switch (status) {
    case 400:
    case 422:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'disabled';
    case 409:
      return 'replayed';
    case 413:
      return 'too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
    case 503:
      return 'unavailable';
    default:
      return 'error';
  }
}
