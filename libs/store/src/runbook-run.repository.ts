import type { Queryable } from './database';
import { decodeCursor, encodeCursor, msOf, tsParam } from './incident-rows';
import { stripNul, toJsonb } from './json-safe';

export type RunStatus =
  | 'pending' | 'waiting_approval' | 'running' | 'verifying' | 'rolling_back'
  | 'succeeded' | 'failed' | 'rolled_back' | 'escalated' | 'rejected' | 'blocked' | 'cancelled';
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['pending', 'waiting_approval', 'running', 'verifying', 'rolling_back'];

export interface StoredRun {
  id: string;
  runbook: string;
  triggerKey: string;
  trigger: unknown;
  incidentId: string | null;
  fingerprint: string | null;
  status: RunStatus;
  blockedGuard: string | null;
  outcome: string;
  dryRun: boolean;
  plan: unknown;
  targets: string[];
  phase: 'main' | 'rollback';
  currentStep: number;
  nextAtMs: number;
  healedAtMs: number | null;
  createdAtMs: number;
  finishedAtMs: number | null;
}

export interface StoredRunStep {
  runId: string;
  phase: 'main' | 'rollback';
  idx: number;
  name: string;
  type: string;
  action: string | null;
  target: string | null;
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'waiting';
  idempotencyKey: string;
  attempts: number;
  startedAtMs: number;
  finishedAtMs: number | null;
  detail: string;
  data: Record<string, unknown>;
}

export interface StoredApproval {
  runId: string;
  stepIdx: number;
  stepName: string;
  roles: string[];
  status: 'pending' | 'approved' | 'rejected' | 'timed_out';
  requestedAtMs: number;
  timeoutAtMs: number;
  decidedBy: string | null;
  decidedAtMs: number | null;
  comment: string | null;
}

const RUN_COLUMNS = `id, runbook, trigger_key, trigger, incident_id, fingerprint, status, blocked_guard, outcome, dry_run, plan, targets, phase, current_step,
  ${msOf('next_at')}, ${msOf('healed_at')}, ${msOf('created_at')}, ${msOf('finished_at')}`;

