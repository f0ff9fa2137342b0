import type { StoredIncident, StoredIncidentSignal, StoredTimelineEntry } from '@vigil/store';
import type { IncidentView } from './incident.schemas';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const isoOf = (ms: number): string => new Date(ms).toISOString();

/** The API's shape of an incident: ISO times, hints best first, suppression explained. */
export function incidentView(i: StoredIncident): IncidentView {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    status: i.status,
    severity: i.severity,
    severitySource: i.severitySource,
    severityReason: i.severityReason,
    customerFacing: i.customerFacing,
    services: i.services,
    declared: i.declared,
    commander: i.commander,
    startedAt: isoOf(i.startedAtMs),
    openedAt: isoOf(i.openedAtMs),
    detectedAt: isoOf(i.detectedAtMs),
    acknowledgedAt: iso(i.acknowledgedAtMs),
    mitigatedAt: iso(i.mitigatedAtMs),
    resolvedAt: iso(i.resolvedAtMs),
    resolution: i.resolution,
    mergedInto: i.mergedInto,
    suppressed: i.suppressedBy ? { reason: 'inhibited', by: i.suppressedBy } : null,
    rootCauseHints: i.rootCauseHints.map((h) => ({ service: h.service, signal: h.signal, score: h.score, evidence: h.evidence })),
  };
}

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
