import { INCIDENT_STATUSES, SEVERITIES } from '@vigil/incidents';
import { z } from 'zod';

const cursor = z.string().max(512).optional();
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const serviceName = z.string().trim().min(1).max(256);

export const incidentListQuerySchema = z
  .object({
    status: z.enum([...INCIDENT_STATUSES, 'open']).optional(),
    severity: z.enum(SEVERITIES).optional(),
    service: serviceName.optional(),
    includeMerged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    cursor,
    limit: limit(200, 50),
  })
  .strict();

export const incidentIdSchema = z.object({ id: z.string().min(1).max(256) });

export const timelineQuerySchema = z.object({ type: z.string().max(64).optional(), cursor, limit: limit(1000, 200) }).strict();

export const declareIncidentSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    severity: z.enum(SEVERITIES),
    services: z.array(serviceName).min(1).max(50),
    summary: z.string().max(4000).optional(),
  })
  .strict();

export const transitionBodySchema = z
  .object({
    /** Why, in a sentence: lands on the timeline (and, on resolve, as the resolution). */
    note: z.string().trim().min(1).max(4000).optional(),
  })
  .strict()
  .default({});

export const noteBodySchema = z.object({ text: z.string().trim().min(1).max(10000) }).strict();
export const severityBodySchema = z.object({ severity: z.enum(SEVERITIES), reason: z.string().trim().max(1000).optional() }).strict();
export const commanderBodySchema = z.object({ commander: z.string().trim().min(1).max(256) }).strict();

const isoTime = z.iso.datetime({ offset: true });
const hint = z.object({ service: z.string(), signal: z.string(), score: z.number(), evidence: z.unknown() });

export const incidentViewSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(SEVERITIES),
  severitySource: z.enum(['auto', 'human']),
  severityReason: z.string(),
  customerFacing: z.boolean(),
  services: z.array(z.string()),
  declared: z.boolean(),
  commander: z.string().nullable(),
  startedAt: isoTime,
  openedAt: isoTime,
  detectedAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  mitigatedAt: isoTime.nullable(),
  resolvedAt: isoTime.nullable(),
  resolution: z.string().nullable(),
  mergedInto: z.string().nullable(),
  suppressed: z.object({ reason: z.literal('inhibited'), by: z.string() }).nullable(),
  rootCauseHints: z.array(hint),
});
export const incidentListSchema = z.object({ items: z.array(incidentViewSchema), nextCursor: z.string().nullable() });

export const timelineEntryViewSchema = z.object({ id: z.string(), at: isoTime, actor: z.string(), type: z.string(), text: z.string(), data: z.record(z.string(), z.unknown()) });
export const timelineViewSchema = z.object({ items: z.array(timelineEntryViewSchema), nextCursor: z.string().nullable() });

export const signalViewSchema = z.object({
  fingerprint: z.string(),
  service: z.string(),
  kind: z.string(),
  signal: z.string(),
  firstAt: isoTime,
  lastAt: isoTime,
  events: z.number().int(),
  peakScore: z.number(),
  peakObserved: z.number().nullable(),
  recoveredAt: isoTime.nullable(),
  firstEvent: z.unknown(),
});
export const incidentDetailSchema = incidentViewSchema.extend({ signals: z.array(signalViewSchema) });

export const similarViewSchema = z.object({
  items: z.array(z.object({ id: z.string(), number: z.number(), title: z.string(), similarity: z.number(), resolvedAt: isoTime.nullable(), resolution: z.string().nullable(), fixedBy: z.array(z.string()) })),
});

export type IncidentListQuery = z.output<typeof incidentListQuerySchema>;
export type DeclareIncident = z.output<typeof declareIncidentSchema>;
export type TransitionBody = z.output<typeof transitionBodySchema>;
export type IncidentView = z.output<typeof incidentViewSchema>;
