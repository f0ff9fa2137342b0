import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { launchRun } from '@vigil/runs';
import { AuditLogRepository, IncidentRepository, RunbookRunRepository, webhookOutbox, type Database, type StoredRun } from '@vigil/store';
import type { Actor } from '../auth/actor';
import { DATABASE, RUNBOOKS } from '../tokens';
import type { RunbookSource } from './runbook-source';

const DAY = 86_400_000;

/**
 * A human starts a runbook on an incident (REST, Slack's "Run suggested runbook"): the same
 * guard rails, approvals and execution as a triggered run; any responder's executor picks it up.
 */
@Injectable()
export class ManualRuns {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(RUNBOOKS) private readonly source: RunbookSource | null,
  ) {}

  async start(incidentId: string, name: string, actor: Actor): Promise<StoredRun> {
    const loaded = this.source ? await this.source.current() : { runbooks: [] };
    const runbook = loaded.runbooks.find((r) => r.runbook.metadata.name === name)?.runbook;
    if (!runbook) throw new NotFoundException({ error: 'not_found', message: `no valid runbook ${name}` });
    const incident = await new IncidentRepository(this.db).get(incidentId);
    if (!incident) throw new NotFoundException({ error: 'not_found', message: `no incident ${incidentId}` });
    const now = Date.now();
    return this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const history = await repo.recent(now - DAY, [name]);
      const run = (await launchRun(
        tx,
        runbook,
        { on: 'manual', incident: { id: incident.id, number: incident.number, severity: incident.severity, services: incident.services, status: incident.status }, requestedBy: actor.name, requestedAtMs: now },
        { dryRun: this.source?.dryRun ?? false, history, killSwitch: (await repo.killSwitch()).on, nowMs: now, actor: actor.name, events: (t, events) => webhookOutbox.enqueue(t, events).then(() => undefined) },
      )) as StoredRun;
      await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action: 'runbook.run.start', targetType: 'runbook_run', targetId: run.id, before: null, after: { runbook: name, incidentId, status: run.status, guard: run.blockedGuard } });
      return run;
    });
  }
}
