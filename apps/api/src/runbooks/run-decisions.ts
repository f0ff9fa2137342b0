import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AuditLogRepository, IncidentTimelineRepository, RunbookRunRepository, type Database, type Queryable, type StoredRun } from '@vigil/store';
import type { Actor } from '../auth/actor';
import { roleAllows, type Role } from '../auth/role';
import { DATABASE } from '../tokens';

/** Approving or rejecting a run's pending step, and cancelling runs (REST and Slack share it). */
@Injectable()
export class RunDecisions {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async decide(id: string, decision: 'approved' | 'rejected', actor: Actor, comment: string | null): Promise<{ run: StoredRun; step: string }> {
    return this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const run = await repo.getForUpdate(id);
      if (!run) throw new NotFoundException({ error: 'not_found', message: `no run ${id}` });
      const pending = (await repo.approvals({ runId: id, status: 'pending' }))[0];
      if (!pending || run.status !== 'waiting_approval') throw new ConflictException({ error: 'no_pending_approval', message: `run ${id} is ${run.status}; nothing waits for approval` });
      // The step names who may approve it: a viewer never, a responder only when responders may.
      if (!pending.roles.some((role) => roleAllows(actor.role, role as Role))) {
        throw new ForbiddenException({ error: 'forbidden', message: `step ${pending.stepName} needs approval by a ${pending.roles.join(' or ')}; ${actor.name} is a ${actor.role}` });
      }
      if (!(await repo.decide(id, pending.stepIdx, decision, actor.name, comment))) throw new ConflictException({ error: 'no_pending_approval', message: 'the approval was decided or timed out meanwhile' });
      await repo.wake(id);
      await recordRunChange(tx, run, actor, `runbook.approval.${decision === 'approved' ? 'approve' : 'reject'}`, decision === 'approved' ? 'run_approved' : 'run_rejected', `${decision === 'approved' ? 'Approved' : 'Rejected'} by ${actor.name}: runbook ${run.runbook}, step ${pending.stepName}${comment ? ` — ${comment}` : ''}`);
      return { run: (await repo.get(id)) as StoredRun, step: pending.stepName };
    });
  }

  async cancel(id: string, actor: Actor): Promise<StoredRun> {
    return this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const run = await repo.getForUpdate(id);
      if (!run) throw new NotFoundException({ error: 'not_found', message: `no run ${id}` });
      if (run.finishedAtMs !== null) throw new ConflictException({ error: 'finished', message: `run ${id} already finished (${run.status})` });
      await repo.finishNow(id, 'cancelled', `cancelled by ${actor.name}`);
      await recordRunChange(tx, run, actor, 'runbook.run.cancel', 'run_cancelled', `Runbook ${run.runbook} run cancelled by ${actor.name}`);
      return (await repo.get(id)) as StoredRun;
    });
  }
}

export async function recordRunChange(tx: Queryable, run: StoredRun, actor: Actor, action: string, type: string, text: string): Promise<void> {
  await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action, targetType: 'runbook_run', targetId: run.id, before: { status: run.status }, after: { text } });
  if (run.incidentId) await new IncidentTimelineRepository(tx).add([{ incidentId: run.incidentId, atMs: Date.now(), actor: actor.name, type, text, data: { runId: run.id } }]);
}
