import type { PostmortemInput } from '@vigil/incidents';
import { IncidentRepository, IncidentTimelineRepository, type Queryable, type StoredIncident, type StoredTimelineEntry } from '@vigil/store';

/** Everything a postmortem is filled from, read from the incident's stored history. */
export async function postmortemInput(db: Queryable, incident: StoredIncident, nowMs: number): Promise<PostmortemInput> {
  const signals = await new IncidentRepository(db).signals(incident.id);
  const entries: StoredTimelineEntry[] = [];
  const timeline = new IncidentTimelineRepository(db);
  let cursor: string | undefined;
  do {
    const page = await timeline.list(incident.id, { limit: 1000, ...(cursor ? { cursor } : {}) });
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return {
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      services: incident.services,
      commander: incident.commander,
      startedAtMs: incident.startedAtMs,
      detectedAtMs: incident.detectedAtMs,
      acknowledgedAtMs: incident.acknowledgedAtMs,
      mitigatedAtMs: incident.mitigatedAtMs,
      resolvedAtMs: incident.resolvedAtMs,
      customerFacing: incident.customerFacing,
    },
    rootCauseHints: incident.rootCauseHints.map((h) => ({ service: h.service, signal: h.signal, score: h.score, summary: summaryOf(h.evidence) })),
    timeline: entries.map((e) => ({ atMs: e.atMs, actor: e.actor, type: e.type, text: e.text })),
    // Runbook runs land on the timeline as `action` entries with their outcome in data.
    actions: entries
      .filter((e) => e.type === 'action')
      .map((e) => ({
        atMs: e.atMs,
        actor: e.actor,
        action: String(e.data['action'] ?? e.text),
        target: String(e.data['target'] ?? ''),
        outcome: (['succeeded', 'failed', 'skipped', 'pending'].includes(String(e.data['outcome'])) ? e.data['outcome'] : 'pending') as PostmortemInput['actions'][number]['outcome'],
        detail: e.text,
      })),
    anomalies: signals.map((s) => ({ service: s.service, signal: s.signal, kind: s.kind, firstAtMs: s.firstAtMs, peakScore: s.peakScore, summary: summaryOf(s.firstEvent) })),
    notes: entries.filter((e) => e.type === 'note').map((e) => ({ atMs: e.atMs, actor: e.actor, text: e.text })),
    generatedAtMs: nowMs,
  };
}

const summaryOf = (evidence: unknown): string =>
  evidence && typeof evidence === 'object' && typeof (evidence as { summary?: unknown }).summary === 'string' ? (evidence as { summary: string }).summary : '';
