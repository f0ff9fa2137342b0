import { anomalyEventSchema } from '@vigil/contracts';
import type { StoredInboundAlert } from '@vigil/store';
import { decideEpisodes } from './alert-episodes';
import { fromAlertmanager, fromGeneric, fromPagerDuty } from './alert-sources';
import { parseTimestampNanos } from './alert-time';
import { capLabels, LABEL_LIMITS, scoreOf, serviceOf } from './inbound-alert';
import { alertmanagerPayloadSchema, genericPayloadSchema, pagerDutyEventSchema } from './inbound.schemas';

const NOW_NS = 1_700_000_000_000_000_000n;

/** Alertmanager's own example notification (webhook payload version 4). */
const alertmanagerNotification = (status: 'firing' | 'resolved', endsAt = '0001-01-01T00:00:00Z') =>
  alertmanagerPayloadSchema.parse({
    receiver: 'vigil',
    status,
    alerts: [
      {
        status,
        labels: { alertname: 'ProbeFailure', instance: 'https://server.example.org', job: 'http_checks', severity: 'critical' },
        annotations: { description: 'Instance has been down for over 5m', summary: 'BlackBox Probe Failure: https://server.example.org' },
        startsAt: '2023-02-06T13:08:45.828266876Z',
        endsAt,
        generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0',
        fingerprint: '1a30ba71cca2921f',
      },
    ],
    groupLabels: { alertname: 'ProbeFailure' },
    commonLabels: { alertname: 'ProbeFailure' },
    commonAnnotations: {},
    externalURL: 'http://prometheus.example.org:9093',
    version: '4',
    groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
    truncatedAlerts: 0,
  });

const asStored = (writes: StoredInboundAlert[]): Map<string, StoredInboundAlert> => new Map(writes.map((w) => [w.alertKey, w]));

