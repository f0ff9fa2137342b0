import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What an operator watches on a responder. */
export class ResponderMetrics {
  readonly events: Counter<'outcome'>;
  readonly changes: Counter<'type'>;
  readonly openIncidents: Gauge;
  readonly batchSeconds: Histogram;
  readonly reloads: Counter;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'vigil_responder_anomaly_events_total',
      help: 'Anomaly events by outcome: correlated, suppressed (silence or maintenance), duplicate (redelivered)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.changes = new Counter({ name: 'vigil_responder_incident_changes_total', help: 'Incident changes made by correlation, by type', labelNames: ['type'], registers: [registry] });
    this.openIncidents = new Gauge({ name: 'vigil_responder_open_incidents', help: 'Incidents not yet resolved, as this responder last saw them', registers: [registry] });
    this.batchSeconds = new Histogram({
      name: 'vigil_responder_batch_seconds',
      help: 'Time to correlate and store one batch of anomaly events',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.reloads = new Counter({
      name: 'vigil_responder_state_reloads_total',
      help: 'Times the correlator was reloaded from the database because another writer (a responder or the API) changed incidents',
      registers: [registry],
    });
  }
}
