import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { IncidentTransitionError, nextStatus, type IncidentTransition, type Severity } from '@vigil/incidents';
import { AuditLogRepository, IncidentRepository, IncidentTimelineRepository, webhookOutbox, type Database, type Queryable, type StoredIncident, type TimelineEntry } from '@vigil/store';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { DATABASE } from '../tokens';
import { humanIncidentEvent } from '../webhooks/incident-webhook-events';
import type { DeclareIncident } from './incident.schemas';

/**
 * Every change a human makes to an incident. Each runs in one transaction that locks the shared
 * responder state (so it never interleaves with correlation), bumps its version (so responders
 * reload), writes the incident, its timeline entry and an audit record.
 */
@Injectable()
export class IncidentCommands {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async declare(input: DeclareIncident, actor: Actor): Promise<StoredIncident> {
    return this.db.transaction(async (tx) => {
      const repo = new IncidentRepository(tx);
      const state = await repo.lockState();
      const now = Date.now();
      const incident: StoredIncident = {
        id: `inc-${randomUUID()}`,
        number: state.nextNumber,
        title: input.title,
        status: 'triggered',
        severity: input.severity,
        severitySource: 'human',
        severityReason: `declared ${input.severity} by ${actor.name}`,
        customerFacing: false,
        services: [...new Set(input.services)],
        declared: true,
        declaredBy: actor.name,
        commander: null,
        startedAtMs: now,
        openedAtMs: now,
        detectedAtMs: now,
        acknowledgedAtMs: null,
        mitigatedAtMs: null,
        resolvedAtMs: null,
        resolvedBy: null,
        resolution: null,
        lastActivityMs: now,
        mergedInto: null,
        suppressedBy: null,
        signature: input.services.map((s) => `svc:${s}`),
        rootCauseHints: [],
      };
      await repo.insert(incident);
      await repo.saveState({ ...state, version: state.version + 1, nextNumber: state.nextNumber + 1 });
      const entry = await this.record(tx, incident, actor, now, 'declared', `Declared by ${actor.name}${input.summary ? `: ${input.summary}` : ''}`, null, { severity: input.severity, services: incident.services });
      await webhookOutbox.enqueue(tx, [humanIncidentEvent(incident, entry, state.version + 1)]);
      return incident;
    });
  }

  async transition(id: string, transition: IncidentTransition, actor: Actor, note?: string): Promise<StoredIncident> {
    return this.change(id, actor, `incident.${transition}`, (before, now) => {
      let status;
      try {
        status = nextStatus(before.status, transition);
      } catch (error) {
        if (error instanceof IncidentTransitionError) throw new ConflictException({ error: 'invalid_transition', message: error.message, status: before.status });
        throw error;
      }
      const after: StoredIncident = { ...before, status, lastActivityMs: Math.max(before.lastActivityMs, now) };
      if (transition === 'acknowledge') after.acknowledgedAtMs = now;
      if (transition === 'mitigate') {
        after.mitigatedAtMs = now;
        after.acknowledgedAtMs ??= now;
      }
      if (transition === 'resolve') {
        Object.assign(after, { resolvedAtMs: now, resolvedBy: actor.name, resolution: note ?? `resolved by ${actor.name}` });
        after.acknowledgedAtMs ??= now;
      }
      if (transition === 'reopen') Object.assign(after, { resolvedAtMs: null, resolvedBy: null, resolution: null, mitigatedAtMs: null });
      const verb = { acknowledge: 'Acknowledged', mitigate: 'Mitigated', resolve: 'Resolved', reopen: 'Reopened' }[transition];
      return { after, type: transition === 'acknowledge' ? 'acknowledged' : transition === 'mitigate' ? 'mitigated' : transition === 'resolve' ? 'resolved' : 'reopened', text: `${verb} by ${actor.name}${note ? `: ${note}` : ''}` };
    });
  }

  async setSeverity(id: string, severity: Severity, actor: Actor, reason?: string): Promise<StoredIncident> {
    return this.change(id, actor, 'incident.severity', (before) => ({
      after: { ...before, severity, severitySource: 'human', severityReason: reason ?? `set by ${actor.name}` },
      type: 'severity_changed',
      text: `Severity ${before.severity} → ${severity} by ${actor.name}${reason ? `: ${reason}` : ''}`,
      data: { from: before.severity, to: severity },
    }));
  }

  async setCommander(id: string, commander: string, actor: Actor): Promise<StoredIncident> {
    return this.change(id, actor, 'incident.commander', (before) => ({
      after: { ...before, commander },
      type: 'commander_changed',
      text: `${commander} is incident commander (set by ${actor.name})`,
    }));
  }

  /**
   * A note on the timeline. Messages captured from the incident's Slack channel are `slack_message`
   * entries; pinned ones `key_event`s (postmortems and the dashboard single them out).
   */
  async addNote(id: string, text: string, actor: Actor, options: { keyEvent?: boolean; source?: 'api' | 'slack_message' | 'slash_command' } = {}): Promise<StoredIncident> {
    const type = options.keyEvent ? 'key_event' : options.source === 'slack_message' ? 'slack_message' : 'note';
    return this.change(id, actor, 'incident.note', (before) => ({ after: before, type, text, data: { source: options.source ?? 'api', ...(options.keyEvent ? { keyEvent: true } : {}) } }));
  }

  private async change(
    id: string,
    actor: Actor,
    action: string,
    apply: (before: StoredIncident, nowMs: number) => { after: StoredIncident; type: string; text: string; data?: Record<string, unknown> },
  ): Promise<StoredIncident> {
    return this.db.transaction(async (tx) => {
      const repo = new IncidentRepository(tx);
      const state = await repo.lockState();
      const before = await repo.getForUpdate(id);
      if (!before) throw new NotFoundException({ error: 'not_found', message: `no incident ${id}` });
      if (before.mergedInto) throw new ConflictException({ error: 'merged', message: `incident ${id} was merged into ${before.mergedInto}; act on that one`, mergedInto: before.mergedInto });
      const now = Date.now();
      const { after, type, text, data } = apply(before, now);
      if (after !== before) await repo.update(after);
      await repo.saveState({ ...state, version: state.version + 1 });
      const entry = await this.record(tx, after, actor, now, type, text, before, data ?? {}, action);
      await webhookOutbox.enqueue(tx, [humanIncidentEvent(after, entry, state.version + 1)]);
      return after;
    });
  }

  private async record(tx: Queryable, incident: StoredIncident, actor: Actor, atMs: number, type: string, text: string, before: StoredIncident | null, data: Record<string, unknown>, action = `incident.${type}`): Promise<TimelineEntry> {
    const entry: TimelineEntry = { incidentId: incident.id, atMs, actor: actor.name, type, text, data };
    await new IncidentTimelineRepository(tx).add([entry]);
    await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action, targetType: 'incident', targetId: incident.id, before, after: type === 'note' || type === 'slack_message' || type === 'key_event' ? { note: text } : incident });
    return entry;
  }
}
