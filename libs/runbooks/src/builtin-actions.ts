import { z } from 'zod';

/**
 * Actions the responder itself performs on the run's incident (no outside system involved):
 * their parameters are known here so runbooks using them validate anywhere (CLI, API).
 */
export const incidentNoteParams = z.object({ text: z.string().min(1).max(4000) }).strict();
export const incidentUpdateParams = z
  .object({ status: z.enum(['acknowledged', 'mitigated', 'resolved']).optional(), severity: z.enum(['sev1', 'sev2', 'sev3', 'sev4']).optional(), note: z.string().max(4000).optional() })
  .strict()
  .refine((p) => p.status !== undefined || p.severity !== undefined, 'give a status or a severity');

export const BUILTIN_ACTION_PARAMS: Readonly<Record<string, z.ZodType>> = Object.freeze({ 'incident.note': incidentNoteParams, 'incident.update': incidentUpdateParams });
