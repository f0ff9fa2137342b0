import type { AnomalyEvidence } from '@vigil/contracts';
import type { Incident } from './incident-correlator';
import type { ServiceDependencyGraph } from './service-dependency-graph';

export interface RootCauseHint {
  service: string;
  signal: string;
  score: number;
  /** Why: the first anomalous point and its example lines / spans with trace ids. */
  evidence: { firstAtMs: number; summary: string; observed: number | null; expected: number | null; examples: AnomalyEvidence[] };
}

/**
 * Ranks an incident's signals as candidate causes. Two things point at a cause: it went wrong
 * first (onset order), and it sits downstream of the others in the dependency graph (a database
 * that slows makes its callers slow, not the other way round). Scores are in (0, 1], best first.
 */
export function rankRootCauses(incident: Incident, graph: ServiceDependencyGraph): RootCauseHint[] {
  const members = incident.members;
  if (members.length === 0) return [];
  const onsets = [...new Set(members.map((m) => m.firstAtMs))].sort((a, b) => a - b);
  const services = [...new Set(members.map((m) => m.service))];
  const scored = members.map((m) => {
    const onsetRank = onsets.indexOf(m.firstAtMs) / Math.max(1, onsets.length - 1); // 0 = first
    // Of the other affected services, how many depend (call, directly or not) on this one.
    const others = services.filter((s) => s !== m.service);
    const dependents = others.filter((s) => graph.dependsOn(s, m.service)).length;
    const depth = others.length === 0 ? 1 : dependents / others.length;
    const score = 0.5 * (1 - onsetRank) + 0.4 * depth + 0.1 * m.peakScore;
    return { m, score };
  });
  scored.sort((a, b) => b.score - a.score || a.m.firstAtMs - b.m.firstAtMs || (a.m.fingerprint < b.m.fingerprint ? -1 : 1));
  const top = scored[0]?.score ?? 1;
  return scored.map(({ m, score }) => ({
    service: m.service,
    signal: m.signal,
    score: Number((score / top).toFixed(3)),
    evidence: { firstAtMs: m.firstAtMs, summary: m.first.summary, observed: m.first.observed, expected: m.first.expected, examples: m.first.evidence },
  }));
}
