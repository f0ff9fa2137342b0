import type { PostmortemInput } from './postmortem-input';

/** The four numbers a postmortem is judged by; null where the event has not happened (yet). */
export interface IncidentDurations {
  /** Impact start → incident opened. */
  timeToDetectMs: number;
  /** Incident opened → acknowledged by a human. */
  timeToAcknowledgeMs: number | null;
  /** Incident opened → impact stopped. */
  timeToMitigateMs: number | null;
  /** Incident opened → resolved. */
  timeToResolveMs: number | null;
}

/**
 * TTD is measured from the first anomalous point, the others from detection: what responders
 * can act on starts when the incident exists.
 *
 * Every duration is clamped at zero. The instants come from different clocks — `startedAtMs` is
 * the event time the failing service stamped on its telemetry, `detectedAtMs` the responder's
 * clock, acknowledgements Slack's — so skew, or a human opening the incident by hand before the
 * first anomalous point arrives late, can put them out of order by a few seconds. A negative
 * duration means nothing to a reader and would drag averages (MTTD, MTTR) below what happened;
 * zero ("at once, as far as we can tell") is the honest reading.
 */
export function incidentDurations(incident: PostmortemInput['incident']): IncidentDurations {
  const since = (from: number, to: number | null): number | null => (to === null ? null : Math.max(0, to - from));
  return {
    timeToDetectMs: Math.max(0, incident.detectedAtMs - incident.startedAtMs),
    timeToAcknowledgeMs: since(incident.detectedAtMs, incident.acknowledgedAtMs),
    timeToMitigateMs: since(incident.detectedAtMs, incident.mitigatedAtMs),
    timeToResolveMs: since(incident.detectedAtMs, incident.resolvedAtMs),
  };
}
