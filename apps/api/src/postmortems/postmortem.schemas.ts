import { z } from 'zod';

export const postmortemQuerySchema = z.object({ format: z.enum(['markdown', 'json']).default('markdown') }).strict();
export const generatePostmortemSchema = z.object({ template: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'expected a template name').default('default') }).strict().default({ template: 'default' });
export const editPostmortemSchema = z
  .object({
    markdown: z.string().min(1).max(200_000),
    /** The revision this edit started from; a newer one means someone else edited meanwhile (409). */
    baseRevision: z.number().int().min(0).optional(),
  })
  .strict();
export const postmortemViewSchema = z.object({
  incidentId: z.string(),
  revision: z.number().int(),
  template: z.string(),
  markdown: z.string(),
  author: z.string(),
  createdAt: z.string(),
  draft: z.boolean(),
});
export const postmortemRevisionsSchema = z.object({ items: z.array(postmortemViewSchema) });
export const templateListSchema = z.object({
  folder: z.string(),
  templates: z.array(z.string()),
  problems: z.array(z.object({ template: z.string(), message: z.string(), line: z.number().nullable(), column: z.number().nullable() })),
});
