import { z } from 'zod';
import { isRfc3339 } from './alert-time';

/**
 * The bodies of the inbound alert webhooks, as their senders write them. Third-party payloads
 * ignore fields they do not declare (senders add fields between versions); the generic one is
 * ours and strict, so a misspelt field is named in the 400.
 */

const timestamp = z.string().refine(isRfc3339, 'expected an RFC 3339 timestamp, e.g. 2024-05-01T12:00:00Z');
const stringMap = z.record(z.string(), z.string());
const alertStatus = z.enum(['firing', 'resolved']);

/** One alert of an Alertmanager (or Grafana) notification. */
const alertmanagerAlert = z.object({
  status: alertStatus,
  labels: stringMap,
  annotations: stringMap.optional(),
  startsAt: timestamp,
  /** Go's zero time `0001-01-01T00:00:00Z` while firing. */
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(256).optional(),
});

/** Alertmanager's webhook_config payload, version "4" (prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  /** How many alerts `max_alerts` left out of this notification. */
  truncatedAlerts: z.number().int().min(0).optional(),
  status: alertStatus,
  receiver: z.string(),
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlert).max(10_000),
});
export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>;

/** Grafana unified alerting's webhook contact point: Alertmanager's payload plus orgId, title, state, message. */
export const grafanaPayloadSchema = z.object({
  receiver: z.string(),
  status: alertStatus,
  orgId: z.number().int(),
  alerts: z.array(
    alertmanagerAlert.extend({
      silenceURL: z.string().optional(),
      dashboardURL: z.string().optional(),
      panelURL: z.string().optional(),
      valueString: z.string().optional(),
    }),
  ).max(10_000),
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: z.string().optional(),
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});
export type GrafanaPayload = z.output<typeof grafanaPayloadSchema>;

const routingKey = z.string().min(1).max(256);
const dedupKey = z.string().min(1).max(255);

/** PagerDuty Events API v2 (`POST /v2/enqueue`): trigger, acknowledge, resolve. */
export const pagerDutyEventSchema = z.discriminatedUnion('event_action', [
  z.object({
    routing_key: routingKey,
    event_action: z.literal('trigger'),
    dedup_key: dedupKey.optional(),
    payload: z.object({
      summary: z.string().min(1).max(1024),
      source: z.string().min(1).max(255),
      severity: z.enum(['critical', 'error', 'warning', 'info']),
      timestamp: timestamp.optional(),
      component: z.string().optional(),
      group: z.string().optional(),
      class: z.string().optional(),
      custom_details: z.record(z.string(), z.unknown()).optional(),
    }),
    client: z.string().optional(),
    client_url: z.string().optional(),
    links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
    images: z.array(z.object({ src: z.string() })).optional(),
  }),
  z.object({ routing_key: routingKey, event_action: z.literal('acknowledge'), dedup_key: dedupKey }),
  z.object({ routing_key: routingKey, event_action: z.literal('resolve'), dedup_key: dedupKey }),
]);
export type PagerDutyEvent = z.output<typeof pagerDutyEventSchema>;

export const pagerDutyResponseSchema = z.object({ status: z.literal('success'), message: z.string(), dedup_key: z.string() });

/** Vigil's own alert format, for anything that can sign a request (Standard Webhooks). */
export const genericAlertSchema = z
  .object({
    name: z.string().trim().min(1).max(256),
    service: z.string().trim().min(1).max(256),
    status: alertStatus,
    severity: z.string().trim().min(1).max(64).optional(),
    summary: z.string().max(4096).optional(),
    labels: z
      .record(z.string().min(1).max(128), z.string().max(1024))
      .refine((labels) => Object.keys(labels).length <= 64, 'at most 64 labels')
      .optional(),
    startsAt: timestamp.optional(),
    endsAt: timestamp.optional(),
    /** The sender's identity of the alert; default: a hash of name, service and labels. */
    id: z.string().trim().min(1).max(256).optional(),
  })
  .strict();
export const genericPayloadSchema = z.object({ alerts: z.array(genericAlertSchema).min(1).max(1000) }).strict();
export type GenericPayload = z.output<typeof genericPayloadSchema>;

/** What every inbound endpoint but PagerDuty's answers. */
export const inboundAcceptedSchema = z.object({
  status: z.literal('success'),
  /** Alerts in the request. */
  received: z.number().int(),
  /** Anomaly events published to the anomalies topic. */
  published: z.number().int(),
  /** Alerts with nothing to do (resolving one that is not firing). */
  ignored: z.number().int(),
});
