import { matcherSchema } from '@vigil/incidents';
import { z } from 'zod';

const time = z.iso.datetime({ offset: true });

/** endsAt must lie after startsAt (or after now, when it starts now). */
const endsAfterStart = (v: { startsAt?: string | undefined; endsAt: string }, ctx: z.RefinementCtx): void => {
  const starts = v.startsAt ? Date.parse(v.startsAt) : Date.now();
  if (Date.parse(v.endsAt) <= starts) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt (or now)' });
};

export const createSilenceSchema = z
  .object({ matchers: z.array(matcherSchema).min(1).max(20), comment: z.string().trim().min(1).max(1000), startsAt: time.optional(), endsAt: time })
  .strict()
  .superRefine(endsAfterStart);
export const createMaintenanceSchema = z
  .object({ service: z.string().trim().min(1).max(256), reason: z.string().trim().min(1).max(1000), startsAt: time.optional(), endsAt: time })
  .strict()
  .superRefine(endsAfterStart);
export const ruleIdSchema = z.object({ id: z.string().min(1).max(128) });
export const suppressedQuerySchema = z.object({ service: z.string().max(256).optional(), suppressedBy: z.string().max(128).optional(), cursor: z.string().max(512).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

export const silenceViewSchema = z.object({ id: z.string(), matchers: z.array(z.object({ label: z.string(), op: z.string(), value: z.string() })), startsAt: z.string(), endsAt: z.string(), createdBy: z.string(), comment: z.string(), active: z.boolean() });
export const maintenanceViewSchema = z.object({ id: z.string(), service: z.string(), startsAt: z.string(), endsAt: z.string(), createdBy: z.string(), reason: z.string(), active: z.boolean() });
