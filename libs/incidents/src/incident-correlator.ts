import type { AnomalyEvent } from '@vigil/contracts';
import { DEFAULT_CORRELATION_OPTIONS, type CorrelationOptions } from './correlation-options';
import type { ServiceDependencyGraph } from './service-dependency-graph';
import { millisOf } from '@vigil/rollup';

/** One signal (fingerprint) inside an incident. */
export interface IncidentMember {
  fingerprint: string;
  service: string;
  kind: AnomalyEvent['kind'];
  signal: string;
  /** Event time (ms) of its first anomaly: the onset that root-cause ranking orders by. */
  firstAtMs: number;
  lastAtMs: number;
  /** Anomaly events folded into this member (dedup count). */
  events: number;
  peakScore: number;
  recoveredAtMs: number | null;
  /** The event that opened it, kept as evidence. */
  first: AnomalyEvent;
}

export interface Incident {
  id: string;
  number: number;
  /** `merged`: a later anomaly showed it is part of another incident (`mergedInto`). */
  status: 'open' | 'resolved' | 'merged';
  mergedInto?: string;
  openedAtMs: number;
  lastActivityMs: number;
  resolvedAtMs: number | null;
  services: string[];
  members: IncidentMember[];
}

export type IncidentChange =
  | { type: 'opened' | 'joined' | 'reopened'; incident: Incident; member: IncidentMember; atMs: number }
  | { type: 'deduplicated' | 'recovered'; incident: Incident; member: IncidentMember; atMs: number }
  | { type: 'resolved'; incident: Incident; atMs: number }
  | { type: 'merged'; incident: Incident; into: Incident; atMs: number };

const MINUTE = 60_000;

/**
 * Anomalies → incidents, pure and event-time driven (a replayed stream yields the same
 * incidents): the same fingerprint is deduplicated into its incident; a new signal joins an open
 * incident when it fired within the join window and its service is the incident's or connected to
 * one in the dependency graph; otherwise it opens its own. A signal that fires again soon after its
 * incident resolved reopens it instead of opening another (no flapping). An incident resolves
 * once every member has recovered for `resolveAfterMinutes` of event time.
 */
export class IncidentCorrelator {
  private readonly options: CorrelationOptions;
  private readonly incidents: Incident[] = [];
  private readonly byFingerprint = new Map<string, Incident>();
  private watermarkMs = 0;

  constructor(
    private readonly graph: ServiceDependencyGraph,
    options: Partial<CorrelationOptions> = {},
  ) {
    this.options = { ...DEFAULT_CORRELATION_OPTIONS, ...options };
  }

  all(): readonly Incident[] {
    return this.incidents;
  }

  apply(event: AnomalyEvent): IncidentChange[] {
    const at = millisOf(event.timeUnixNano);
    const changes: IncidentChange[] = [];
    if (at > this.watermarkMs) {
      this.watermarkMs = at;
      changes.push(...this.resolveQuiet());
    }
    const known = this.byFingerprint.get(event.fingerprint);
    if (event.status === 'recover') {
      const member = known?.members.find((m) => m.fingerprint === event.fingerprint);
      if (known && member && member.recoveredAtMs === null) {
        member.recoveredAtMs = at;
        changes.push({ type: 'recovered', incident: known, member, atMs: at });
      }
      return changes;
    }
    if (known) {
      const member = known.members.find((m) => m.fingerprint === event.fingerprint) as IncidentMember;
      if (known.status === 'open') {
        member.events++;
        member.lastAtMs = Math.max(member.lastAtMs, at);
        member.peakScore = Math.max(member.peakScore, event.score);
        member.recoveredAtMs = null;
        known.lastActivityMs = Math.max(known.lastActivityMs, at);
        changes.push({ type: 'deduplicated', incident: known, member, atMs: at });
        return changes;
      }
      if (known.resolvedAtMs !== null && at - known.resolvedAtMs <= this.options.cooldownMinutes * MINUTE) {
        known.status = 'open';
        known.resolvedAtMs = null;
        known.lastActivityMs = at;
        member.events++;
        member.lastAtMs = at;
        member.recoveredAtMs = null;
        changes.push({ type: 'reopened', incident: known, member, atMs: at });
        return changes;
      }
    }
    const member: IncidentMember = {
      fingerprint: event.fingerprint,
      service: event.service,
      kind: event.kind,
      signal: event.signal,
      firstAtMs: at,
      lastAtMs: at,
      events: 1,
      peakScore: event.score,
      recoveredAtMs: null,
      first: event,
    };
    const [host, ...bridged] = this.hostsFor(event.service, at);
    if (host) {
      // Events arrive in any order: a signal connecting two open incidents shows they are one.
      for (const other of bridged) changes.push(this.merge(other, host, at));
      host.members.push(member);
      if (!host.services.includes(event.service)) host.services.push(event.service);
      host.lastActivityMs = Math.max(host.lastActivityMs, at);
      this.byFingerprint.set(event.fingerprint, host);
      changes.push({ type: 'joined', incident: host, member, atMs: at });
      return changes;
    }
    const incident: Incident = {
      id: `inc-${event.id}`,
      number: this.incidents.length + 1,
      status: 'open',
      openedAtMs: at,
      lastActivityMs: at,
      resolvedAtMs: null,
      services: [event.service],
      members: [member],
    };
    this.incidents.push(incident);
    this.byFingerprint.set(event.fingerprint, incident);
    changes.push({ type: 'opened', incident, member, atMs: at });
    return changes;
  }

  /**
   * The open incidents this service's new anomaly belongs to — recent, and connected to it in the
   * dependency graph — oldest first: it joins the first, and the others are merged into it.
   */
  private hostsFor(service: string, at: number): Incident[] {
    return this.incidents.filter(
      (incident) =>
        incident.status === 'open' &&
        at - incident.lastActivityMs <= this.options.joinWindowMinutes * MINUTE &&
        incident.services.some((other) => this.graph.distance(service, other, this.options.maxHops) !== null),
    );
  }

  private merge(from: Incident, into: Incident, at: number): IncidentChange {
    for (const member of from.members) {
      into.members.push(member);
      this.byFingerprint.set(member.fingerprint, into);
    }
    for (const service of from.services) if (!into.services.includes(service)) into.services.push(service);
    into.openedAtMs = Math.min(into.openedAtMs, from.openedAtMs);
    into.lastActivityMs = Math.max(into.lastActivityMs, from.lastActivityMs);
    from.status = 'merged';
    from.mergedInto = into.id;
    from.members = [];
    return { type: 'merged', incident: from, into, atMs: at };
  }

  private resolveQuiet(): IncidentChange[] {
    const changes: IncidentChange[] = [];
    for (const incident of this.incidents) {
      if (incident.status !== 'open' || incident.members.some((m) => m.recoveredAtMs === null)) continue;
      const lastRecovery = Math.max(...incident.members.map((m) => m.recoveredAtMs as number));
      if (this.watermarkMs - lastRecovery < this.options.resolveAfterMinutes * MINUTE) continue;
      incident.status = 'resolved';
      incident.resolvedAtMs = lastRecovery + this.options.resolveAfterMinutes * MINUTE;
      changes.push({ type: 'resolved', incident, atMs: incident.resolvedAtMs });
    }
    return changes;
  }
}