interface RunRow {
  id: string; runbook: string; trigger_key: string; trigger: unknown; incident_id: string | null; fingerprint: string | null; status: RunStatus; blocked_guard: string | null;
  outcome: string; dry_run: boolean; plan: unknown; targets: string[]; phase: 'main' | 'rollback'; current_step: number; next_at_ms: number; healed_at_ms: number | null;
  created_at_ms: number; finished_at_ms: number | null;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const runOf = (r: RunRow): StoredRun => ({
  id: r.id, runbook: r.runbook, triggerKey: r.trigger_key, trigger: json(r.trigger), incidentId: r.incident_id, fingerprint: r.fingerprint, status: r.status, blockedGuard: r.blocked_guard,
  outcome: r.outcome, dryRun: r.dry_run, plan: json(r.plan), targets: r.targets, phase: r.phase, currentStep: Number(r.current_step), nextAtMs: r.next_at_ms, healedAtMs: r.healed_at_ms,
  createdAtMs: r.created_at_ms, finishedAtMs: r.finished_at_ms,
});

/** Runbook runs, their steps and approvals. */
export class RunbookRunRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates the run unless this runbook already ran for this trigger; true when created. */
  async create(run: Pick<StoredRun, 'id' | 'runbook' | 'triggerKey' | 'trigger' | 'incidentId' | 'fingerprint' | 'status' | 'blockedGuard' | 'outcome' | 'dryRun' | 'plan' | 'targets'>): Promise<boolean> {
    const finished = run.status === 'blocked' ? 'now()' : 'NULL';
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO runbook_runs (id, runbook, trigger_key, trigger, incident_id, fingerprint, status, blocked_guard, outcome, dry_run, plan, targets, finished_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::text[], ${finished})
       ON CONFLICT (runbook, trigger_key) DO NOTHING RETURNING id`,
      [run.id, run.runbook, stripNul(run.triggerKey), toJsonb(run.trigger), run.incidentId, run.fingerprint, run.status, run.blockedGuard, stripNul(run.outcome), run.dryRun, toJsonb(run.plan), run.targets],
    );
    return rows.length > 0;
  }

  async get(id: string): Promise<StoredRun | null> {
    const { rows } = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runbook_runs WHERE id = $1`, [id]);
    return rows[0] ? runOf(rows[0]) : null;
  }

  async getForUpdate(id: string): Promise<StoredRun | null> {
    const { rows } = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runbook_runs WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? runOf(rows[0]) : null;
  }

  async list(query: { status?: RunStatus; runbook?: string; incidentId?: string; cursor?: string; limit: number }): Promise<{ items: StoredRun[]; nextCursor: string | null }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.status) add((n) => `status = $${n}`, query.status);
    if (query.runbook) add((n) => `runbook = $${n}`, query.runbook);
    if (query.incidentId) add((n) => `incident_id = $${n}`, query.incidentId);
    const after = decodeCursor(query.cursor, 2);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(created_at, id) < (${tsParam(params.length - 1)}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const { rows } = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runbook_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(runOf);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAtMs, last.id]) : null };
  }

  /** Runs of these runbooks created since `sinceMs` (guards: cool-down, rate, concurrency; efficacy). */
  async recent(sinceMs: number, runbooks?: readonly string[]): Promise<StoredRun[]> {
    const { rows } = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runbook_runs WHERE created_at >= ${tsParam(1)} ${runbooks ? 'AND runbook = ANY($2::text[])' : ''} ORDER BY created_at`,
      runbooks ? [sinceMs, runbooks] : [sinceMs],
    );
    return rows.map(runOf);
  }

  /**
   * Takes the next due run for this worker with a lease, skipping runs another worker holds
   * (`SKIP LOCKED`), so any number of responders execute runs and none runs a step twice at once.
   * Nothing is due while the kill switch is on.
   */
  async claimDue(owner: string, leaseMs: number): Promise<StoredRun | null> {
    const { rows } = await this.db.query<RunRow>(
      `UPDATE runbook_runs SET lease_owner = $1, lease_until = now() + ($2::float8 / 1000) * interval '1 second'
       WHERE id = (
         SELECT id FROM runbook_runs
         WHERE status IN ('pending', 'waiting_approval', 'running', 'verifying', 'rolling_back') AND next_at <= now()
           AND (lease_until IS NULL OR lease_until < now())
           AND NOT (SELECT kill_switch FROM runbook_settings WHERE id = 1)
         ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${RUN_COLUMNS}`,
      [owner, leaseMs],
    );
    return rows[0] ? runOf(rows[0]) : null;
  }

  /** Moves a run on and releases its lease (only the holder may). */
  async advance(id: string, owner: string, change: { status: RunStatus; phase: 'main' | 'rollback'; currentStep: number; nextAtMs: number; outcome?: string; healedAtMs?: number | null; finished?: boolean }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE runbook_runs SET status = $3, phase = $4, current_step = $5, next_at = ${tsParam(6)}, outcome = coalesce($7, outcome),
         healed_at = CASE WHEN $8::float8 IS NULL THEN healed_at ELSE ${tsParam(8)} END,
         finished_at = CASE WHEN $9 THEN now() ELSE finished_at END, lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [id, owner, change.status, change.phase, change.currentStep, change.nextAtMs, change.outcome ?? null, change.healedAtMs ?? null, change.finished ?? false],
    );
    return rowCount > 0;
  }

  /** For humans (approve, cancel): wake the run now. */
  async wake(id: string, status?: RunStatus): Promise<void> {
    await this.db.query(`UPDATE runbook_runs SET next_at = now(), status = coalesce($2, status) WHERE id = $1`, [id, status ?? null]);
  }

  async finishNow(id: string, status: RunStatus, outcome: string): Promise<void> {
    await this.db.query(`UPDATE runbook_runs SET status = $2, outcome = $3, finished_at = now(), lease_owner = NULL, lease_until = NULL WHERE id = $1`, [id, status, stripNul(outcome)]);
  }

  // ---- steps --------------------------------------------------------------------------------
  /**
   * Records that a step starts (before anything is done). A step already recorded (the worker
   * that ran it died) keeps its idempotency key and counts another attempt.
   */
  async startStep(s: Pick<StoredRunStep, 'runId' | 'phase' | 'idx' | 'name' | 'type' | 'action' | 'target' | 'idempotencyKey'>, status: 'running' | 'waiting' = 'running'): Promise<StoredRunStep> {
    const { rows } = await this.db.query<StepRow>(
      `INSERT INTO runbook_run_steps (run_id, phase, idx, name, type, action, target, status, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (run_id, phase, idx) DO UPDATE SET attempts = runbook_run_steps.attempts + CASE WHEN runbook_run_steps.status = 'running' THEN 1 ELSE 0 END
       RETURNING ${STEP_COLUMNS}`,
      [s.runId, s.phase, s.idx, s.name, s.type, s.action, s.target, status, s.idempotencyKey],
    );
    return stepOf(rows[0] as StepRow);
  }

  async finishStep(runId: string, phase: 'main' | 'rollback', idx: number, result: { status: 'succeeded' | 'failed' | 'skipped'; detail: string; data?: Record<string, unknown> }): Promise<void> {
    await this.db.query(
      `UPDATE runbook_run_steps SET status = $4, detail = $5, data = $6::jsonb, finished_at = now() WHERE run_id = $1 AND phase = $2 AND idx = $3`,
      [runId, phase, idx, result.status, stripNul(result.detail.slice(0, 4000)), toJsonb(result.data ?? {})],
    );
  }

  async updateStepData(runId: string, phase: 'main' | 'rollback', idx: number, data: Record<string, unknown>): Promise<void> {
    await this.db.query(`UPDATE runbook_run_steps SET data = $4::jsonb WHERE run_id = $1 AND phase = $2 AND idx = $3`, [runId, phase, idx, toJsonb(data)]);
  }

  async steps(runId: string): Promise<StoredRunStep[]> {
    const { rows } = await this.db.query<StepRow>(`SELECT ${STEP_COLUMNS} FROM runbook_run_steps WHERE run_id = $1 ORDER BY started_at, phase, idx`, [runId]);
    return rows.map(stepOf);
  }

  // ---- approvals ----------------------------------------------------------------------------
  async requestApproval(a: { runId: string; stepIdx: number; stepName: string; roles: string[]; timeoutAtMs: number }): Promise<StoredApproval> {
    await this.db.query(
      `INSERT INTO runbook_approvals (run_id, step_idx, step_name, roles, status, timeout_at) VALUES ($1, $2, $3, $4::text[], 'pending', ${tsParam(5)}) ON CONFLICT DO NOTHING`,
      [a.runId, a.stepIdx, a.stepName, a.roles, a.timeoutAtMs],
    );
    return (await this.approval(a.runId, a.stepIdx)) as StoredApproval;
  }

  async approval(runId: string, stepIdx: number): Promise<StoredApproval | null> {
    const { rows } = await this.db.query<ApprovalRow>(`SELECT ${APPROVAL_COLUMNS} FROM runbook_approvals WHERE run_id = $1 AND step_idx = $2`, [runId, stepIdx]);
    return rows[0] ? approvalOf(rows[0]) : null;
  }

  async approvals(query: { status?: StoredApproval['status']; runId?: string }): Promise<StoredApproval[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.status) {
      params.push(query.status);
      where.push(`status = $${params.length}`);
    }
    if (query.runId) {
      params.push(query.runId);
      where.push(`run_id = $${params.length}`);
    }
    const { rows } = await this.db.query<ApprovalRow>(`SELECT ${APPROVAL_COLUMNS} FROM runbook_approvals ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC`, params);
    return rows.map(approvalOf);
  }

  /** Decides a pending approval; false when it was no longer pending (decided or timed out). */
  async decide(runId: string, stepIdx: number, status: 'approved' | 'rejected' | 'timed_out', by: string, comment: string | null): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE runbook_approvals SET status = $3, decided_by = $4, decided_at = now(), comment = $5 WHERE run_id = $1 AND step_idx = $2 AND status = 'pending'`,
      [runId, stepIdx, status, stripNul(by), comment === null ? null : stripNul(comment)],
    );
    return rowCount > 0;
  }

  // ---- kill switch --------------------------------------------------------------------------
  async killSwitch(): Promise<{ on: boolean; updatedBy: string | null; updatedAtMs: number }> {
    const { rows } = await this.db.query<{ kill_switch: boolean; updated_by: string | null; updated_at_ms: number }>(`SELECT kill_switch, updated_by, ${msOf('updated_at')} FROM runbook_settings WHERE id = 1`);
    const r = rows[0];
    return { on: r?.kill_switch ?? false, updatedBy: r?.updated_by ?? null, updatedAtMs: r?.updated_at_ms ?? 0 };
  }

  async setKillSwitch(on: boolean, by: string): Promise<void> {
    await this.db.query('UPDATE runbook_settings SET kill_switch = $1, updated_by = $2, updated_at = now() WHERE id = 1', [on, stripNul(by)]);
  }
}

