import { z } from 'zod';

export const RUN_STATUSES = ['pending', 'waiting_approval', 'running', 'verifying', 'rolling_back', 'succeeded', 'failed', 'rolled_back', 'escalated', 'rejected', 'blocked', 'cancelled'] as const;
export const runListQuerySchema = z
  .object({ status: z.enum(RUN_STATUSES).optional(), runbook: z.string().max(64).optional(), incidentId: z.string().max(256).optional(), cursor: z.string().max(512).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();
export const runIdSchema = z.object({ id: z.string().regex(/^run-[a-f0-9]{20}$/, 'expected a run id (run-…)') });
export const decisionBodySchema = z.object({ comment: z.string().trim().max(2000).optional() }).strict().default({});
export const dryRunBodySchema = z.object({ incidentId: z.string().min(1).max(256) }).strict();
export const runbookNameSchema = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a runbook name') });
export const killSwitchBodySchema = z.object({ on: z.boolean(), reason: z.string().trim().min(1).max(1000) }).strict();
export const approvalsQuerySchema = z.object({ status: z.enum(['pending', 'approved', 'rejected', 'timed_out']).default('pending') }).strict();
