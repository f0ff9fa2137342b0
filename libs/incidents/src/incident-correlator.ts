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
  /** The largest observed value (error ratio, latency…): what severity compares with SLOs. */
  peakObserved: number | null;
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
  /** Declared by a human: signals may join it, but only a human resolves it. */
  declared?: boolean;
}

/** What a correlator resumes from: the incidents that can still change, and its clocks. */
export interface CorrelatorState {
  incidents: Incident[];
  watermarkMs: number;
  nextNumber: number;
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
  private incidents: Incident[] = [];
  private readonly byFingerprint = new Map<string, Incident>();
  private watermarkMs = 0;
  private nextNumber = 1;

  constructor(
    private graph: ServiceDependencyGraph,
    options: Partial<CorrelationOptions> = {},
    state?: CorrelatorState,
  ) {
    this.options = { ...DEFAULT_CORRELATION_OPTIONS, ...options };
    if (state) {
      this.incidents = state.incidents.filter((i) => i.status !== 'merged');
      this.watermarkMs = state.watermarkMs;
      this.nextNumber = state.nextNumber;
      for (const incident of this.incidents) for (const m of incident.members) this.byFingerprint.set(m.fingerprint, incident);
    }
  }

  all(): readonly Incident[] {
    return this.incidents;
  }

  /** Event time of the newest anomaly seen. */
  get watermark(): number {
    return this.watermarkMs;
  }

  /**
   * Moves event time on without an event: a live stream that went quiet (everything recovered,
   * nothing new) must still resolve its incidents. Only forward; returns what resolved.
   */
  advanceTo(watermarkMs: number): IncidentChange[] {
    if (watermarkMs <= this.watermarkMs) return [];
    this.watermarkMs = watermarkMs;
    return this.resolveQuiet();
  }

  /** The number the next incident gets (numbers are shared with incidents declared by hand). */
  get upcomingNumber(): number {
    return this.nextNumber;
  }

  /** The topology changes as traces teach it; incidents already formed keep their members. */
  useGraph(graph: ServiceDependencyGraph): void {
    this.graph = graph;
  }

  /**
   * Forgets incidents that can no longer change: merged ones, and resolved ones past the
   * cool-down in which a returning signal would reopen them. Keeps memory flat over months.
   */
  prune(): Incident[] {
    const keep: Incident[] = [];
    const dropped: Incident[] = [];
    for (const incident of this.incidents) {
      const settled =
        incident.status === 'merged' ||
        (incident.status === 'resolved' && incident.resolvedAtMs !== null && this.watermarkMs - incident.resolvedAtMs > this.options.cooldownMinutes * MINUTE);
      (settled ? dropped : keep).push(incident);
    }
    for (const incident of dropped) for (const m of incident.members) if (this.byFingerprint.get(m.fingerprint) === incident) this.byFingerprint.delete(m.fingerprint);
    this.incidents = keep;
    return dropped;
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
        // Partitions interleave: event time may already be past the resolve delay (another
        // service's later event came first), so the recovery can settle its incident now.
        changes.push(...this.resolveQuiet());
      }
      return changes;
    }
    if (known) {
      const member = known.members.find((m) => m.fingerprint === event.fingerprint) as IncidentMember;
      if (known.status === 'open') {
        member.events++;
        member.lastAtMs = Math.max(member.lastAtMs, at);
        member.peakScore = Math.max(member.peakScore, event.score);
        member.peakObserved = maxObserved(member.peakObserved, event.observed);
        member.recoveredAtMs = null;
        known.lastActivityMs = Math.max(known.lastActivityMs, at);
        changes.push({ type: 'deduplicated', incident: known, member, atMs: at });
        return changes;
      }
      // A human may resolve an incident while a signal's episode still runs: its updates are
      // the same episode, not a recurrence, so only a new episode (an `open`) reopens.
      if (event.status === 'update') {
        member.events++;
        member.lastAtMs = Math.max(member.lastAtMs, at);
        changes.push({ type: 'deduplicated', incident: known, member, atMs: at });
        return changes;
      }
      if (known.resolvedAtMs !== null && at - known.resolvedAtMs <= this.options.cooldownMinutes * MINUTE) {
        known.status = 'open';
        known.resolvedAtMs = null;
        known.lastActivityMs = at;
        member.events++;
        member.lastAtMs = at;
        member.peakObserved = maxObserved(member.peakObserved, event.observed);
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
      peakObserved: event.observed,
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
      id: incidentIdFor(event.id),
      number: this.nextNumber++,
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
      // A human declared it for reasons the signals may not show: a human resolves it.
      if (incident.status !== 'open' || incident.declared || incident.members.length === 0 || incident.members.some((m) => m.recoveredAtMs === null)) continue;
      const lastRecovery = Math.max(...incident.members.map((m) => m.recoveredAtMs as number));
      if (this.watermarkMs - lastRecovery < this.options.resolveAfterMinutes * MINUTE) continue;
      incident.status = 'resolved';
      incident.resolvedAtMs = lastRecovery + this.options.resolveAfterMinutes * MINUTE;
      changes.push({ type: 'resolved', incident, atMs: incident.resolvedAtMs });
    }
    return changes;
  }
}

const maxObserved = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Deterministic (a replay opens the same ids) and safe in a URL path: detection's event ids are
 * hex already; anything else is hashed (FNV-1a, 64 bits).
 */
export function incidentIdFor(eventId: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(eventId)) return `inc-${eventId}`;
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(eventId)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return `inc-${h.toString(16).padStart(16, '0')}`;
}
