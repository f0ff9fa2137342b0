import type { AnomalyEvent } from '@vigil/contracts';
import {
  assessSeverity,
  incidentSignature,
  inhibitorOf,
  IncidentCorrelator,
  rankRootCauses,
  ServiceDependencyGraph,
  suppressionFor,
  type CorrelationOptions,
  type Incident,
  type IncidentChange,
  type MaintenanceWindow,
  type ServiceCatalog,
  type Silence,
} from '@vigil/incidents';
import { IncidentRepository, IncidentTimelineRepository, type Queryable, type StoredIncident, type SuppressedSignal, type TimelineEntry } from '@vigil/store';
import { millisOf } from '@vigil/rollup';
import { toCorrelatorIncident, toStoredSignal } from './correlator-snapshot';
import { incidentTitle } from './incident-title';

export interface IncidentBookOptions {
  correlation: CorrelationOptions;
  catalog: ServiceCatalog;
}

export interface BatchOutcome {
  changes: IncidentChange[];
  suppressed: SuppressedSignal[];
  /** Incidents written this batch (after the batch), for notifications. */
  touched: StoredIncident[];
}

const ACTOR = 'vigil';
const MINUTE = 60_000;

/**
 * The responder's working copy of the incidents that can still change, and the rules that turn
 * anomaly events into writes: correlation, silences and maintenance, severity, root-cause hints,
 * inhibition and the timeline. Runs inside the caller's transaction with the responder state
 * locked; trusted only while `version` matches the stored one (else reloaded).
 */
export class IncidentBook {
  private correlator: IncidentCorrelator;
  private rows = new Map<string, StoredIncident>();
  version = -1;

  constructor(
    private graph: ServiceDependencyGraph,
    private readonly options: IncidentBookOptions,
  ) {
    this.correlator = new IncidentCorrelator(graph, options.correlation);
  }

  useGraph(graph: ServiceDependencyGraph): void {
    this.graph = graph;
    this.correlator.useGraph(graph);
  }

  get openIncidents(): number {
    return [...this.rows.values()].filter((r) => r.status !== 'resolved' && !r.mergedInto).length;
  }

  /** Rebuilds from the database: another writer changed incidents since this copy was made. */
  async reload(tx: Queryable, state: { version: number; watermarkMs: number; nextNumber: number }): Promise<void> {
    const { incidents, signals } = await new IncidentRepository(tx).correlatable(state.watermarkMs, this.options.correlation.cooldownMinutes * MINUTE);
    this.rows = new Map(incidents.map((r) => [r.id, r]));
    this.correlator = new IncidentCorrelator(this.graph, this.options.correlation, {
      incidents: incidents.map((r) => toCorrelatorIncident(r, signals)),
      watermarkMs: state.watermarkMs,
      nextNumber: state.nextNumber,
    });
    this.version = state.version;
  }

  /** The stored incident that holds this signal now (after merges), if any. */
  incidentOf(fingerprint: string): StoredIncident | null {
    const holder = this.correlator.all().find((i) => i.status !== 'merged' && i.members.some((m) => m.fingerprint === fingerprint));
    return holder ? (this.rows.get(holder.id) ?? null) : null;
  }

  get watermarkMs(): number {
    return this.correlator.watermark;
  }

  get nextNumber(): number {
    return this.correlator.upcomingNumber;
  }

  /** Advances event time on an idle live stream and writes the incidents that resolve. */
  async advance(tx: Queryable, watermarkMs: number, nowMs: number): Promise<BatchOutcome> {
    const changes = this.correlator.advanceTo(watermarkMs);
    const touched = changes.length > 0 ? await this.write(tx, changes, nowMs) : [];
    this.correlator.prune();
    return { changes, suppressed: [], touched };
  }

  /** Applies events in order and writes what changed. The caller saves the state and commits. */
  async apply(tx: Queryable, events: readonly AnomalyEvent[], rules: { silences: readonly Silence[]; maintenance: readonly MaintenanceWindow[] }, nowMs: number): Promise<BatchOutcome> {
    const changes: IncidentChange[] = [];
    const suppressed: SuppressedSignal[] = [];
    for (const event of events) {
      const at = millisOf(event.timeUnixNano);
      const suppression = suppressionFor(event, at, rules);
      // A signal already inside an incident keeps updating it: silencing it now must not leave
      // the incident waiting forever for a recovery it will never see.
      if (suppression && !this.correlator.all().some((i) => i.status !== 'merged' && i.members.some((m) => m.fingerprint === event.fingerprint))) {
        suppressed.push({
          eventKey: eventKey(event),
          atMs: at,
          service: event.service,
          kind: event.kind,
          signal: event.signal,
          fingerprint: event.fingerprint,
          status: event.status,
          reason: suppression.reason,
          suppressedBy: suppression.by,
          event,
        });
        continue;
      }
      changes.push(...this.correlator.apply(event));
    }
    const touched = await this.write(tx, changes, nowMs);
    this.correlator.prune();
    return { changes, suppressed, touched };
  }

