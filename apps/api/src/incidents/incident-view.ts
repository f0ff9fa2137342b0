import { incidentEventData, type StoredIncident, type StoredIncidentSignal, type StoredTimelineEntry } from '@vigil/store';
import type { IncidentView } from './incident.schemas';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const isoOf = (ms: number): string => new Date(ms).toISOString();

/**
 * The API's shape of an incident: ISO times, hints best first, suppression explained. One
 * projection, kept in libs/store so webhook payloads (written by the responder) are the same.
 */
export const incidentView = (i: StoredIncident): IncidentView => incidentEventData(i);

export function signalView(s: StoredIncidentSignal) {
  return {
    fingerprint: s.fingerprint,
    service: s.service,
    kind: s.kind,
    signal: s.signal,
    firstAt: isoOf(s.firstAtMs),
    lastAt: isoOf(s.lastAtMs),
    events: s.events,
    peakScore: s.peakScore,
    peakObserved: s.peakObserved,
    recoveredAt: iso(s.recoveredAtMs),
    firstEvent: s.firstEvent,
  };
}

export function timelineEntryView(e: StoredTimelineEntry) {
  return { id: e.id, at: isoOf(e.atMs), actor: e.actor, type: e.type, text: e.text, data: e.data };
}