describe('inbound alerts', () => {
  it('reads RFC 3339 timestamps to the nanosecond, with any offset spelling, and Go zero time as unset', () => {
    expect(parseTimestampNanos('2023-02-06T13:08:45.828266876Z')).toBe(1675688925828266876n);
    expect(parseTimestampNanos('2018-08-03T09:52:26.739266876+02:00')).toBe(1533282746739266876n);
    expect(parseTimestampNanos('2015-07-17T08:42:58.315+0000')).toBe(1437122578315000000n);
    expect(parseTimestampNanos('0001-01-01T00:00:00Z')).toBeNull();
    expect(parseTimestampNanos('yesterday')).toBeNull();
  });

  it('derives service, score and capped string labels', () => {
    expect(serviceOf({ job: 'api', app: 'x' })).toBe('api');
    expect(serviceOf({ namespace: 'payments' })).toBe('payments');
    expect(serviceOf({}, 'prod-datapipe')).toBe('prod-datapipe');
    expect(serviceOf({})).toBe('unknown');
    expect([scoreOf({ severity: 'critical' }), scoreOf({ severity: 'Warning' }), scoreOf({ severity: 'info' }), scoreOf({})]).toEqual([1, 0.7, 0.4, 0.8]);
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${String(i).padStart(3, '0')}`, 'v'.repeat(5000)]));
    const capped = capLabels({ ...many, number: 5, nested: { a: 1 } });
    expect(Object.keys(capped)).toHaveLength(LABEL_LIMITS.count);
    expect(Object.values(capped).every((v) => v.length <= LABEL_LIMITS.valueLength)).toBe(true);
    expect(capped['number']).toBeUndefined();
  });

  it('turns an Alertmanager episode into open, update, recover with one deterministic id', () => {
    const first = decideEpisodes('alertmanager', fromAlertmanager(alertmanagerNotification('firing'), NOW_NS), new Map());
    expect(first.events).toHaveLength(1);
    const open = first.events[0]!;
    expect(anomalyEventSchema.parse(open)).toEqual(open);
    expect(open).toMatchObject({
      status: 'open',
      kind: 'alert',
      service: 'http_checks',
      fingerprint: 'http_checks|alert|alertmanager:1a30ba71cca2921f',
      signal: 'alert:ProbeFailure',
      timeUnixNano: '1675688925828266876',
      score: 1,
      summary: 'BlackBox Probe Failure: https://server.example.org',
      observed: null,
      expected: null,
      labels: { alertname: 'ProbeFailure', instance: 'https://server.example.org', job: 'http_checks', severity: 'critical' },
      evidence: [{ body: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0', severityNumber: 21, traceId: null }],
    });
    // The same notification again (a redelivery, or Alertmanager's repeat) is the same episode: an update.
    const again = decideEpisodes('alertmanager', fromAlertmanager(alertmanagerNotification('firing'), NOW_NS + 1n), asStored(first.writes));
    expect(again.events.map((e) => [e.id, e.status])).toEqual([[open.id, 'update']]);
    // A redelivery decided from scratch yields the very same event (the responder dedupes it).
    expect(decideEpisodes('alertmanager', fromAlertmanager(alertmanagerNotification('firing'), NOW_NS + 5n), new Map()).events).toEqual(first.events);
    const resolved = decideEpisodes('alertmanager', fromAlertmanager(alertmanagerNotification('resolved', '2023-02-06T13:20:00Z'), NOW_NS), asStored(again.writes));
    expect(resolved.events.map((e) => [e.id, e.status, e.timeUnixNano, e.evidence.length])).toEqual([[open.id, 'recover', '1675689600000000000', 0]]);
    expect(resolved.writes[0]?.status).toBe('resolved');
  });

  it('follows a PagerDuty alert by dedup_key: trigger, repeat, acknowledge, resolve; unknown keys are ignored', () => {
    const trigger = pagerDutyEventSchema.parse({
      routing_key: 'key',
      event_action: 'trigger',
      dedup_key: 'db-1',
      payload: { summary: 'DB down', source: 'db1.example.com', severity: 'critical', group: 'ledger', class: 'ping failure', custom_details: { region: 'eu', load: 0.75 } },
    });
    const opened = decideEpisodes('pagerduty', [fromPagerDuty(trigger, 'db-1', NOW_NS)], new Map());
    expect(opened.events[0]).toMatchObject({ status: 'open', service: 'ledger', signal: 'alert:ping failure', timeUnixNano: NOW_NS.toString(), labels: { region: 'eu', severity: 'critical', source: 'db1.example.com' } });
    const repeat = decideEpisodes('pagerduty', [fromPagerDuty(trigger, 'db-1', NOW_NS + 60_000_000_000n)], asStored(opened.writes));
    expect(repeat.events.map((e) => [e.id, e.status])).toEqual([[opened.events[0]!.id, 'update']]);
    const ack = pagerDutyEventSchema.parse({ routing_key: 'key', event_action: 'acknowledge', dedup_key: 'db-1' });
    const acked = decideEpisodes('pagerduty', [fromPagerDuty(ack, 'db-1', NOW_NS + 120_000_000_000n)], asStored(repeat.writes));
    expect(acked.events[0]).toMatchObject({ status: 'update', summary: 'DB down (acknowledged in PagerDuty)', service: 'ledger' });
    const resolve = pagerDutyEventSchema.parse({ routing_key: 'key', event_action: 'resolve', dedup_key: 'db-1' });
    const resolved = decideEpisodes('pagerduty', [fromPagerDuty(resolve, 'db-1', NOW_NS + 180_000_000_000n)], asStored(acked.writes));
    expect(resolved.events[0]).toMatchObject({ id: opened.events[0]!.id, status: 'recover', fingerprint: 'ledger|alert|pagerduty:db-1' });
    // Once resolved, acknowledging or resolving again does nothing; a new trigger is a new episode.
    expect(decideEpisodes('pagerduty', [fromPagerDuty(resolve, 'db-1', NOW_NS)], asStored(resolved.writes))).toMatchObject({ events: [], ignored: 1 });
    expect(decideEpisodes('pagerduty', [fromPagerDuty(ack, 'nope', NOW_NS)], new Map())).toMatchObject({ events: [], ignored: 1 });
    const reopened = decideEpisodes('pagerduty', [fromPagerDuty(trigger, 'db-1', NOW_NS + 240_000_000_000n)], asStored(resolved.writes));
    expect(reopened.events[0]?.status).toBe('open');
    expect(reopened.events[0]?.id).not.toBe(opened.events[0]!.id);
  });

  it('reads the generic format: the sender names the service, labels include alertname and severity', () => {
    const payload = genericPayloadSchema.parse({ alerts: [{ name: 'QueueBacklog', service: 'ledger', status: 'firing', severity: 'warning', labels: { queue: 'settlements' } }] });
    const decision = decideEpisodes('generic', fromGeneric(payload, NOW_NS), new Map());
    expect(decision.events[0]).toMatchObject({ service: 'ledger', signal: 'alert:QueueBacklog', score: 0.7, summary: 'QueueBacklog', labels: { alertname: 'QueueBacklog', service: 'ledger', severity: 'warning', queue: 'settlements' } });
    const bad = genericPayloadSchema.safeParse({ alerts: [{ name: 'x', service: 'y', status: 'firing', colour: 'red' }] });
    expect(bad.success).toBe(false);
  });
});