  private async write(tx: Queryable, changes: readonly IncidentChange[], nowMs: number): Promise<StoredIncident[]> {
    const repo = new IncidentRepository(tx);
    const timeline: TimelineEntry[] = [];
    const touched = new Map<string, Incident>();
    // Only the signals a change names are rewritten: in a storm an incident holds hundreds.
    const dirty = new Map<string, Set<string>>();
    const mark = (incidentId: string, fingerprint: string): void => {
      let set = dirty.get(incidentId);
      if (!set) dirty.set(incidentId, (set = new Set()));
      set.add(fingerprint);
    };
    for (const change of changes) {
      const incident = change.incident;
      touched.set(incident.id, incident);
      if ('member' in change) mark(incident.id, change.member.fingerprint);
      if (change.type === 'merged') for (const m of change.into.members) mark(change.into.id, m.fingerprint);
      switch (change.type) {
        case 'opened':
          timeline.push(entry(incident.id, change.atMs, 'opened', `Opened by ${change.member.service} ${change.member.signal}: ${change.member.first.summary}`, { fingerprint: change.member.fingerprint }));
          break;
        case 'joined':
          timeline.push(entry(incident.id, change.atMs, 'signal_joined', `${change.member.service} ${change.member.signal} joined: ${change.member.first.summary}`, { fingerprint: change.member.fingerprint }));
          break;
        case 'reopened':
          timeline.push(entry(incident.id, change.atMs, 'reopened', `Reopened: ${change.member.service} ${change.member.signal} fired again within the cool-down`, { fingerprint: change.member.fingerprint }));
          break;
        case 'recovered':
          timeline.push(entry(incident.id, change.atMs, 'signal_recovered', `${change.member.service} ${change.member.signal} recovered`, { fingerprint: change.member.fingerprint }));
          break;
        case 'resolved':
          timeline.push(entry(incident.id, change.atMs, 'resolved', `Resolved automatically: every signal recovered ${this.options.correlation.resolveAfterMinutes} min before`));
          break;
        case 'merged':
          touched.set(change.into.id, change.into);
          timeline.push(entry(incident.id, change.atMs, 'merged', `Merged into #${change.into.number}: a signal showed both are one failure`, { into: change.into.id }));
          timeline.push(entry(change.into.id, change.atMs, 'merged_in', `#${incident.number} merged in (${this.rows.get(incident.id)?.services.join(', ') ?? ''})`, { from: incident.id }));
          break;
        case 'deduplicated':
          break;
      }
    }
    // Inserts first (a merge may point at an incident born in this batch), then updates.
    const ordered = [...touched.values()].sort((a, b) => Number(this.rows.has(a.id)) - Number(this.rows.has(b.id)));
    const written: StoredIncident[] = [];
    for (const incident of ordered) {
      const before = this.rows.get(incident.id);
      const after = this.project(incident, before, changes, nowMs, timeline);
      // Born and already merged (or resolved) within one batch: the insert has the row, the
      // update the fields only a later change sets.
      if (!before) await repo.insert(after);
      if (before || after.mergedInto || after.resolvedAtMs !== null) await repo.update(after);
      if (incident.status === 'merged') await repo.dropSignals(incident.id);
      else {
        const changed = dirty.get(incident.id);
        await repo.upsertSignals(incident.members.filter((m) => changed?.has(m.fingerprint)).map((m) => toStoredSignal(incident.id, m)));
      }
      this.rows.set(incident.id, after);
      written.push(after);
    }
    const ids = new Set([...written.map((w) => w.id), ...(await this.inhibit(repo, written, timeline))]);
    await new IncidentTimelineRepository(tx).add(timeline);
    return [...ids].map((id) => this.rows.get(id) as StoredIncident);
  }

