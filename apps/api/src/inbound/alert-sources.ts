import { parseTimestampNanos } from './alert-time';
import { capLabels, labelsFingerprint, summaryOf, type AlertObservation } from './inbound-alert';
import type { AlertmanagerPayload, GenericPayload, GrafanaPayload, PagerDutyEvent } from './inbound.schemas';

type AlertmanagerAlert = AlertmanagerPayload['alerts'][number];

/** Alertmanager and Grafana alerts: identified by fingerprint (else their labels) and start. */
function fromAlertmanagerAlert(alert: AlertmanagerAlert, nowNs: bigint): AlertObservation {
  return {
    key: alert.fingerprint ?? labelsFingerprint(alert.labels),
    state: alert.status,
    labels: capLabels(alert.labels),
    service: null,
    fallbackService: null,
    summary: summaryOf(alert.annotations),
    startsAtNs: parseTimestampNanos(alert.startsAt),
    endsAtNs: alert.endsAt === undefined ? null : parseTimestampNanos(alert.endsAt),
    atNs: nowNs,
    evidenceUrl: alert.generatorURL?.trim() || null,
  };
}

export function fromAlertmanager(payload: AlertmanagerPayload, nowNs: bigint): AlertObservation[] {
  return payload.alerts.map((alert) => fromAlertmanagerAlert(alert, nowNs));
}

export function fromGrafana(payload: GrafanaPayload, nowNs: bigint): AlertObservation[] {
  return payload.alerts.map((alert) => fromAlertmanagerAlert(alert, nowNs));
}

/**
 * A PagerDuty event. PagerDuty names an alert by its dedup_key alone (a trigger without one gets a
 * fresh key, as PagerDuty does): a trigger while that key's alert is open is a repeat, acknowledge
 * and resolve carry nothing else. Labels: the string `custom_details`, with the event's severity,
 * source, component, group and class; `alertname` is `custom_details.alertname`, else the class,
 * else the component, else `pagerduty`. The service falls back to `payload.group`.
 */
export function fromPagerDuty(event: PagerDutyEvent, dedupKey: string, nowNs: bigint): AlertObservation {
  if (event.event_action !== 'trigger') {
    return {
      key: dedupKey,
      state: event.event_action === 'resolve' ? 'resolved' : 'acknowledged',
      labels: null,
      service: null,
      fallbackService: null,
      summary: null,
      startsAtNs: null,
      endsAtNs: null,
      atNs: nowNs,
      evidenceUrl: null,
    };
  }
  const { payload } = event;
  const fields = { severity: payload.severity, source: payload.source, component: payload.component, group: payload.group, class: payload.class };
  const details = capLabels(payload.custom_details);
  const labels = capLabels({ ...details, ...fields, alertname: details['alertname'] ?? payload.class ?? payload.component ?? 'pagerduty' });
  return {
    key: dedupKey,
    state: 'firing',
    labels,
    service: null,
    fallbackService: payload.group ?? null,
    summary: payload.summary,
    startsAtNs: null,
    endsAtNs: null,
    atNs: (payload.timestamp === undefined ? null : parseTimestampNanos(payload.timestamp)) ?? nowNs,
    evidenceUrl: event.client_url?.trim() || event.links?.[0]?.href.trim() || null,
  };
}

/** The generic format: the sender names the service; `alertname`, `service` and `severity` become labels too. */
export function fromGeneric(payload: GenericPayload, nowNs: bigint): AlertObservation[] {
  return payload.alerts.map((alert) => {
    const labels = { ...alert.labels, alertname: alert.name, service: alert.service, ...(alert.severity ? { severity: alert.severity } : {}) };
    return {
      key: alert.id ?? labelsFingerprint(labels),
      state: alert.status,
      labels: capLabels(labels),
      service: alert.service,
      fallbackService: null,
      summary: alert.summary?.trim() || null,
      startsAtNs: alert.startsAt === undefined ? null : parseTimestampNanos(alert.startsAt),
      endsAtNs: alert.endsAt === undefined ? null : parseTimestampNanos(alert.endsAt),
      atNs: nowNs,
      evidenceUrl: null,
    };
  });
}
