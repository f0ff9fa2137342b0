import { silences, type SignalLabels, type Silence } from './silence';

/** Planned work on one service: its signals do not page anyone for the duration. */
export interface MaintenanceWindow {
  id: string;
  service: string;
  startsAtMs: number;
  endsAtMs: number;
}

export interface Suppression {
  reason: 'silence' | 'maintenance';
  /** The silence or maintenance window that applies. */
  by: string;
}

/**
 * Whether a signal is kept out of incidents. The caller stores suppressed signals where they
 * stay visible (never dropped); this only decides. Event time decides, so a replay agrees.
 */
export function suppressionFor(
  labels: SignalLabels,
  atMs: number,
  rules: { silences: readonly Silence[]; maintenance: readonly MaintenanceWindow[] },
): Suppression | null {
  for (const window of rules.maintenance) {
    if (window.service === labels.service && atMs >= window.startsAtMs && atMs < window.endsAtMs) return { reason: 'maintenance', by: window.id };
  }
  for (const silence of rules.silences) if (silences(silence, labels, atMs)) return { reason: 'silence', by: silence.id };
  return null;
}
