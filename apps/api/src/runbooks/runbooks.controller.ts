import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { finishedRun } from '@vigil/runs';
import { checkGuards, planRun, runbookEfficacy, triggerMatches, type TriggerContext } from '@vigil/runbooks';
import { ACTIVE_RUN_STATUSES, AuditLogRepository, IncidentRepository, RunbookRunRepository, type Database } from '@vigil/store';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE, RUNBOOKS } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { ManualRuns } from './manual-runs';
import type { RunbookSource } from './runbook-source';
import { runView } from './runs.controller';
import { dryRunBodySchema, killSwitchBodySchema, runbookNameSchema } from './runs.schemas';

const DAY = 86_400_000;


/** The runbooks folder as loaded: what each runbook does, errors, efficacy, the kill switch, and dry runs. */
@Controller('api/runbooks')
export class RunbooksController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(RUNBOOKS) private readonly source: RunbookSource | null,
    @Inject(ManualRuns) private readonly manual: ManualRuns,
  ) {}

  @Get()
  @ApiDoc({ summary: 'Runbooks in the folder with their triggers, risk and guards; files with errors (file:line:column); efficacy; the kill switch' })
  async list() {
    const loaded = this.source ? await this.source.current() : { runbooks: [], errors: [] };
    const repo = new RunbookRunRepository(this.db);
    const efficacy = runbookEfficacy((await repo.recent(Date.now() - 30 * DAY)).filter((r) => r.finishedAtMs !== null).map(finishedRun));
    return {
      folder: this.source?.folder ?? null,
      killSwitch: await repo.killSwitch(),
      runbooks: loaded.runbooks.map(({ file, runbook }) => ({
        name: runbook.metadata.name,
        description: runbook.metadata.description,
        owner: runbook.metadata.owner ?? null,
        file,
        risk: runbook.risk,
        dryRun: runbook.dryRun,
        triggers: runbook.triggers,
        guards: runbook.guards,
        steps: runbook.steps.map((s) => ({ type: s.type, name: s.name, ...(s.type === 'action' ? { action: s.action, target: s.target } : {}) })),
        efficacy: efficacy.find((e) => e.runbook === runbook.metadata.name) ?? null,
      })),
      errors: loaded.errors,
    };
  }

  @Post('kill-switch')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiDoc({ summary: 'Turn the global kill switch on (no run starts or takes another step) or off', body: killSwitchBodySchema })
  async killSwitch(@Body(new ZodValidationPipe(killSwitchBodySchema)) body: z.output<typeof killSwitchBodySchema>, @CurrentActor() actor: Actor) {
    return this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const before = await repo.killSwitch();
      await repo.setKillSwitch(body.on, actor.name);
      await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action: 'runbook.kill_switch', targetType: 'runbook_settings', targetId: 'kill_switch', before: { on: before.on }, after: { on: body.on, reason: body.reason } });
      return repo.killSwitch();
    });
  }

  @Post(':name/run')
  @HttpCode(201)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Run a runbook on an incident now (guards, approvals and verification as for a triggered run)', params: runbookNameSchema, body: dryRunBodySchema })
  async run(@Param(new ZodValidationPipe(runbookNameSchema)) { name }: { name: string }, @Body(new ZodValidationPipe(dryRunBodySchema)) body: z.output<typeof dryRunBodySchema>, @CurrentActor() actor: Actor) {
    return runView(await this.manual.start(body.incidentId, name, actor));
  }

  @Post(':name/dry-run')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Plan a runbook against an incident without running it: whether it matches, its concrete steps, the approval it needs, and which guard would stop it', params: runbookNameSchema, body: dryRunBodySchema })
  async dryRun(@Param(new ZodValidationPipe(runbookNameSchema)) { name }: { name: string }, @Body(new ZodValidationPipe(dryRunBodySchema)) body: z.output<typeof dryRunBodySchema>) {
    const loaded = this.source ? await this.source.current() : { runbooks: [], errors: [] };
    const runbook = loaded.runbooks.find((r) => r.runbook.metadata.name === name)?.runbook;
    if (!runbook) throw new NotFoundException({ error: 'not_found', message: `no valid runbook ${name} in ${this.source?.folder ?? 'the runbooks folder'}` });
    const incident = await new IncidentRepository(this.db).get(body.incidentId);
    if (!incident) throw new NotFoundException({ error: 'not_found', message: `no incident ${body.incidentId}` });
    const context: TriggerContext = { on: 'incident', incident: { id: incident.id, number: incident.number, severity: incident.severity, services: incident.services, status: incident.status } };
    const repo = new RunbookRunRepository(this.db);
    const history = (await repo.recent(Date.now() - DAY, [name])).filter((h) => h.status !== 'blocked');
    const efficacy = runbookEfficacy(history.filter((h) => h.finishedAtMs !== null).map(finishedRun))[0];
    const planned = planRun(runbook, context, { runId: 'run-dry-run', demoted: Boolean(efficacy?.demoted), dryRun: true });
    const guard = planned.ok
      ? checkGuards({ runbook: name, guards: runbook.guards, targets: planned.plan.targets, history: history.map((h) => ({ runbook: h.runbook, targets: h.targets, startedAtMs: h.createdAtMs, active: ACTIVE_RUN_STATUSES.includes(h.status) })), killSwitch: (await repo.killSwitch()).on, nowMs: Date.now() })
      : null;
    return {
      runbook: name,
      incidentId: incident.id,
      matchesIncident: runbook.triggers.some((t) => triggerMatches(t, context)),
      plan: planned.ok ? planned.plan : null,
      refused: planned.ok ? null : planned.reason,
      guard,
      demoted: efficacy?.demoted ?? null,
    };
  }
}
