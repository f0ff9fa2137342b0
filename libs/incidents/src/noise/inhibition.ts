import type { ServiceDependencyGraph } from '../service-dependency-graph';
import { severityRank, type Severity } from '../severity/severity';

export interface InhibitionCandidate {
  id: string;
  severity: Severity;
  services: readonly string[];
  open: boolean;
}

/**
 * The open sev1 incident that explains this one, if any: every service of this incident is one
 * of the sev1's services or calls one of them (directly or not), so its trouble is most likely the
 * sev1's trouble seen from upstream. The inhibited incident stays visible; it just pages no one.
 */
export function inhibitorOf(
  incident: InhibitionCandidate,
  others: readonly InhibitionCandidate[],
  graph: ServiceDependencyGraph,
): InhibitionCandidate | null {
  if (incident.severity === 'sev1' || incident.services.length === 0) return null;
  for (const other of others) {
    if (other.id === incident.id || !other.open || other.severity !== 'sev1') continue;
    if (severityRank(other.severity) >= severityRank(incident.severity)) continue;
    const explained = incident.services.every((s) => other.services.some((cause) => s === cause || graph.dependsOn(s, cause)));
    if (explained) return other;
  }
  return null;
}
