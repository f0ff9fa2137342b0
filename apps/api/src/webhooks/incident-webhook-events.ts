import { incidentEventData, type StoredIncident, type TimelineEntry, type WebhookEvent } from '@vigil/store';

/** Timeline entry type of a human change → the webhook event announcing it. */
const EVENT_OF: Readonly<Record<string, string>> = {
  declared: 'incident.declared',
  acknowledged: 'incident.acknowledged',
  mitigated: 'incident.mitigated',
  resolved: 'incident.resolved',
  reopened: 'incident.reopened',
  severity_changed: 'incident.severity_changed',
  note: 'incident.note_added',
  slack_message: 'incident.note_added',
  key_event: 'incident.note_added',
};

/**
 * The webhook event for a change a person made through the API: data is the incident after it,
 * as the API shows it, plus `change` — the timeline entry (actor, type, text, data such as the
 * severity's from/to). Changes without an event type of their own (commander) are
 * `incident.updated`. The id carries the responder state version the change committed.
 */
export function humanIncidentEvent(incident: StoredIncident, entry: Omit<TimelineEntry, 'incidentId'>, version: number): WebhookEvent {
  const type = EVENT_OF[entry.type] ?? 'incident.updated';
  return {
    type,
    id: `${type}:${incident.id}:v${version}`,
    occurredAtMs: entry.atMs,
    data: { ...incidentEventData(incident), change: { actor: entry.actor, type: entry.type, text: entry.text, data: entry.data } },
  };
}
