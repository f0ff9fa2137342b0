import type { AnomalyEvent } from '@vigil/contracts';
import type { Incident, IncidentMember } from '@vigil/incidents';
import type { StoredIncident, StoredIncidentSignal } from '@vigil/store';

/** Stored rows → the correlator's view of an incident (the database is the truth). */
export function toCorrelatorIncident(row: StoredIncident, signals: readonly StoredIncidentSignal[]): Incident {
  return {
    id: row.id,
    number: row.number,
    status: row.mergedInto ? 'merged' : row.status === 'resolved' ? 'resolved' : 'open',
    ...(row.mergedInto ? { mergedInto: row.mergedInto } : {}),
    openedAtMs: row.openedAtMs,
    lastActivityMs: row.lastActivityMs,
    resolvedAtMs: row.resolvedAtMs,
    services: [...row.services],
    members: signals.filter((s) => s.incidentId === row.id).map(toMember),
    declared: row.declared,
  };
}

function toMember(s: StoredIncidentSignal): IncidentMember {
  return {
    fingerprint: s.fingerprint,
    service: s.service,
    kind: s.kind as AnomalyEvent['kind'],
    signal: s.signal,
    firstAtMs: s.firstAtMs,
    lastAtMs: s.lastAtMs,
    events: s.events,
    peakScore: s.peakScore,
    peakObserved: s.peakObserved,
    recoveredAtMs: s.recoveredAtMs,
    first: s.firstEvent as AnomalyEvent,
  };
}

export function toStoredSignal(incidentId: string, m: IncidentMember): StoredIncidentSignal {
  return {
    incidentId,
    fingerprint: m.fingerprint,
    service: m.service,
    kind: m.kind,
    signal: m.signal,
    firstAtMs: m.firstAtMs,
    lastAtMs: m.lastAtMs,
    events: m.events,
    peakScore: m.peakScore,
    peakObserved: m.peakObserved,
    recoveredAtMs: m.recoveredAtMs,
    firstEvent: m.first,
  };
}
