import type { IncidentChange } from '@vigil/incidents';
import { incidentEventData, type StoredIncident, type WebhookEvent } from '@vigil/store';

/**
 * What one responder batch announces: one event per incident it touched and per kind of change —
 * `incident.opened`, `incident.reopened`, `incident.resolved`, `incident.merged` (the absorbed
 * incident; the one it went into is `incident.updated`), else `incident.updated` (a signal
 * joined, recovered or repeated, severity rose, inhibition began or ended). Data is the incident
 * after the batch, as the API shows it. Ids carry the responder state version the batch
 * committed, so they are unique and the same if the batch is enqueued twice.
 */
export function incidentBatchEvents(changes: readonly IncidentChange[], touched: readonly StoredIncident[], version: number, nowMs: number): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (const incident of touched) {
    const mine = changes.filter((c) => c.incident.id === incident.id);
    const types = new Set<string>();
    for (const c of mine) {
      if (c.type === 'opened') types.add('incident.opened');
      else if (c.type === 'reopened') types.add('incident.reopened');
      else if (c.type === 'resolved') types.add('incident.resolved');
      else if (c.type === 'merged') types.add('incident.merged');
    }
    if (types.size === 0) types.add('incident.updated');
    const occurredAtMs = mine.length > 0 ? Math.max(...mine.map((c) => c.atMs)) : nowMs;
    const data = incidentEventData(incident);
    for (const type of types) events.push({ type, id: `${type}:${incident.id}:v${version}`, occurredAtMs, data });
  }
  return events;
}