  /** The stored incident after this batch: correlation's facts merged with what humans set. */
  private project(incident: Incident, before: StoredIncident | undefined, changes: readonly IncidentChange[], nowMs: number, timeline: TimelineEntry[]): StoredIncident {
    const hints = rankRootCauses(incident, this.graph);
    const assessment = assessSeverity(
      incident.members.map((m) => ({ service: m.service, signal: m.signal, peak: m.peakObserved })),
      this.options.catalog,
    );
    const startedAtMs = incident.members.length > 0 ? Math.min(...incident.members.map((m) => m.firstAtMs)) : (before?.startedAtMs ?? incident.openedAtMs);
    const base: StoredIncident = before ?? {
      id: incident.id,
      number: incident.number,
      title: '',
      status: 'triggered',
      severity: assessment.severity,
      severitySource: 'auto',
      severityReason: assessment.reason,
      customerFacing: assessment.customerFacing,
      services: [],
      declared: false,
      declaredBy: null,
      commander: null,
      startedAtMs,
      openedAtMs: incident.openedAtMs,
      detectedAtMs: detectedAt(incident.openedAtMs, nowMs),
      acknowledgedAtMs: null,
      mitigatedAtMs: null,
      resolvedAtMs: null,
      resolvedBy: null,
      resolution: null,
      lastActivityMs: incident.lastActivityMs,
      mergedInto: null,
      suppressedBy: null,
      signature: [],
      rootCauseHints: [],
    };
    const after: StoredIncident = {
      ...base,
      title: base.declared ? base.title : incidentTitle(hints, incident.services),
      services: [...incident.services],
      startedAtMs: Math.min(startedAtMs, base.startedAtMs),
      openedAtMs: incident.openedAtMs,
      lastActivityMs: incident.lastActivityMs,
      signature: incidentSignature(incident.members),
      rootCauseHints: hints.slice(0, 10),
      customerFacing: base.customerFacing || assessment.customerFacing,
    };
    const mine = changes.filter((c) => c.incident.id === incident.id);
    for (const c of mine) {
      if (c.type === 'reopened') {
        Object.assign(after, { status: 'triggered', acknowledgedAtMs: null, mitigatedAtMs: null, resolvedAtMs: null, resolvedBy: null, resolution: null });
      } else if (c.type === 'resolved' && after.status !== 'resolved') {
        Object.assign(after, { status: 'resolved', resolvedAtMs: c.atMs, resolvedBy: ACTOR, resolution: 'every signal recovered' });
      } else if (c.type === 'merged') {
        Object.assign(after, { status: 'resolved', mergedInto: c.into.id, resolvedAtMs: c.atMs, resolvedBy: ACTOR, resolution: `merged into #${c.into.number}` });
      }
    }
    // Severity follows impact while no human has set it; it only ever rises on its own (a
    // recovering signal does not make an outage less serious in hindsight).
    if (after.severitySource === 'auto' && (before === undefined || rank(assessment.severity) < rank(after.severity))) {
      if (before) timeline.push(entry(incident.id, incident.lastActivityMs, 'severity_changed', `Severity ${before.severity} → ${assessment.severity}: ${assessment.reason}`, { from: before.severity, to: assessment.severity }));
      after.severity = assessment.severity;
      after.severityReason = assessment.reason;
    }
    return after;
  }

  /** Inhibition: a lower-severity incident explained by an open sev1 pages no one while it lasts. */
  private async inhibit(repo: IncidentRepository, written: readonly StoredIncident[], timeline: TimelineEntry[]): Promise<string[]> {
    const candidates = [...this.rows.values()].filter((r) => !r.mergedInto).map((r) => ({ id: r.id, severity: r.severity, services: r.services, open: r.status !== 'resolved' }));
    const check = new Map(written.map((w) => [w.id, w]));
    // A sev1 that changed may start (or stop) explaining others that did not change.
    if (written.some((w) => w.severity === 'sev1')) for (const r of this.rows.values()) if (r.suppressedBy !== null || r.status !== 'resolved') check.set(r.id, r);
    const changed: string[] = [];
    for (const row of check.values()) {
      if (row.mergedInto) continue;
      const inhibitor = row.status === 'resolved' ? null : inhibitorOf({ id: row.id, severity: row.severity, services: row.services, open: true }, candidates, this.graph);
      const by = inhibitor?.id ?? null;
      if (by === row.suppressedBy) continue;
      const at = row.lastActivityMs;
      const updated = { ...row, suppressedBy: by };
      if (by) timeline.push(entry(row.id, at, 'inhibited', `Suppressed: explained by sev1 #${this.rows.get(by)?.number ?? '?'} on ${this.rows.get(by)?.services.join(', ') ?? ''}`, { by }));
      else timeline.push(entry(row.id, at, 'uninhibited', 'No longer suppressed: the incident that explained it is over', {}));
      await repo.update(updated);
      this.rows.set(row.id, updated);
      changed.push(row.id);
    }
    return changed;
  }
}

/**
 * When Vigil noticed. On live data, the wall time the incident was recorded: time to detect then
 * includes the pipeline's lag. A replayed or backfilled stream (event time well behind the
 * clock) is detected at its event time, so its durations are the same on every replay.
 */
const REPLAY_LAG_MS = 5 * MINUTE;
const detectedAt = (openedAtMs: number, nowMs: number): number => (nowMs - openedAtMs > REPLAY_LAG_MS ? openedAtMs : Math.max(nowMs, openedAtMs));

const rank = (s: string): number => ['sev1', 'sev2', 'sev3', 'sev4'].indexOf(s);

function entry(incidentId: string, atMs: number, type: string, text: string, data: Record<string, unknown> = {}): TimelineEntry {
  return { incidentId, atMs, actor: ACTOR, type, text, data };
}

/** One event of an anomaly (updates share the anomaly's id, so the time and status tell them apart). */
export const eventKey = (e: AnomalyEvent): string => `${e.id}:${e.status}:${e.timeUnixNano}`;
