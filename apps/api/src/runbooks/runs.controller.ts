import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { RunbookRunRepository, type Database, type StoredRun } from '@vigil/store';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { paged } from '../incidents/cursor-errors';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { RunDecisions } from './run-decisions';
import { approvalsQuerySchema, decisionBodySchema, runIdSchema, runListQuerySchema } from './runs.schemas';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const runView = (r: StoredRun) => ({
  id: r.id,
  runbook: r.runbook,
  status: r.status,
  blockedGuard: r.blockedGuard,
  outcome: r.outcome,
  dryRun: r.dryRun,
  incidentId: r.incidentId,
  trigger: r.trigger,
  targets: r.targets,
  phase: r.phase,
  currentStep: r.currentStep,
  createdAt: iso(r.createdAtMs),
  finishedAt: iso(r.finishedAtMs),
  healedAt: iso(r.healedAtMs),
  plan: r.plan,
});

/** Runbook runs: their steps, and the approvals humans give or refuse. */
@Controller('api')
export class RunsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(RunDecisions) private readonly decisions: RunDecisions,
  ) {}

  @Get('runs')
  @ApiDoc({ summary: 'Runbook runs, newest first', query: runListQuerySchema })
  async list(@Query(new ZodValidationPipe(runListQuerySchema)) query: z.output<typeof runListQuerySchema>) {
    const page = await paged(() => new RunbookRunRepository(this.db).list(query));
    return { items: page.items.map(runView), nextCursor: page.nextCursor };
  }

  @Get('runs/:id')
  @ApiDoc({ summary: 'One run with its steps (idempotency keys, attempts, results) and approvals', params: runIdSchema })
  async get(@Param(new ZodValidationPipe(runIdSchema)) { id }: { id: string }) {
    const repo = new RunbookRunRepository(this.db);
    const run = await repo.get(id);
    if (!run) throw new NotFoundException({ error: 'not_found', message: `no run ${id}` });
    const steps = (await repo.steps(id)).map((s) => ({ ...s, startedAt: iso(s.startedAtMs), finishedAt: iso(s.finishedAtMs) }));
    const approvals = (await repo.approvals({ runId: id })).map((a) => ({ ...a, requestedAt: iso(a.requestedAtMs), timeoutAt: iso(a.timeoutAtMs), decidedAt: iso(a.decidedAtMs) }));
    return { ...runView(run), steps, approvals };
  }

  @Get('approvals')
  @ApiDoc({ summary: 'Approval requests of runbook steps (pending by default)', query: approvalsQuerySchema })
  async approvals(@Query(new ZodValidationPipe(approvalsQuerySchema)) query: z.output<typeof approvalsQuerySchema>) {
    return { items: (await new RunbookRunRepository(this.db).approvals({ status: query.status })).map((a) => ({ ...a, requestedAt: iso(a.requestedAtMs), timeoutAt: iso(a.timeoutAtMs) })) };
  }

  @Post('runs/:id/approve')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: "Approve the run's pending step (only a role the step names may)", params: runIdSchema, body: decisionBodySchema })
  approve(@Param(new ZodValidationPipe(runIdSchema)) { id }: { id: string }, @Body(new ZodValidationPipe(decisionBodySchema)) body: z.output<typeof decisionBodySchema>, @CurrentActor() actor: Actor) {
    return this.decide(id, 'approved', actor, body.comment ?? null);
  }

  @Post('runs/:id/reject')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: "Reject the run's pending step: the run stops without acting", params: runIdSchema, body: decisionBodySchema })
  reject(@Param(new ZodValidationPipe(runIdSchema)) { id }: { id: string }, @Body(new ZodValidationPipe(decisionBodySchema)) body: z.output<typeof decisionBodySchema>, @CurrentActor() actor: Actor) {
    return this.decide(id, 'rejected', actor, body.comment ?? null);
  }

  @Post('runs/:id/cancel')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Cancel a run that has not finished (the step in flight, if any, completes)', params: runIdSchema })
  async cancel(@Param(new ZodValidationPipe(runIdSchema)) { id }: { id: string }, @CurrentActor() actor: Actor) {
    return runView(await this.decisions.cancel(id, actor));
  }

  private async decide(id: string, decision: 'approved' | 'rejected', actor: Actor, comment: string | null) {
    const { run, step } = await this.decisions.decide(id, decision, actor, comment);
    return { ...runView(run), approval: { step, decision, by: actor.name } };
  }
}
