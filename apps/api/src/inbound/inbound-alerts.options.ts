import type { MessageBus } from '@vigil/bus';

/** What the inbound alert webhooks need from the composition root (see `ApiDependencies.alerts`). */
export interface InboundAlertsOptions {
  bus: MessageBus;
  /** Where alerts go as anomaly events of kind `alert`, keyed by service: VIGIL_TOPIC_ANOMALIES. */
  topic: string;
  /** VIGIL_WEBHOOK_SECRET: Standard Webhooks secret of `POST /api/webhooks/generic`; unset, that route answers 404. */
  webhookSecret?: string;
  /** VIGIL_PAGERDUTY_ROUTING_KEY: the routing key PagerDuty-style senders must use; unset, `POST /api/webhooks/pagerduty` answers 404. */
  pagerDutyRoutingKey?: string;
  /** A publish slower than this answers 503 (default 8 s). */
  publishTimeoutMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface ResolvedInboundAlertsOptions extends Required<Omit<InboundAlertsOptions, 'webhookSecret' | 'pagerDutyRoutingKey'>> {
  webhookSecret: string | null;
  pagerDutyRoutingKey: string | null;
}

export const DEFAULT_INBOUND_PUBLISH_TIMEOUT_MS = 8_000;

export function resolveInboundAlertsOptions(options: InboundAlertsOptions): ResolvedInboundAlertsOptions {
  const publishTimeoutMs = options.publishTimeoutMs ?? DEFAULT_INBOUND_PUBLISH_TIMEOUT_MS;
  if (!Number.isSafeInteger(publishTimeoutMs) || publishTimeoutMs <= 0) throw new RangeError(`alerts.publishTimeoutMs must be a positive integer, got ${String(publishTimeoutMs)}`);
  if (!options.topic) throw new RangeError('alerts.topic must name a topic');
  return {
    bus: options.bus,
    topic: options.topic,
    webhookSecret: options.webhookSecret || null,
    pagerDutyRoutingKey: options.pagerDutyRoutingKey || null,
    publishTimeoutMs,
    now: options.now ?? Date.now,
  };
}

/** Injection tokens (explicit, so DI never depends on emitted metadata). */
export const INBOUND_OPTIONS = Symbol('InboundAlertsOptions');
export const INBOUND_DATABASE = Symbol('InboundAlertsDatabase');
export const INBOUND_METRICS = Symbol('InboundAlertsMetrics');
export const INBOUND_LOGGER = Symbol('InboundAlertsLogger');