const STEP_COLUMNS = `run_id, phase, idx, name, type, action, target, status, idempotency_key, attempts, ${msOf('started_at')}, ${msOf('finished_at')}, detail, data`;
interface StepRow {
  run_id: string; phase: 'main' | 'rollback'; idx: number; name: string; type: string; action: string | null; target: string | null; status: StoredRunStep['status'];
  idempotency_key: string; attempts: number; started_at_ms: number; finished_at_ms: number | null; detail: string; data: unknown;
}
const stepOf = (r: StepRow): StoredRunStep => ({
  runId: r.run_id, phase: r.phase, idx: Number(r.idx), name: r.name, type: r.type, action: r.action, target: r.target, status: r.status, idempotencyKey: r.idempotency_key,
  attempts: Number(r.attempts), startedAtMs: r.started_at_ms, finishedAtMs: r.finished_at_ms, detail: r.detail, data: json(r.data) as Record<string, unknown>,
});

const APPROVAL_COLUMNS = `run_id, step_idx, step_name, roles, status, ${msOf('requested_at')}, ${msOf('timeout_at')}, decided_by, ${msOf('decided_at')}, comment`;
interface ApprovalRow {
  run_id: string; step_idx: number; step_name: string; roles: string[]; status: StoredApproval['status']; requested_at_ms: number; timeout_at_ms: number; decided_by: string | null;
  decided_at_ms: number | null; comment: string | null;
}
const approvalOf = (r: ApprovalRow): StoredApproval => ({
  runId: r.run_id, stepIdx: Number(r.step_idx), stepName: r.step_name, roles: r.roles, status: r.status, requestedAtMs: r.requested_at_ms, timeoutAtMs: r.timeout_at_ms,
  decidedBy: r.decided_by, decidedAtMs: r.decided_at_ms, comment: r.comment,
});
