import type { AnomalyEvent } from '@vigil/contracts';

/** What can start a run: a signal (anomaly or alert), an incident, or a forecast breach. */
export type TriggerContext =
  | { on: 'anomaly' | 'alert'; event: AnomalyEvent; incident: IncidentFacts | null }
  | { on: 'incident'; incident: IncidentFacts }
  | { on: 'forecast'; service: string; series: string; breachInMinutes: number; incident: IncidentFacts | null }
  /** A human asked for this runbook on this incident (Slack button, API): triggers are not consulted. */
  | { on: 'manual'; incident: IncidentFacts; requestedBy: string; requestedAtMs: number };

export interface IncidentFacts {
  id: string;
  number: number;
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  services: readonly string[];
  status: 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';
}

/** The service a run acts for: the signal's, or the incident's top root cause's (first service). */
export function serviceOf(context: TriggerContext): string {
  switch (context.on) {
    case 'anomaly':
    case 'alert':
      return context.event.service;
    case 'forecast':
      return context.service;
    case 'incident':
    case 'manual':
      return context.incident.services[0] ?? 'unknown';
  }
}

/**
 * One run per runbook per trigger occurrence: an anomaly episode, an alert episode, an incident
 * (once per severity it reaches), a forecast breach per series and hour.
 */
export function triggerKey(context: TriggerContext): string {
  switch (context.on) {
    case 'anomaly':
    case 'alert':
      return `${context.on}:${context.event.id}`;
    case 'incident':
      return `incident:${context.incident.id}:${context.incident.severity}`;
    case 'forecast':
      return `forecast:${context.service}:${context.series}`;
    case 'manual':
      return `manual:${context.incident.id}:${context.requestedBy}:${context.requestedAtMs}`;
  }
}
